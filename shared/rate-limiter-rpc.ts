import type { AttemptDecision, AttemptReservation } from "./attempt-ledger";
import type { FailureStreak, RateLimitDecision, StreakPolicy } from "./rate-limit-windows";

/** What callers may ask of a limited key's RateLimiter (durable-objects/rate-limiter.ts). */
export interface RateLimiterRpc extends Rpc.DurableObjectBranded {
  /** Whether a hit would be allowed now, without recording one. */
  check(limit: number, windowSeconds: number): Promise<RateLimitDecision>;
  /** Records a hit if it is allowed. */
  consume(limit: number, windowSeconds: number): Promise<RateLimitDecision>;
  /** Takes a slot for one attempt at a secret before it is checked; `settle` it with the outcome. */
  reserve(limit: number, windowSeconds: number, policy?: StreakPolicy): Promise<AttemptDecision>;
  settle(reservation: AttemptReservation, outcome: "success" | "failure", windowSeconds: number, policy?: StreakPolicy): Promise<FailureStreak | null>;
  clearStreak(): Promise<void>;
  reset(): Promise<void>;
}
