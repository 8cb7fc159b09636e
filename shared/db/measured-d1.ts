import { metrics } from "../observability/metrics";

/**
 * Each module's D1 tables, the `module` label of the D1 metrics. Written out rather than read off
 * the drizzle tables: importing every module's schema here made every isolate (a chat room's
 * too) build every table at startup (bench:startup). test/observability/d1-and-token-metrics.test.ts
 * holds this list to the schema files, table for table.
 */
export const TABLES_OF_MODULE: Readonly<Record<string, readonly string[]>> = {
  identity: [
    "audit_events",
    "backup_codes",
    "dev_mailbox",
    "dev_sms_outbox",
    "invite_codes",
    "known_countries",
    "known_devices",
    "one_time_tokens",
    "passkey_challenges",
    "passkeys",
    "phone_codes",
    "realtime_tickets",
    "refresh_tokens",
    "sessions",
    "totp_credentials",
    "user_phones",
    "users",
  ],
  chat: ["chat_former_members", "chat_members", "chat_mentions", "chats"],
  calls: ["calls", "group_call_participants", "group_calls", "group_calls_hidden"],
  media: ["avatars", "blobs", "file_attachments", "files", "image_likes", "image_tags", "images", "uploads"],
  studio: [
    "studio_assets",
    "studio_boxes",
    "studio_comment_reads",
    "studio_comments",
    "studio_dev_tasks",
    "studio_edit_configs",
    "studio_generations",
    "studio_models",
    "studio_projects",
    "studio_providers",
    "studio_share_links",
  ],
  video: ["video_captions", "video_reports", "video_tags", "videos"],
  "jobs-board": [
    "companies",
    "company_follows",
    "company_invitations",
    "company_members",
    "company_verification_events",
    "follows",
    "job_application_events",
    "job_applications",
    "job_saved_searches",
    "jobs_ai_tasks",
    "profile_views",
    "profiles",
    "vacancies",
    "vacancy_search",
    "vacancy_search_counts",
  ],
  push: ["chat_notification_settings", "notification_settings", "push_deliveries", "push_devices"],
  oauth: ["oauth_authorizations", "oauth_clients", "oauth_codes", "oauth_grants", "oauth_tokens"],
  platform: ["replica_heartbeat"],
  e2ee: ["mls_devices", "mls_key_backups", "mls_key_packages"],
  "moderation-hints": ["moderation_hints"],
};

const MODULE_OF_TABLE = new Map(Object.entries(TABLES_OF_MODULE).flatMap(([module, tables]) => tables.map((table) => [table, module] as const)));

const FIRST_TABLE = /\b(?:from|into|update|join|table)\s+["`]?([A-Za-z_][A-Za-z0-9_]*)/i;

/** The module whose table a statement names first (full-text tables by their prefix), else `other`. */
export function moduleOfStatement(sql: string): string {
  const table = FIRST_TABLE.exec(sql)?.[1];
  if (!table) return "other";
  return (
    MODULE_OF_TABLE.get(table) ?? MODULE_OF_TABLE.get(table.replace(/_(search|fts)(_[a-z]+)?$/, "s")) ?? (table.startsWith("vacanc") ? "jobs-board" : "other")
  );
}

function record(module: string, statements: number, started: number): void {
  metrics.count("d1_queries_total", { module }, statements);
  metrics.observe("d1_query_duration_seconds", { module }, (performance.now() - started) / 1000);
}

async function timed<T>(module: string, statements: number, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    record(module, statements, started);
  }
}

const inner = new WeakMap<object, D1PreparedStatement>();

/** A prepared statement that records its run's count and duration under its module. */
class MeasuredStatement {
  constructor(
    private readonly statement: D1PreparedStatement,
    readonly module: string,
  ) {
    inner.set(this, statement);
  }
  bind(...values: unknown[]): D1PreparedStatement {
    return new MeasuredStatement(this.statement.bind(...values), this.module) as unknown as D1PreparedStatement;
  }
  first(column?: string) {
    return timed(this.module, 1, () => (column === undefined ? this.statement.first() : this.statement.first(column)));
  }
  run() {
    return timed(this.module, 1, () => this.statement.run());
  }
  all() {
    return timed(this.module, 1, () => this.statement.all());
  }
  raw(options?: { columnNames?: boolean }) {
    return timed(this.module, 1, () => this.statement.raw(options as { columnNames: true }));
  }
}

type D1Like = Pick<D1Database, "prepare" | "batch"> & Partial<Pick<D1Database, "exec" | "dump" | "withSession">> & { getBookmark?: () => string | null };

/**
 * D1 with every statement counted and timed by module (`d1_queries_total`,
 * `d1_query_duration_seconds`): wrapped once where the platform opens its database, so no query
 * records anything itself. A batch counts each statement under its module and is timed once,
 * under the module of its first statement (it is one round trip).
 */
export function measuredD1(d1: D1Like): D1Database {
  const measured = {
    prepare: (sql: string) => new MeasuredStatement(d1.prepare(sql), moduleOfStatement(sql)) as unknown as D1PreparedStatement,
    batch: async <T = unknown>(statements: D1PreparedStatement[]) => {
      const started = performance.now();
      const modules = statements.map((statement) => (statement as unknown as { module?: string }).module ?? "other");
      try {
        return await d1.batch<T>(statements.map((statement) => inner.get(statement) ?? statement));
      } finally {
        const counts = new Map<string, number>();
        for (const module of modules) counts.set(module, (counts.get(module) ?? 0) + 1);
        for (const [module, count] of counts) metrics.count("d1_queries_total", { module }, count);
        metrics.observe("d1_query_duration_seconds", { module: modules[0] ?? "other" }, (performance.now() - started) / 1000);
      }
    },
    exec: (query: string) => d1.exec!(query),
    dump: () => d1.dump!(),
    withSession: (constraintOrBookmark?: string) => measuredD1(d1.withSession!(constraintOrBookmark) as unknown as D1Like),
    getBookmark: () => d1.getBookmark?.() ?? null,
  };
  return measured as unknown as D1Database;
}
