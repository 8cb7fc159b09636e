import type { Deps } from "./platform/deps-types";
import { ApiError } from "./http/errors";
import type { RateLimit } from "./rate-limit-windows";

export function rateLimited(retryAfterSeconds: number, detail = "Too many requests; try again later"): ApiError {
  return new ApiError(429, "rate_limited", detail, { retryAfter: retryAfterSeconds }, { "retry-after": String(retryAfterSeconds) });
}

/** Takes one slot of `key`'s budget or throws 429. */
export async function enforceRateLimit(deps: Pick<Deps, "objects">, key: string, limit: RateLimit): Promise<void> {
  const decision = await deps.objects.rateLimiter(key).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
}
