import { and, count, eq, gte, type Query, sql } from "drizzle-orm";
import type { Database } from "./client";
import { auditEvents } from "./schema";

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
