import { and, count, eq, gte, type Query, sql } from "drizzle-orm";
import type { Database } from "./client";
import { auditEvents } from "./schema/identity";

/** Platform queries that belong to no module's tables. */

/** Throws when D1 cannot be reached (the readiness check). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.run(sql`SELECT 1`);
}

/** Queue messages dead-lettered since `since` (each is recorded as a `job.dead_lettered` audit event). */
export async function countDeadLettersSince(db: Database, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.type, "job.dead_lettered"), gte(auditEvents.createdAt, since)));
  return row?.n ?? 0;
}

/**
 * Turns drizzle builders into D1 statements for the identity batches (registration, account
 * deletion), which run every module's part in one `env.DB.batch` so it commits all or nothing.
 * drizzle's own `db.batch` binds each built query the same way.
 */
export function toD1Statements(db: Database, items: readonly { toSQL(): Query }[]): D1PreparedStatement[] {
  return items.map((item) => {
    const query = item.toSQL();
    return db.$client.prepare(query.sql).bind(...query.params);
  });
}

/** The heartbeat as one copy of the database holds it, and which copy answered (D1 result meta). */
export interface HeartbeatRead {
  beatAt: number | null;
  servedByPrimary: boolean;
  region: string | null;
}

/**
 * Reads the heartbeat row through `reader`: the binding itself (the primary) or a Sessions API
 * session (`withSession("first-unconstrained")`, any replica). Raw D1, because drizzle drops the
 * result's `meta`, which says who served it.
 */
export async function readHeartbeat(reader: Pick<D1Database, "prepare">): Promise<HeartbeatRead> {
  const result = await reader.prepare("SELECT beat_at AS beatAt FROM replica_heartbeat WHERE id = 1").all<{ beatAt: number }>();
  const meta = result.meta as D1Meta;
  return {
    beatAt: result.results[0]?.beatAt ?? null,
    // Local D1 and databases without replication do not say: they are the primary.
    servedByPrimary: meta.served_by_primary ?? true,
    region: meta.served_by_region ?? null,
  };
}

/** The primary's clock into the heartbeat row (a write: always the primary). */
export async function writeHeartbeat(db: Database, at: number): Promise<void> {
  await db.run(
    sql`INSERT INTO replica_heartbeat (id, beat_at) VALUES (1, ${at}) ON CONFLICT(id) DO UPDATE SET beat_at = excluded.beat_at WHERE excluded.beat_at > replica_heartbeat.beat_at`,
  );
}
