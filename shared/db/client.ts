import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

// No relational schema: handing drizzle every table made every isolate build every module's
// tables at startup; queries name their tables (`db.select().from(users)`), so none is needed.
function build(d1: D1Database) {
  return drizzle(d1);
}

export type Database = ReturnType<typeof build>;

// A binding lives as long as its isolate, so its client is built once.
const clients = new WeakMap<D1Database, Database>();

/** The drizzle client of a binding, built once per binding; `wrap` (the platform's measuring D1) goes around the binding. */
export function createDatabase(d1: D1Database, wrap: (d1: D1Database) => D1Database = (plain) => plain): Database {
  let client = clients.get(d1);
  if (!client) {
    client = build(wrap(d1));
    clients.set(d1, client);
  }
  return client;
}

/** One statement of a `db.batch([...])`: every query in it commits or none does. */
export type BatchQuery = BatchItem<"sqlite">;

/** Runs queries as one D1 batch; `db.batch` wants a non-empty tuple, callers often hold a list. */
export async function runBatch(db: Database, queries: readonly BatchQuery[]): Promise<void> {
  if (queries.length === 0) return;
  await db.batch(queries as [BatchQuery, ...BatchQuery[]]);
}
