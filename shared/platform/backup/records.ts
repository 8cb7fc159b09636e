import { asc, gt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { calls } from "../../db/schema/calls";
import { chats } from "../../db/schema/chat";
import { users } from "../../db/schema/identity";
import { videos } from "../../db/schema/video";
import { quoteIdentifier, type SchemaEntry } from "../sqlite-dump-plan";

export function databaseSchema(db: Database): Promise<SchemaEntry[]> {
  return db.all<SchemaEntry>(sql`SELECT type, name, tbl_name, sql FROM sqlite_master`);
}

/** The migrations applied to this database, in order: a restore needs the same list on both sides. */
export async function appliedMigrations(db: Database): Promise<string[]> {
  return (await db.all<{ name: string }>(sql`SELECT name FROM d1_migrations ORDER BY id`)).map((row) => row.name);
}

export async function rowCount(db: Database, table: string): Promise<number> {
  return (await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${sql.raw(quoteIdentifier(table))}`))?.n ?? 0;
}

/** Rows of a statement built by `pageQuery` (identifiers quoted there, values bound here). */
export function pageRows(db: Database, query: { sql: string; params: number[] }): Promise<Record<string, unknown>[]> {
  const parts = query.sql.split("?");
  let statement: SQL = sql.raw(parts[0]!);
  query.params.forEach((param, i) => {
    statement = sql`${statement}${param}${sql.raw(parts[i + 1]!)}`;
  });
  return db.all<Record<string, unknown>>(statement);
}

/** The D1 table whose ids name the instances of each Durable Object class worth backing up. */
const INSTANCE_IDS = {
  "chat-room": chats.id,
  "user-hub": users.id,
  "call-session": calls.id,
  "video-views": videos.id,
} as const;

export type InstanceKind = keyof typeof INSTANCE_IDS;
export const INSTANCE_KINDS = Object.keys(INSTANCE_IDS) as InstanceKind[];

export async function instanceIds(db: Database, kind: InstanceKind, after: string | undefined, limit: number): Promise<string[]> {
  const id = INSTANCE_IDS[kind];
  const table = { "chat-room": chats, "user-hub": users, "call-session": calls, "video-views": videos }[kind];
  const rows = await db
    .select({ id })
    .from(table)
    .where(after === undefined ? undefined : gt(id, after))
    .orderBy(asc(id))
    .limit(limit);
  return rows.map((row) => row.id);
}
