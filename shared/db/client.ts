import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

function build(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof build>;

// Building a client walks the whole schema; a binding lives as long as its isolate, so build once.
const clients = new WeakMap<D1Database, Database>();

export function createDatabase(d1: D1Database): Database {
  let client = clients.get(d1);
  if (!client) {
    client = build(d1);
    clients.set(d1, client);
  }
  return client;
}
