import { type RateLimit, slidingWindow } from "../rate-limit-windows";

/**
 * Per-user limits on the frames one Durable Object handles, kept in memory: one sliding window per
 * (frame kind, user). A flood costs the object an array push and a filter per frame, never I/O.
 * Windows restart when the object is evicted; an object is only evicted after it went idle, so a
 * flood cannot use that.
 */
export class FrameBudget<Kind extends string> {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly limits: Record<Kind, RateLimit>) {}

  /** Takes one slot for `userId`'s frame of `kind`; returns seconds to wait when none is left, else 0. */
  take(kind: Kind, userId: string, now: number): number {
    const { limit, windowSeconds } = this.limits[kind];
    const key = `${kind}:${userId}`;
    const { live, decision } = slidingWindow(this.windows.get(key) ?? [], limit, windowSeconds * 1000, now);
    if (!decision.allowed) {
      this.windows.set(key, live);
      return decision.retryAfterSeconds;
    }
    live.push(now);
    this.windows.set(key, live);
    return 0;
  }
}
