import { DurableObject } from "cloudflare:workers";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import { type FailureStreak, type RateLimitDecision, slidingWindow, type StreakPolicy, streakLockMs } from "../shared/rate-limits";

/**
 * One per limited key (an e-mail, an IP, a user in a room): a sliding-window log of hit times.
 * Single-threaded per key, so concurrent requests cannot both take the last slot.
 */
export class RateLimiter extends DurableObject<Env> {
  private hits: number[] | undefined;

  private async load(): Promise<number[]> {
    this.hits ??= (await this.ctx.storage.get<number[]>("hits")) ?? [];
    return this.hits;
  }

  private decide(hits: number[], limit: number, windowMs: number, now: number): RateLimitDecision {
    const { live, decision } = slidingWindow(hits, limit, windowMs, now);
    this.hits = live;
    return decision;
  }

  /** Whether a hit would be allowed now, without recording one. */
  async check(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.decide(await this.load(), limit, windowSeconds * 1000, clock.now());
  }

  /** Records a hit if it is allowed. */
  async consume(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const now = clock.now();
    const decision = this.decide(await this.load(), limit, windowSeconds * 1000, now);
    if (decision.allowed) {
      this.hits!.push(now);
      decision.remaining -= 1;
      await this.persist(windowSeconds);
    }
    return decision;
  }

  /** Records a hit even past the limit (failures always count); tells whether another would be allowed. */
  async record(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const now = clock.now();
    const hits = await this.load();
    hits.push(now);
    await this.persist(windowSeconds);
    return this.decide(hits, limit, windowSeconds * 1000, now);
  }

  /** The current failure streak, if any (a lock in its past is reported as lockedUntil <= now). */
  async streak(resetAfterMs: number): Promise<FailureStreak | null> {
    const streak = await this.ctx.storage.get<FailureStreak>("streak");
    if (!streak || streak.lastFailureAt <= clock.now() - resetAfterMs) return null;
    return streak;
  }

  /** Counts one more failure; from the policy's threshold on, each failure locks for a growing time. */
  async recordFailure(policy: StreakPolicy): Promise<FailureStreak> {
    const now = clock.now();
    const previous = await this.streak(policy.resetAfterMs);
    const failures = (previous?.failures ?? 0) + 1;
    const lockMs = streakLockMs(failures, policy);
    const streak: FailureStreak = { failures, lastFailureAt: now, lockedUntil: lockMs > 0 ? now + lockMs : 0 };
    await this.ctx.storage.put("streak", streak);
    await this.ctx.storage.setAlarm(now + policy.resetAfterMs + 1000);
    return streak;
  }

  async clearStreak(): Promise<void> {
    await this.ctx.storage.delete("streak");
  }

  async reset(): Promise<void> {
    this.hits = [];
    await this.ctx.storage.deleteAll();
  }

  private async persist(windowSeconds: number): Promise<void> {
    await this.ctx.storage.put({ hits: this.hits, windowMs: windowSeconds * 1000 });
    // An idle key's storage is reclaimed once its window has passed.
    await this.ctx.storage.setAlarm(clock.now() + windowSeconds * 1000 + 1000);
  }

  override async alarm(): Promise<void> {
    const now = clock.now();
    const windowMs = (await this.ctx.storage.get<number>("windowMs")) ?? 0;
    const hitsLive = (await this.load()).some((t) => t > now - windowMs);
    const streak = await this.ctx.storage.get<FailureStreak>("streak");
    if (!hitsLive && (!streak || streak.lastFailureAt + 12 * 3_600_000 <= now)) {
      this.hits = [];
      await this.ctx.storage.deleteAll();
    } else {
      await this.ctx.storage.setAlarm(now + Math.max(windowMs, 60_000));
    }
  }
}
