import type { DurableStateReply, DurableStateRequest } from "./durable-state-rpc";
import { fromPortable, type PortableValue, toPortable } from "./portable-value";
import { dumpPlan, insertStatement, pageOf, pageQuery, quoteIdentifier, type SchemaEntry } from "./sqlite-dump-plan";

/** Most rows or keys one page carries; a page stays far below the RPC message limit. */
export const MAX_PAGE = 500;

function planOf(sql: SqlStorage) {
  return dumpPlan(sql.exec<SchemaEntry & Record<string, SqlStorageValue>>("SELECT type, name, tbl_name, sql FROM sqlite_master").toArray());
}

/** A restore step's input came from a file: SQLite's refusal of it is the caller's 400, not a crash. */
function refusedOnSqlError(step: () => DurableStateReply): DurableStateReply {
  try {
    return step();
  } catch (error) {
    return { op: "refused", detail: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The generic side of `DurableStateRpc`: each object's `durableState(request)` is
 * `return durableState(this.ctx, request)`. It reads the schema from `sqlite_master` on every
 * call (nothing cached), so it sees whatever tables the object's code has created by then.
 */
export async function durableState(ctx: DurableObjectState, request: DurableStateRequest): Promise<DurableStateReply> {
  const { sql } = ctx.storage;
  switch (request.op) {
    case "describe": {
      const plan = planOf(sql);
      const tables = plan.tables.map(({ name }) => ({
        name,
        rows: sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(name)}`).one().n,
      }));
      const keys = (await ctx.storage.list()).size;
      return { op: "describe", schema: plan.schema, tables, skipped: plan.skipped, afterImport: plan.afterImport, alarm: await ctx.storage.getAlarm(), keys };
    }
    case "rows": {
      const table = planOf(sql).tables.find((t) => t.name === request.table);
      if (!table) return { op: "unknown_table", table: request.table };
      const limit = Math.min(request.limit, MAX_PAGE);
      const query = pageQuery(table, request.after, limit);
      const page = pageOf(table, sql.exec(query.sql, ...query.params).toArray(), request.after, limit);
      return { op: "rows", columns: page.columns, rows: page.rows.map((row) => row.map(toPortable)), next: page.next };
    }
    case "kv": {
      const limit = Math.min(request.limit, MAX_PAGE);
      const listed = await ctx.storage.list({ limit, ...(request.after === null ? {} : { startAfter: request.after }) });
      const entries: [string, PortableValue][] = [...listed].map(([key, value]) => [key, toPortable(value)]);
      return { op: "kv", entries, next: entries.length < limit ? null : entries[entries.length - 1]![0] };
    }
    case "reset": {
      await ctx.storage.deleteAlarm();
      await ctx.storage.deleteAll();
      return refusedOnSqlError(() => {
        ctx.storage.transactionSync(() => {
          for (const statement of request.schema) sql.exec(statement);
        });
        return { op: "done", count: request.schema.length };
      });
    }
    case "insert": {
      if (!planOf(sql).tables.some((t) => t.name === request.table)) return { op: "unknown_table", table: request.table };
      const statement = insertStatement(request.table, request.columns);
      return refusedOnSqlError(() => {
        ctx.storage.transactionSync(() => {
          for (const row of request.rows) sql.exec(statement, ...(row.map(fromPortable) as SqlStorageValue[]));
        });
        return { op: "done", count: request.rows.length };
      });
    }
    case "put": {
      // put() takes at most 128 keys at once.
      for (let i = 0; i < request.entries.length; i += 128) {
        await ctx.storage.put(Object.fromEntries(request.entries.slice(i, i + 128).map(([key, value]) => [key, fromPortable(value)])));
      }
      return { op: "done", count: request.entries.length };
    }
    case "rewind": {
      let bookmarks: { restored: string; undo: string };
      try {
        const restored = await ctx.storage.getBookmarkForTime(request.at);
        bookmarks = { restored, undo: await ctx.storage.onNextSessionRestoreBookmark(restored) };
      } catch (error) {
        // Outside the 30 days, or a runtime without point-in-time recovery (local wrangler dev).
        return { op: "refused", detail: error instanceof Error ? error.message : String(error) };
      }
      setTimeout(() => ctx.abort("rewound to an earlier point in time"), 0);
      return { op: "rewound", ...bookmarks };
    }
    case "finish": {
      const rebuilt = refusedOnSqlError(() => {
        ctx.storage.transactionSync(() => {
          for (const statement of request.afterImport) sql.exec(statement);
        });
        return { op: "done", count: request.afterImport.length } as const;
      });
      if (rebuilt.op === "refused") return rebuilt;
      if (request.alarm !== null) await ctx.storage.setAlarm(request.alarm);
      // What the running instance keeps in memory (a chat room's last seq, a call's state) was
      // read from the old storage: restart it, after this reply, so the next call reads the new.
      setTimeout(() => ctx.abort("restored from a backup"), 0);
      return { op: "done", count: 0 };
    }
  }
}
