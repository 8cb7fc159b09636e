import type { Deps } from "./platform/deps-types";
import type { ApiError } from "./http/errors";
import { rateLimited } from "./rate-limits";
import type { FailureStreak, RateLimit, StreakPolicy } from "./rate-limit-windows";

/** One attempt at a secret that holds its slot of the key's budget until it is settled. */
export interface SecretAttempt {
  /** The secret was right: the slot goes back (and a streak ends). */
  succeeded(): Promise<void>;
  /** The secret was wrong: the slot stays taken; returns the streak when the key has a lockout. */
  failed(): Promise<FailureStreak | null>;
}

export type SecretAttemptResult = { ok: true; attempt: SecretAttempt } | { ok: false; error: ApiError; locked: boolean };

/**
 * Reserves one attempt on `key` before the secret is checked (one RateLimiter call), so parallel
 * attempts cannot all pass a check made before any of them is counted.
 */
export async function reserveSecretAttempt(deps: Deps, key: string, limit: RateLimit, refusal: string, policy?: StreakPolicy): Promise<SecretAttemptResult> {
  const limiter = deps.objects.rateLimiter(key);
  const decision = await limiter.reserve(limit.limit, limit.windowSeconds, policy);
  if (!decision.allowed || !decision.reservation) return { ok: false, error: rateLimited(decision.retryAfterSeconds, refusal), locked: decision.locked };
  const reservation = decision.reservation;
  return {
    ok: true,
    attempt: {
      succeeded: async () => {
        await limiter.settle(reservation, "success", limit.windowSeconds, policy);
      },
      failed: () => limiter.settle(reservation, "failure", limit.windowSeconds, policy),
    },
  };
}

/** As `reserveSecretAttempt`, throwing the 429 when no attempt is left. */
export async function beginSecretAttempt(deps: Deps, key: string, limit: RateLimit, refusal: string, policy?: StreakPolicy): Promise<SecretAttempt> {
  const result = await reserveSecretAttempt(deps, key, limit, refusal, policy);
  if (!result.ok) throw result.error;
  return result.attempt;
}
