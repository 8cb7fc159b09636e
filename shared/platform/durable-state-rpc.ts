import type { PortableValue } from "./portable-value";

/**
 * One call for backing up and restoring a Durable Object's durable state (every table of its
 * SQLite storage, its key-value storage, its alarm), paged so no answer grows with the object.
 * Every object class that holds state worth keeping implements it by delegating to
 * `durableState` (durable-state-export.ts), so a table added to an object is covered unedited.
 */
export type DurableStateRequest =
  | { op: "describe" }
  | { op: "rows"; table: string; after: number; limit: number }
  | { op: "kv"; after: string | null; limit: number }
  /** Drops everything the object holds, then creates `schema` (tables, indexes, triggers). */
  | { op: "reset"; schema: string[] }
  | { op: "insert"; table: string; columns: string[]; rows: PortableValue[][] }
  | { op: "put"; entries: [string, PortableValue][] }
  /** Sets the alarm, rebuilds external-content indexes, and restarts the object on its new state. */
  | { op: "finish"; alarm: number | null; afterImport: string[] }
  /**
   * Point-in-time recovery: the object restarts on its storage as it was at `at` (ms since the
   * epoch, within the last 30 days). Answers the bookmark of the state it replaced, to undo with.
   */
  | { op: "rewind"; at: number };

export interface DurableStateDescription {
  op: "describe";
  schema: string[];
  tables: { name: string; rows: number }[];
  skipped: { name: string; why: string; derived: boolean }[];
  afterImport: string[];
  alarm: number | null;
  keys: number;
}

export type DurableStateReply =
  | DurableStateDescription
  | { op: "rows"; columns: string[]; rows: PortableValue[][]; next: number | null }
  | { op: "kv"; entries: [string, PortableValue][]; next: string | null }
  | { op: "done"; count: number }
  | { op: "rewound"; restored: string; undo: string }
  /** `rows` or `insert` named a table the object does not copy. */
  | { op: "unknown_table"; table: string }
  /** SQLite refused a restore step (a column the table lacks, a broken statement): nothing of the step was written. */
  | { op: "refused"; detail: string };

export interface DurableStateRpc {
  durableState(request: DurableStateRequest): Promise<DurableStateReply>;
}
