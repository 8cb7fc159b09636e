import type { Env } from "./env";
import { ApiError } from "./http/errors";

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** Parses a "count/seconds" var such as "10/900". */
export function parseRateLimit(value: string | undefined, fallback: RateLimit): RateLimit {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value ?? "");
  if (!match) return fallback;
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]);
  return limit > 0 && windowSeconds > 0 ? { limit, windowSeconds } : fallback;
}

export function rateLimiter(env: Env, key: string) {
  return env.RATE_LIMITER.getByName(key);
}

export function rateLimited(retryAfterSeconds: number, detail = "Too many requests; try again later"): ApiError {
  return new ApiError(429, "rate_limited", detail, { retryAfter: retryAfterSeconds }, { "retry-after": String(retryAfterSeconds) });
}

/** Takes one slot of `key`'s budget or throws 429. */
export async function enforceRateLimit(env: Env, key: string, limit: RateLimit): Promise<void> {
  const decision = await rateLimiter(env, key).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
}
