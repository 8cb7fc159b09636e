/** Rate limits as values: what a "count/seconds" var says, sliding windows and failure streaks (no I/O, no bindings). */

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** A run of consecutive failures (account lockout): when it started locking and until when. */
export interface FailureStreak {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export interface StreakPolicy {
  /** Failures before the first lock. */
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  /** A streak is forgotten this long after its last failure. */
  resetAfterMs: number;
}

export function streakLockMs(failures: number, policy: StreakPolicy): number {
  if (failures < policy.threshold) return 0;
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(failures - policy.threshold, 20));
}

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the next hit would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

/** Parses a "count/seconds" var such as "10/900". */
export function parseRateLimit(value: string | undefined, fallback: RateLimit): RateLimit {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value ?? "");
  if (!match) return fallback;
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]);
  return limit > 0 && windowSeconds > 0 ? { limit, windowSeconds } : fallback;
}

/**
 * A sliding-window log: the hit times still inside the window, and whether one more hit fits.
 * Shared by the RateLimiter object and counters kept in memory (a chat room's senders).
 */
export function slidingWindow(hits: number[], limit: number, windowMs: number, now: number): { live: number[]; decision: RateLimitDecision } {
  const live = hits.filter((t) => t > now - windowMs);
  if (live.length < limit) return { live, decision: { allowed: true, remaining: limit - live.length, retryAfterSeconds: 0 } };
  const oldest = live[live.length - limit]!;
  return { live, decision: { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) } };
}
