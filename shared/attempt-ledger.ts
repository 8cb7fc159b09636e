import { type FailureStreak, type RateLimit, type RateLimitDecision, type StreakPolicy, slidingWindow, streakLockMs } from "./rate-limit-windows";

/** An attempt that holds a slot while its secret is being checked; settled as success or failure. */
export interface AttemptReservation {
  /** The time of the hit it put in the window (its id). */
  at: number;
}

export type AttemptDecision = RateLimitDecision & { reservation: AttemptReservation | null; locked: boolean };

/** In-flight marks older than this are dropped: a Worker that died mid-check cannot hold a key for good. */
export const IN_FLIGHT_EXPIRY_MS = 30_000;

/**
 * Attempts at a secret (a password, a 2FA code) against one key, decided before the secret is
 * checked, so parallel attempts cannot all pass a check-then-count (OWASP ASVS 6.3.x, 2.2.1).
 *
 * - The window counts failures and attempts still in flight; a success gives its slot back.
 * - With a streak policy (lockout): refused while locked, and an attempt whose failure would lock
 *   must be the only one in flight, so a burst cannot slip past the lock it is about to set.
 *
 * Pure state: the RateLimiter object owns one per key and stores `hits` and `streak`.
 */
export class AttemptLedger {
  hits: number[];
  streak: FailureStreak | null;
  private inFlight: number[] = [];

  constructor(hits: number[] = [], streak: FailureStreak | null = null) {
    this.hits = hits;
    this.streak = streak;
  }

  reserve(window: RateLimit, policy: StreakPolicy | undefined, now: number): AttemptDecision {
    this.inFlight = this.inFlight.filter((t) => t > now - IN_FLIGHT_EXPIRY_MS);
    const streak = policy ? this.liveStreak(policy, now) : null;
    if (streak && streak.lockedUntil > now) return refused(Math.ceil((streak.lockedUntil - now) / 1000), true);
    if (policy && this.inFlight.length > 0 && (streak?.failures ?? 0) + this.inFlight.length + 1 >= policy.threshold) return refused(1);
    const { live, decision } = slidingWindow(this.hits, window.limit, window.windowSeconds * 1000, now);
    this.hits = live;
    if (!decision.allowed) return { ...decision, reservation: null, locked: false };
    // Two reservations in one millisecond still need distinct ids.
    let at = now;
    while (this.hits.includes(at) || this.inFlight.includes(at)) at += 0.001;
    this.hits.push(at);
    this.inFlight.push(at);
    return { allowed: true, remaining: decision.remaining - 1, retryAfterSeconds: 0, reservation: { at }, locked: false };
  }

  /** A correct secret: the slot goes back and the streak ends. */
  succeed(reservation: AttemptReservation): void {
    this.release(reservation);
    const index = this.hits.indexOf(reservation.at);
    if (index >= 0) this.hits.splice(index, 1);
    this.streak = null;
  }

  /** A wrong secret: the slot stays taken; with a policy the streak grows (and may lock). */
  fail(reservation: AttemptReservation, policy: StreakPolicy | undefined, now: number): FailureStreak | null {
    this.release(reservation);
    if (!policy) return null;
    const failures = (this.liveStreak(policy, now)?.failures ?? 0) + 1;
    const lockMs = streakLockMs(failures, policy);
    this.streak = { failures, lastFailureAt: now, lockedUntil: lockMs > 0 ? now + lockMs : 0 };
    return this.streak;
  }

  private release(reservation: AttemptReservation): void {
    const index = this.inFlight.indexOf(reservation.at);
    if (index >= 0) this.inFlight.splice(index, 1);
  }

  private liveStreak(policy: StreakPolicy, now: number): FailureStreak | null {
    if (this.streak && this.streak.lastFailureAt <= now - policy.resetAfterMs) this.streak = null;
    return this.streak;
  }
}

function refused(retryAfterSeconds: number, locked = false): AttemptDecision {
  return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, retryAfterSeconds), reservation: null, locked };
}
