/** What a socket's session may do right now: whose it is and with which role. */
export interface SessionStanding {
  userId: string;
  role: "user" | "moderator" | "admin";
}

/** Reads a session's standing from the source of truth (D1); null when it ended, expired or its user is disabled. */
export type StandingLoader = (userId: string, sessionId: string) => Promise<SessionStanding | null>;

interface Checked {
  standing: SessionStanding;
  checkedAt: number;
}

/**
 * How long an ended session is remembered. It only has to outlive the gap between the Worker
 * authenticating an upgrade and the object accepting it; after that a frame of the session finds
 * no fresh answer and reads D1, which refuses it.
 */
export const ENDED_SESSION_MEMORY_MS = 10 * 60_000;

/**
 * The per-object answer to "is this socket's session still alive, and with which role?", asked on
 * every frame. A frame costs one Map lookup and one comparison; only when the answer is older than
 * `recheckMs` does one frame of that session wait for a D1 read (concurrent frames of the session
 * share it, so their order is kept). Revocation and role changes are pushed in (`end`,
 * `forgetUser`); the recheck bounds how long a lost push can go unnoticed.
 */
export class SessionStandings {
  // Both maps are kept in time order (re-inserted on update), so pruning only looks at the front:
  // an object living for days with many short sessions holds only the recent ones.
  private readonly checked = new Map<string, Checked>();
  private readonly reading = new Map<string, Promise<SessionStanding | null>>();
  private readonly ended = new Map<string, number>();
  /** Moves on every pushed change, so a read that started before it is not cached as current. */
  private epoch = 0;

  constructor(
    private readonly load: StandingLoader,
    private readonly recheckMs: number,
  ) {}

  /** A session the Worker has just authenticated (at the upgrade): trusted until the next recheck. */
  trust(sessionId: string, standing: SessionStanding, now: number): void {
    this.prune(now);
    if (this.ended.has(sessionId)) return;
    this.remember(sessionId, standing, now);
  }

  /** The standing if it is fresh, `null` if the session ended, `undefined` if it must be read again. */
  peek(sessionId: string, now: number): SessionStanding | null | undefined {
    if (this.ended.has(sessionId)) return null;
    const entry = this.checked.get(sessionId);
    if (!entry || now - entry.checkedAt >= this.recheckMs) return undefined;
    return entry.standing;
  }

  /** The standing of a session, read again from the source when the cached answer is stale. */
  current(userId: string, sessionId: string, now: number): SessionStanding | null | Promise<SessionStanding | null> {
    const known = this.peek(sessionId, now);
    if (known !== undefined) return known;
    const inFlight = this.reading.get(sessionId);
    if (inFlight) return inFlight;
    const epoch = this.epoch;
    const read = this.load(userId, sessionId)
      .then((standing) => {
        if (!standing || standing.userId !== userId || this.ended.has(sessionId)) {
          this.end([sessionId], now);
          return null;
        }
        if (epoch === this.epoch) this.remember(sessionId, standing, now);
        return standing;
      })
      .finally(() => this.reading.delete(sessionId));
    this.reading.set(sessionId, read);
    return read;
  }

  /** These sessions ended: refused from now on, whatever a cached answer said. */
  end(sessionIds: Iterable<string>, now: number): void {
    this.epoch++;
    this.prune(now);
    for (const sessionId of sessionIds) {
      this.ended.delete(sessionId);
      this.ended.set(sessionId, now);
      this.checked.delete(sessionId);
    }
  }

  /** How many sessions are held in memory (checked or remembered as ended). */
  get size(): number {
    return this.checked.size + this.ended.size;
  }

  private remember(sessionId: string, standing: SessionStanding, now: number): void {
    this.checked.delete(sessionId);
    this.checked.set(sessionId, { standing, checkedAt: now });
  }

  /** Drops answers too old to be used and ended sessions past their memory. */
  private prune(now: number): void {
    for (const [sessionId, entry] of this.checked) {
      if (now - entry.checkedAt < this.recheckMs) break;
      this.checked.delete(sessionId);
    }
    for (const [sessionId, endedAt] of this.ended) {
      if (now - endedAt < ENDED_SESSION_MEMORY_MS) break;
      this.ended.delete(sessionId);
    }
  }

  isEnded(sessionId: string): boolean {
    return this.ended.has(sessionId);
  }

  /** The user's role or status changed: their sessions are read again on their next frame. */
  forgetUser(userId: string): void {
    this.epoch++;
    for (const [sessionId, entry] of this.checked) if (entry.standing.userId === userId) this.checked.delete(sessionId);
  }
}
