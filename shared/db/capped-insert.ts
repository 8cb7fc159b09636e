import { type Column, getTableColumns, getTableName, is, SQL, sql } from "drizzle-orm";
import type { SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/**
 * How many rows a cap allows: `count` is a scalar subquery counting the rows already held (e.g.
 * `select count(*) from push_devices where user_id = ?`), `max` the most there may be.
 */
export interface RowCap {
  count: SQL;
  max: number;
}

/**
 * The one way a capped row is written: the cap is counted inside the INSERT itself, so requests
 * that race cannot each see room for one more and overshoot it together (a count followed by an
 * insert lets every one of 40 parallel requests through a cap of 20). `rows` go in together or
 * not at all; `onConflict` (e.g. `on conflict (a, b) do update set ...`) ends the statement, and
 * `alsoWhen` lets a row through whatever the count (e.g. when it replaces one that is counted).
 * Column values map to the driver as drizzle's own insert maps them, defaults included; a value
 * may be an SQL expression (a subquery read in the same statement).
 */
export function cappedInsertQuery<T extends SQLiteTable>(
  table: T,
  rows: readonly SQLiteInsertValue<T>[],
  cap: RowCap,
  options: { onConflict?: SQL; alsoWhen?: SQL } = {},
): SQL {
  if (rows.length === 0) throw new Error("cappedInsertQuery needs at least one row");
  const columns = getTableColumns(table) as Record<string, Column>;
  const prepared = rows.map((row) => withDefaults(columns, row as Record<string, unknown>));
  const keys = Object.keys(prepared[0]!);
  if (prepared.some((row) => Object.keys(row).join() !== keys.join())) throw new Error("cappedInsertQuery: every row needs the same columns");
  const names = sql.join(
    keys.map((key) => sql.identifier(columns[key]!.name)),
    sql`, `,
  );
  const values = sql.join(
    prepared.map(
      (row) =>
        sql`(${sql.join(
          keys.map((key) => driverValue(columns[key]!, row[key])),
          sql`, `,
        )})`,
    ),
    sql`, `,
  );
  const room = sql`(${cap.count}) + ${rows.length} <= ${cap.max}`;
  const allowed = options.alsoWhen ? sql`(${room} or ${options.alsoWhen})` : room;
  // "where" keeps SQLite's parser from reading an "on conflict" as the join's constraint.
  return sql`insert into ${sql.identifier(getTableName(table))} (${names}) select * from (values ${values}) where ${allowed} ${options.onConflict ?? sql``}`;
}

/** Runs a capped insert; false when the cap refused it (nothing was written). */
export async function insertWithinCap<T extends SQLiteTable>(
  db: Database,
  table: T,
  rows: readonly SQLiteInsertValue<T>[],
  cap: RowCap,
  options: { onConflict?: SQL; alsoWhen?: SQL } = {},
): Promise<boolean> {
  const result = await db.run(cappedInsertQuery(table, rows, cap, options));
  return (result.meta?.changes ?? 0) > 0;
}

function driverValue(column: Column, value: unknown): SQL {
  if (is(value, SQL)) return value;
  return value === null ? sql`null` : sql`${column.mapToDriverValue(value)}`;
}

/** The row with drizzle's client-side defaults filled in; columns left out take the table's SQL default. */
function withDefaults(columns: Record<string, Column>, row: Record<string, unknown>): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    if (row[key] !== undefined) filled[key] = row[key];
    else if (column.defaultFn) filled[key] = column.defaultFn();
    else if (column.onUpdateFn) filled[key] = column.onUpdateFn();
  }
  for (const key of Object.keys(row)) if (!(key in columns)) throw new Error(`cappedInsertQuery: no column ${key}`);
  return filled;
}
