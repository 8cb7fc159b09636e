import { integer } from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch in SQLite, a Date in TypeScript. */
export const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });
