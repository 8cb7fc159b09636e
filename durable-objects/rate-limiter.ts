import { DurableObject } from "cloudflare:workers";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import type { RateLimiterRpc } from "../shared/rate-limiter-rpc";
import { type AttemptDecision, AttemptLedger, type AttemptReservation } from "../shared/attempt-ledger";
import { type FailureStreak, type RateLimitDecision, type StreakPolicy, slidingWindow } from "../shared/rate-limit-windows";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { runTracedMethod } from "../shared/observability/traced-stub";

/**
 * One per limited key (an e-mail, an IP, a user in a room): a sliding-window log of hit times
 * and, for keys with a lockout, the failure streak. Single-threaded per key, so concurrent
 * requests cannot both take the last slot; attempts at a secret reserve their slot before the
 * secret is checked (`reserve`, then `settle`), one call each.
 */
export class RateLimiter extends DurableObject<Env> implements RateLimiterRpc {
  private ledger: AttemptLedger | undefined;

  private async load(): Promise<AttemptLedger> {
    if (!this.ledger) {
      const [hits, streak] = await Promise.all([this.ctx.storage.get<number[]>("hits"), this.ctx.storage.get<FailureStreak>("streak")]);
      this.ledger ??= new AttemptLedger(hits ?? [], streak ?? null);
    }
    return this.ledger;
  }

  private decide(ledger: AttemptLedger, limit: number, windowMs: number, now: number): RateLimitDecision {
    const { live, decision } = slidingWindow(ledger.hits, limit, windowMs, now);
    ledger.hits = live;
    return decision;
  }

  /** Whether a hit would be allowed now, without recording one. */
  async check(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.decide(await this.load(), limit, windowSeconds * 1000, clock.now());
  }

  /** Records a hit if it is allowed. */
  async consume(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const now = clock.now();
    const ledger = await this.load();
    const decision = this.decide(ledger, limit, windowSeconds * 1000, now);
    if (decision.allowed) {
      ledger.hits.push(now);
      decision.remaining -= 1;
      await this.persist(windowSeconds);
    }
    return decision;
  }

  /**
   * Takes a slot for one attempt at a secret before it is checked; with a streak policy also
   * refuses while locked. The caller settles the returned reservation once it knows the outcome.
   */
  async reserve(limit: number, windowSeconds: number, policy?: StreakPolicy): Promise<AttemptDecision> {
    const ledger = await this.load();
    const decision = ledger.reserve({ limit, windowSeconds }, policy, clock.now());
    if (decision.reservation) await this.persist(windowSeconds);
    return decision;
  }

  /** A correct secret gives the slot back and ends the streak; a wrong one keeps it and counts toward the lockout. */
  async settle(reservation: AttemptReservation, outcome: "success" | "failure", windowSeconds: number, policy?: StreakPolicy): Promise<FailureStreak | null> {
    const ledger = await this.load();
    if (outcome === "success") {
      ledger.succeed(reservation);
      await this.ctx.storage.delete("streak");
      await this.persist(windowSeconds);
      return null;
    }
    const now = clock.now();
    const streak = ledger.fail(reservation, policy, now);
    if (streak && policy) {
      await this.ctx.storage.put("streak", streak);
      await this.ctx.storage.setAlarm(now + policy.resetAfterMs + 1000);
    }
    return streak;
  }

  async clearStreak(): Promise<void> {
    (await this.load()).streak = null;
    await this.ctx.storage.delete("streak");
  }

  async reset(): Promise<void> {
    this.ledger = new AttemptLedger();
    await this.ctx.storage.deleteAll();
  }

  private async persist(windowSeconds: number): Promise<void> {
    await this.ctx.storage.put({ hits: this.ledger?.hits ?? [], windowMs: windowSeconds * 1000 });
    // An idle key's storage is reclaimed once its window has passed.
    const streak = this.ledger?.streak;
    await this.ctx.storage.setAlarm(Math.max(clock.now() + windowSeconds * 1000 + 1000, streak ? streak.lastFailureAt + 12 * 3_600_000 : 0));
  }

  override async alarm(): Promise<void> {
    const now = clock.now();
    const windowMs = (await this.ctx.storage.get<number>("windowMs")) ?? 0;
    const ledger = await this.load();
    const hitsLive = ledger.hits.some((t) => t > now - windowMs);
    const streak = ledger.streak;
    if (!hitsLive && (!streak || streak.lastFailureAt + 12 * 3_600_000 <= now)) {
      this.ledger = new AttemptLedger();
      await this.ctx.storage.deleteAll();
    } else {
      await this.ctx.storage.setAlarm(now + Math.max(windowMs, 60_000));
    }
  }

  /** A method call that carries the caller's trace (see shared/observability/traced-stub.ts). */
  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
