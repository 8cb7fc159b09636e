import type { Env } from "./env";
import type { Deps } from "./platform/deps-types";
import { ApiError } from "./http/errors";
import { traced } from "./observability/traced-stub";
import type { RateLimit } from "./rate-limit-windows";

/**
 * Module logic reaches a limit through `deps`; `Env` is the compatibility path for the modules
 * that do not take deps yet (chat, calls, media, studio, video, jobs board), to be dropped when
 * the last of them has moved (docs/architecture.md, "Moving a module onto deps").
 */
export type RateLimitScope = Deps | Env;

function rateLimiter(scope: RateLimitScope, key: string) {
  return "objects" in scope ? scope.objects.rateLimiter(key) : traced(scope.RATE_LIMITER.getByName(key));
}

export function rateLimited(retryAfterSeconds: number, detail = "Too many requests; try again later"): ApiError {
  return new ApiError(429, "rate_limited", detail, { retryAfter: retryAfterSeconds }, { "retry-after": String(retryAfterSeconds) });
}

/** Takes one slot of `key`'s budget or throws 429. */
export async function enforceRateLimit(scope: RateLimitScope, key: string, limit: RateLimit): Promise<void> {
  const decision = await rateLimiter(scope, key).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
}

