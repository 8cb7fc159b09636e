/** What a session can have a socket open to, besides its user's hub. */
export type SocketTargetKind = "chat" | "call" | "call-room";

export interface SocketTarget {
  kind: SocketTargetKind;
  targetId: string;
}

/** A change an object holding sockets must hear about, kept until it was delivered. */
export type TargetPush = SocketTarget & ({ method: "sessionsEnded"; sessionIds: string[] } | { method: "userChanged"; userId: string });

/** An ended session is remembered this long, to refuse upgrades that raced its end. */
export const ENDED_SESSION_MEMORY_MS = 10 * 60_000;
/** A registered socket target is forgotten after this long (an older socket still refuses frames after the recheck). */
export const TARGET_MEMORY_MS = 7 * 86_400_000;
const PUSH_RETRY_MS = 5_000;
const PUSH_ATTEMPTS = 120;

/**
 * The user hub's record of where each session of the user has sockets open (chat rooms, calls),
 * in the hub's SQLite, so that ending a session reaches every object holding one of its sockets.
 * Also remembers recently ended sessions and pushes that still have to be delivered.
 */
export class SessionSocketRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS session_targets (
      session_id TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT NOT NULL, opened_at INTEGER NOT NULL,
      PRIMARY KEY (session_id, kind, target_id))`);
    sql.exec("CREATE TABLE IF NOT EXISTS ended_sessions (session_id TEXT PRIMARY KEY, ended_at INTEGER NOT NULL)");
    sql.exec(`CREATE TABLE IF NOT EXISTS pending_pushes (
      id INTEGER PRIMARY KEY AUTOINCREMENT, push TEXT NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER NOT NULL)`);
  }

  isEnded(sessionId: string): boolean {
    return this.sql.exec("SELECT 1 FROM ended_sessions WHERE session_id = ?", sessionId).toArray().length > 0;
  }

  /** Records a socket about to open; false when the session has ended (the upgrade must be refused). */
  track(sessionId: string, target: SocketTarget, now: number): boolean {
    if (this.isEnded(sessionId)) return false;
    this.sql.exec(
      `INSERT INTO session_targets (session_id, kind, target_id, opened_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, kind, target_id) DO UPDATE SET opened_at = excluded.opened_at`,
      sessionId,
      target.kind,
      target.targetId,
      now,
    );
    return true;
  }

  /** Marks sessions ended and returns the pushes that close their sockets elsewhere, one per target. */
  end(sessionIds: string[], now: number): TargetPush[] {
    const bySessionTarget = new Map<string, TargetPush & { method: "sessionsEnded" }>();
    for (const sessionId of sessionIds) {
      this.sql.exec("INSERT OR REPLACE INTO ended_sessions (session_id, ended_at) VALUES (?, ?)", sessionId, now);
      for (const row of this.sql.exec<{ kind: SocketTargetKind; target_id: string }>(
        "SELECT kind, target_id FROM session_targets WHERE session_id = ?",
        sessionId,
      )) {
        const key = `${row.kind}:${row.target_id}`;
        const push = bySessionTarget.get(key) ?? { kind: row.kind, targetId: row.target_id, method: "sessionsEnded", sessionIds: [] };
        push.sessionIds.push(sessionId);
        bySessionTarget.set(key, push);
      }
      this.sql.exec("DELETE FROM session_targets WHERE session_id = ?", sessionId);
    }
    return [...bySessionTarget.values()];
  }

  /** Every object where some session of the user has a socket. */
  targets(): SocketTarget[] {
    return this.sql
      .exec<{ kind: SocketTargetKind; target_id: string }>("SELECT DISTINCT kind, target_id FROM session_targets")
      .toArray()
      .map((row) => ({ kind: row.kind, targetId: row.target_id }));
  }

  /** Keeps a push that could not be delivered, for the next retry. */
  keep(push: TargetPush, now: number): void {
    this.sql.exec("INSERT INTO pending_pushes (push, attempts, next_at) VALUES (?, 1, ?)", JSON.stringify(push), now + PUSH_RETRY_MS);
  }

  due(now: number): { id: number; push: TargetPush; attempts: number }[] {
    return this.sql
      .exec<{ id: number; push: string; attempts: number }>("SELECT id, push, attempts FROM pending_pushes WHERE next_at <= ?", now)
      .toArray()
      .map((row) => ({ id: row.id, push: JSON.parse(row.push) as TargetPush, attempts: row.attempts }));
  }

  delivered(id: number): void {
    this.sql.exec("DELETE FROM pending_pushes WHERE id = ?", id);
  }

  /** Retries later, or gives up after PUSH_ATTEMPTS (the object refuses frames after its recheck anyway). Returns false when given up. */
  failedAgain(id: number, attempts: number, now: number): boolean {
    if (attempts + 1 >= PUSH_ATTEMPTS) {
      this.sql.exec("DELETE FROM pending_pushes WHERE id = ?", id);
      return false;
    }
    this.sql.exec("UPDATE pending_pushes SET attempts = ?, next_at = ? WHERE id = ?", attempts + 1, now + PUSH_RETRY_MS, id);
    return true;
  }

  prune(now: number): void {
    this.sql.exec("DELETE FROM ended_sessions WHERE ended_at <= ?", now - ENDED_SESSION_MEMORY_MS);
    this.sql.exec("DELETE FROM session_targets WHERE opened_at <= ?", now - TARGET_MEMORY_MS);
  }

  /** When the hub must wake next: a due retry, or a prune while anything is kept. */
  nextWake(now: number): number | null {
    const push = this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM pending_pushes").one().at;
    if (push !== null) return push;
    const kept = this.sql.exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM ended_sessions) + (SELECT COUNT(*) FROM session_targets) AS n").one().n;
    return kept > 0 ? now + ENDED_SESSION_MEMORY_MS : null;
  }
}
