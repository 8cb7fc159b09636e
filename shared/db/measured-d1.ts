import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { metrics } from "../observability/metrics";
import * as calls from "./schema/calls";
import * as chat from "./schema/chat";
import * as identity from "./schema/identity";
import * as jobs from "./schema/jobs";
import * as media from "./schema/media";
import * as oauth from "./schema/oauth";
import * as platform from "./schema/platform";
import * as push from "./schema/push";
import * as studio from "./schema/studio";
import * as studioGeneration from "./schema/studio-generation";
import * as studioProviders from "./schema/studio-providers";
import * as video from "./schema/video";

/** Each table's module (its schema file), the `module` label of the D1 metrics. */
const MODULE_OF_TABLE = new Map<string, string>();
for (const [module, tables] of [
  ["identity", identity],
  ["chat", chat],
  ["calls", calls],
  ["media", media],
  ["studio", studio],
  ["studio", studioProviders],
  ["studio", studioGeneration],
  ["video", video],
  ["jobs-board", jobs],
  ["push", push],
  ["oauth", oauth],
  ["platform", platform],
] as const) {
  for (const value of Object.values(tables)) if (is(value, SQLiteTable)) MODULE_OF_TABLE.set(getTableName(value), module);
}

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
