import type { RateLimit } from "../rate-limit-windows";
import { type Refusal, refusal } from "../platform/result";

/** Send times of one sender, oldest first, from `head` on; earlier entries are spent. */
interface SendLog {
  times: number[];
  head: number;
}

/** Compact a log once this many spent entries sit at its front. */
const COMPACT_AFTER = 64;

/**
 * The per-sender message limit of one chat room: a sliding window of each sender's send times,
 * kept in the room's memory (every send of the chat passes through its one room, so no D1 or
 * RateLimiter round trip is needed on the send path).
 *
 * O(1) per send: expired times leave from the front as the window moves (instead of filtering the
 * whole window on every send), and senders whose window is empty are dropped once per window, so
 * memory follows the users sending right now, at most `limit` times each.
 */
export class SendLimit {
  private readonly logs = new Map<string, SendLog>();
  private windowMs = 0;
  private nextSweepAt = 0;

  /** Takes one send slot of `userId`, or returns the 429 failure when the window is full. */
  take(userId: string, { limit, windowSeconds }: RateLimit, now: number): Refusal | null {
    this.windowMs = windowSeconds * 1000;
    if (now >= this.nextSweepAt) this.sweep(now);
    let log = this.logs.get(userId);
    if (!log) {
      log = { times: [], head: 0 };
      this.logs.set(userId, log);
    }
    const { times } = log;
    const horizon = now - this.windowMs;
    while (log.head < times.length && times[log.head]! <= horizon) log.head++;
    if (log.head >= COMPACT_AFTER && log.head * 2 >= times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    if (times.length - log.head >= limit) {
      const oldest = times[times.length - limit]!;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
      return refusal(429, "rate_limited", `At most ${limit} messages per ${windowSeconds} s in one chat`, { retryAfterSeconds });
    }
    times.push(now);
    return null;
  }

  /** Returns the slot `take` just gave `userId`: the send was a retry of a stored message, and retries are free. */
  giveBack(userId: string): void {
    const log = this.logs.get(userId);
    if (log && log.times.length > log.head) log.times.pop();
  }

  /** How many senders have a log in memory. */
  get trackedSenders(): number {
    return this.logs.size;
  }

  /** Drops the logs whose every send has left the window; `take` runs it at most once per window. */
  sweep(now: number): void {
    const horizon = now - this.windowMs;
    for (const [userId, log] of this.logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= horizon) this.logs.delete(userId);
    }
    this.nextSweepAt = now + this.windowMs;
  }
}
