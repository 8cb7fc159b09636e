import type { RosterEntry, Stretch } from "./group-call";

export type JoinOutcome = { ok: true; entry: RosterEntry; already: boolean } | { ok: false; reason: "full" };

/**
 * Who is in a group call and since when, with the stretches that make its record: a pure class the
 * CallRoom owns and stores after every change, so join, leave and the cap are tested without a socket.
 */
export class GroupRoster {
  readonly #entries = new Map<string, RosterEntry>();
  readonly #stretches: Stretch[];

  constructor(
    private readonly cap: number,
    saved: { entries: RosterEntry[]; stretches: Stretch[] } = { entries: [], stretches: [] },
  ) {
    for (const entry of saved.entries) this.#entries.set(entry.userId, entry);
    this.#stretches = saved.stretches.map((stretch) => ({ ...stretch }));
  }

  /** Joins `userId` (already in: unchanged); refused when the call holds `cap` people. */
  join(userId: string, displayName: string, now: number, media: { audio: boolean; video: boolean }): JoinOutcome {
    const present = this.#entries.get(userId);
    if (present) return { ok: true, entry: present, already: true };
    if (this.#entries.size >= this.cap) return { ok: false, reason: "full" };
    const entry: RosterEntry = { userId, displayName, joinedAt: now, ...media };
    this.#entries.set(userId, entry);
    this.#stretches.push({ userId, joinedAt: now, leftAt: null });
    return { ok: true, entry, already: false };
  }

  /** Takes `userId` out, closing their stretch; false when they were not in. */
  leave(userId: string, now: number): boolean {
    if (!this.#entries.delete(userId)) return false;
    for (const stretch of this.#stretches) if (stretch.userId === userId && stretch.leftAt === null) stretch.leftAt = now;
    return true;
  }

  /** Everyone leaves (the call ends). */
  leaveAll(now: number): void {
    for (const userId of [...this.#entries.keys()]) this.leave(userId, now);
  }

  setMedia(userId: string, media: { audio: boolean; video: boolean }): boolean {
    const entry = this.#entries.get(userId);
    if (!entry || (entry.audio === media.audio && entry.video === media.video)) return false;
    Object.assign(entry, media);
    return true;
  }

  has(userId: string): boolean {
    return this.#entries.has(userId);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether anyone ever joined: an empty call that had people in it is over. */
  get everJoined(): boolean {
    return this.#stretches.length > 0;
  }

  /** In joining order. */
  entries(): RosterEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.joinedAt - b.joinedAt);
  }

  stretches(): Stretch[] {
    return this.#stretches.map((stretch) => ({ ...stretch }));
  }

  snapshot(): { entries: RosterEntry[]; stretches: Stretch[] } {
    return { entries: this.entries(), stretches: this.stretches() };
  }
}
