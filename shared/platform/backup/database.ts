import { ApiError } from "../../http/errors";
import type { Deps } from "../deps-types";
import { type PortableValue, toPortable } from "../portable-value";
import { dumpPlan, pageOf, pageQuery } from "../sqlite-dump-plan";
import { appliedMigrations, databaseSchema, pageRows, rowCount } from "./records";

/** D1's own bookkeeping: the migrations are compared between backup and target, never copied. */
const D1_INTERNAL = ["d1_migrations"];

export const MAX_ROWS_PER_PAGE = 500;

export interface DatabaseDescription {
  migrations: string[];
  /** Copied tables in restore order (parents first), with their row counts. */
  tables: { name: string; rows: number }[];
  /** Tables rebuilt from the copied ones (trigger-kept indexes and counts), with their row counts to check a restore by. */
  derived: { name: string; rows: number; why: string }[];
  skipped: { name: string; why: string }[];
}

async function planOf(deps: Deps) {
  return dumpPlan(await databaseSchema(deps.db), D1_INTERNAL);
}

export async function describeDatabase(deps: Deps): Promise<DatabaseDescription> {
  const plan = await planOf(deps);
  const counted = async (name: string) => ({ name, rows: await rowCount(deps.db, name) });
  return {
    migrations: await appliedMigrations(deps.db),
    tables: await Promise.all(plan.tables.map(({ name }) => counted(name))),
    derived: await Promise.all(plan.skipped.filter((s) => s.derived).map(async (s) => ({ ...(await counted(s.name)), why: s.why }))),
    skipped: plan.skipped.filter((s) => !s.derived).map(({ name, why }) => ({ name, why })),
  };
}

// D1 answers a BLOB as an array of byte values; no other column type comes back as an array.
const portableCell = (value: unknown): PortableValue => toPortable(Array.isArray(value) ? new Uint8Array(value) : value);

/** One page of a copied table: its columns, its rows as portable values, and the cursor of the next page. */
export async function tablePage(deps: Deps, name: string, after: number, limit: number) {
  const table = (await planOf(deps)).tables.find((t) => t.name === name);
  if (!table) throw new ApiError(404, "backup_unknown_table", `The database has no table ${name} that a backup copies`);
  const page = pageOf(table, await pageRows(deps.db, pageQuery(table, after, limit)), after, limit);
  return { columns: page.columns, rows: page.rows.map((row) => row.map(portableCell)), next: page.next };
}
