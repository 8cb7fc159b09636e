/** A viewer counts once per video per this long. */
export const VIEW_WINDOW_MS = 24 * 3600_000;

/**
 * The views of one video in its Durable Object's SQLite: when each viewer last counted, the
 * total counted, and the total last written to D1. Single-threaded by the object, so two
 * concurrent views of one viewer cannot both count.
 */
export class ViewLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS viewers (viewer TEXT PRIMARY KEY, counted_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS viewers_counted_at ON viewers (counted_at);
      CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  }

  private read(name: string): string | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM totals WHERE name = ?", name).toArray()[0];
    return row?.value ?? null;
  }

  private write(name: string, value: string): void {
    this.sql.exec("INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value);
  }

  get videoId(): string | null {
    return this.read("videoId");
  }

  set videoId(id: string) {
    this.write("videoId", id);
  }

  get total(): number {
    return Number(this.read("total") ?? 0);
  }

  get flushed(): number {
    return Number(this.read("flushed") ?? 0);
  }

  /** Counts the view unless this viewer counted within the window; true when it counted. */
  record(viewer: string, now: number): boolean {
    const last = this.sql.exec<{ counted_at: number }>("SELECT counted_at FROM viewers WHERE viewer = ?", viewer).toArray()[0];
    if (last && now - last.counted_at < VIEW_WINDOW_MS) return false;
    this.sql.exec("INSERT INTO viewers (viewer, counted_at) VALUES (?, ?) ON CONFLICT (viewer) DO UPDATE SET counted_at = excluded.counted_at", viewer, now);
    this.write("total", String(this.total + 1));
    return true;
  }

  markFlushed(total: number): void {
    if (total > this.flushed) this.write("flushed", String(total));
  }

  /** Forgets viewers whose window ended; returns when the oldest remaining one ends (or null). */
  purge(now: number): number | null {
    this.sql.exec("DELETE FROM viewers WHERE counted_at <= ?", now - VIEW_WINDOW_MS);
    const oldest = this.sql.exec<{ at: number | null }>("SELECT min(counted_at) AS at FROM viewers").toArray()[0]?.at;
    return oldest === null || oldest === undefined ? null : oldest + VIEW_WINDOW_MS;
  }
}
