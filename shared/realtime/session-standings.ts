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
 * The per-object answer to "is this socket's session still alive, and with which role?", asked on
 * every frame. A frame costs one Map lookup and one comparison; only when the answer is older than
 * `recheckMs` does one frame of that session wait for a D1 read (concurrent frames of the session
 * share it, so their order is kept). Revocation and role changes are pushed in (`end`,
 * `forgetUser`); the recheck bounds how long a lost push can go unnoticed.
 */
export class SessionStandings {
  private readonly checked = new Map<string, Checked>();
  private readonly reading = new Map<string, Promise<SessionStanding | null>>();
  private readonly ended = new Set<string>();
  /** Moves on every pushed change, so a read that started before it is not cached as current. */
  private epoch = 0;

  constructor(
    private readonly load: StandingLoader,
    private readonly recheckMs: number,
  ) {}

  /** A session the Worker has just authenticated (at the upgrade): trusted until the next recheck. */
  trust(sessionId: string, standing: SessionStanding, now: number): void {
    if (this.ended.has(sessionId)) return;
    this.checked.set(sessionId, { standing, checkedAt: now });
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
          this.end([sessionId]);
          return null;
        }
        if (epoch === this.epoch) this.checked.set(sessionId, { standing, checkedAt: now });
        return standing;
      })
      .finally(() => this.reading.delete(sessionId));
    this.reading.set(sessionId, read);
    return read;
  }

  /** These sessions ended: refused from now on, whatever a cached answer said. */
  end(sessionIds: Iterable<string>): void {
    this.epoch++;
    for (const sessionId of sessionIds) {
      this.ended.add(sessionId);
      this.checked.delete(sessionId);
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
