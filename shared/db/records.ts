import { sql } from "drizzle-orm";
import type { Database } from "./client";

/** Platform queries that belong to no module's tables. */

/** Throws when D1 cannot be reached (the readiness check). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.run(sql`SELECT 1`);
}

/**
 * A drizzle query as a raw D1 statement, for a batch that also carries statements other modules
 * hand in raw (the account hooks of registration and deletion).
 */
export function toD1Statement(d1: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql: text, params } = query.toSQL();
  return d1.prepare(text).bind(...params);
}
