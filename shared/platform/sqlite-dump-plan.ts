/**
 * What a backup copies of one SQLite database (D1, or a Durable Object's storage), read from its
 * `sqlite_master` alone, so a table another engineer adds next month is copied without an edit
 * here. Pure: the D1 records and the Durable Object helper each read `sqlite_master` their way.
 */
export interface SchemaEntry {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** A table whose rows the backup copies, in an order where every table comes after those it references. */
export interface CopiedTable {
  name: string;
  /** Rows are read and written with their rowid (an FTS5 index's rowid is the row it indexes). */
  withRowid: "keyset" | "column" | "none";
}

export interface DumpPlan {
  tables: CopiedTable[];
  /**
   * Tables left out, and why (internal, an index's own storage, rebuilt by triggers). `derived`:
   * its rows come back from the copied ones, so a restore can be checked by counting them.
   */
  skipped: { name: string; why: string; derived: boolean }[];
  /** `CREATE ... IF NOT EXISTS` of every table, index, view and trigger, tables first. */
  schema: string[];
  /** Run after the rows are in: rebuilds indexes that read another table's rows. */
  afterImport: string[];
}

// The tables FTS5 and R*Tree keep their index in; they follow from the virtual table's rows.
const SHADOW_SUFFIXES = ["data", "idx", "content", "docsize", "config", "node", "rowid", "parent"];

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteIdentifier = quote;

function unquote(name: string): string {
  return name.replace(/^[`"[]|[`"\]]$/g, "");
}

/** The tables a trigger writes: they are derived from the table it fires on, so the trigger rebuilds them on import. */
function triggerTargets(sql: string): string[] {
  const targets: string[] = [];
  const body = sql.slice(sql.search(/\bBEGIN\b/i));
  for (const match of body.matchAll(/\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM|UPDATE(?:\s+OR\s+\w+)?)\s+([`"[]?[\w$]+[`"\]]?)/gi)) {
    targets.push(unquote(match[1]!));
  }
  return targets;
}

function referencedTables(sql: string): string[] {
  return [...sql.matchAll(/\bREFERENCES\s+([`"[]?[\w$]+[`"\]]?)/gi)].map((m) => unquote(m[1]!));
}

function ifNotExists(sql: string): string {
  return sql.replace(
    /^\s*CREATE\s+(UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|TRIGGER|VIEW)\s+(?!IF\s+NOT\s+EXISTS)/i,
    (_all, kind = "", what) => `CREATE ${kind}${what} IF NOT EXISTS `,
  );
}

/** FTS5 option `content=...`: '' is contentless (nothing to read back), a name is an external-content index of that table. */
function ftsContentOption(sql: string): string | null {
  const match = /\bcontent\s*=\s*(?:'([^']*)'|"([^"]*)"|([\w$]+))/i.exec(sql);
  return match ? (match[1] ?? match[2] ?? match[3] ?? "") : null;
}

/**
 * @param internal names (or name prefixes ending in `_`) never copied: `sqlite_` and `_cf_`
 *   always, plus what the caller adds (D1's `d1_migrations`, compared instead of copied).
 */
export function dumpPlan(entries: readonly SchemaEntry[], internal: readonly string[] = []): DumpPlan {
  const isInternal = (name: string) =>
    name.startsWith("sqlite_") || name.startsWith("_cf_") || internal.some((skip) => (skip.endsWith("_") ? name.startsWith(skip) : name === skip));
  const virtual = entries.filter((e) => e.type === "table" && e.sql !== null && /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(e.sql));
  const shadowOf = (name: string) => virtual.find((v) => SHADOW_SUFFIXES.some((suffix) => name === `${v.name}_${suffix}`));
  const derived = new Set<string>();
  for (const trigger of entries.filter((e) => e.type === "trigger" && e.sql)) {
    for (const target of triggerTargets(trigger.sql!)) if (target !== trigger.tbl_name) derived.add(target);
  }

  const skipped: DumpPlan["skipped"] = [];
  const copied: (CopiedTable & { references: string[] })[] = [];
  const afterImport: string[] = [];
  const schema: string[] = [];
  for (const entry of entries.filter((e) => e.type === "table")) {
    if (isInternal(entry.name)) {
      skipped.push({ name: entry.name, why: "internal", derived: false });
      continue;
    }
    const shadow = shadowOf(entry.name);
    if (shadow) {
      skipped.push({ name: entry.name, why: `storage of the index ${shadow.name}`, derived: false });
      continue;
    }
    if (entry.sql) schema.push(ifNotExists(entry.sql));
    if (derived.has(entry.name)) {
      skipped.push({ name: entry.name, why: "rebuilt by triggers from the rows it is derived from", derived: true });
      continue;
    }
    const sql = entry.sql ?? "";
    if (virtual.includes(entry)) {
      const content = /\bUSING\s+fts5\b/i.test(sql) ? ftsContentOption(sql) : null;
      if (content === "") {
        skipped.push({ name: entry.name, why: "contentless full-text index: nothing to read back", derived: false });
        continue;
      }
      if (content !== null) {
        skipped.push({ name: entry.name, why: `external-content index of ${content}: rebuilt after import`, derived: true });
        afterImport.push(`INSERT INTO ${quote(entry.name)}(${quote(entry.name)}) VALUES ('rebuild')`);
        continue;
      }
      copied.push({ name: entry.name, withRowid: "column", references: [] });
      continue;
    }
    copied.push({ name: entry.name, withRowid: /\bWITHOUT\s+ROWID\b/i.test(sql) ? "none" : "keyset", references: referencedTables(sql) });
  }
  for (const entry of entries) {
    if ((entry.type === "index" || entry.type === "view" || entry.type === "trigger") && entry.sql && !isInternal(entry.name) && !isInternal(entry.tbl_name)) {
      schema.push(ifNotExists(entry.sql));
    }
  }
  return { tables: parentsFirst(copied), skipped, schema, afterImport };
}

/** Kahn's order, stable: a table after every table it references (a cycle keeps the original order). */
function parentsFirst(tables: (CopiedTable & { references: string[] })[]): CopiedTable[] {
  const names = new Set(tables.map((t) => t.name));
  const placed = new Set<string>();
  const ordered: CopiedTable[] = [];
  let remaining = tables;
  while (remaining.length > 0) {
    const ready = remaining.filter((t) => t.references.every((r) => r === t.name || !names.has(r) || placed.has(r)));
    const next = ready.length > 0 ? ready : [remaining[0]!];
    for (const table of next) {
      placed.add(table.name);
      ordered.push({ name: table.name, withRowid: table.withRowid });
    }
    remaining = remaining.filter((t) => !placed.has(t.name));
  }
  return ordered;
}

/** The statement reading one page of `table` after `after` (a rowid, or an offset for WITHOUT ROWID tables). */
export function pageQuery(table: CopiedTable, after: number, limit: number): { sql: string; params: number[] } {
  const name = quote(table.name);
  if (table.withRowid === "none") return { sql: `SELECT * FROM ${name} LIMIT ? OFFSET ?`, params: [limit, after] };
  return { sql: `SELECT rowid AS __cursor, * FROM ${name} WHERE rowid > ? ORDER BY rowid LIMIT ?`, params: [after, limit] };
}

/**
 * Rows of a page as columns and value lists, and the cursor of the next page (null at the end).
 * A virtual table's rowid is a column of its own (`rowid`), written back as it was.
 */
export function pageOf(
  table: CopiedTable,
  rows: Record<string, unknown>[],
  after: number,
  limit: number,
): { columns: string[]; rows: unknown[][]; next: number | null } {
  const first = rows[0];
  const columns = first ? Object.keys(first).filter((c) => c !== "__cursor") : [];
  const withRowid = table.withRowid === "column";
  const values = rows.map((row) => [...(withRowid ? [row.__cursor] : []), ...columns.map((c) => row[c])]);
  const next = rows.length < limit ? null : table.withRowid === "none" ? after + rows.length : Number(rows[rows.length - 1]!.__cursor);
  return { columns: withRowid ? ["rowid", ...columns] : columns, rows: values, next };
}

/** `INSERT INTO table (columns) VALUES (?, ...)` for one row. */
export function insertStatement(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}
