import { type RateLimit, slidingWindow } from "../rate-limits";
import type { RoomFailure } from "./model";

/**
 * The per-sender message limit of one chat room: a sliding window of each sender's send times,
 * kept in the room's memory (every send of the chat passes through its one room, so no D1 or
 * RateLimiter round trip is needed on the send path).
 */
export class SendLimit {
  private readonly sendTimes = new Map<string, number[]>();

  /** Takes one send slot of `userId`, or returns the 429 failure when the window is full. */
  take(userId: string, { limit, windowSeconds }: RateLimit, now: number): RoomFailure | null {
    const { live, decision } = slidingWindow(this.sendTimes.get(userId) ?? [], limit, windowSeconds * 1000, now);
    this.sendTimes.set(userId, live);
    if (!decision.allowed) {
      return { ok: false, status: 429, code: "rate_limited", detail: `At most ${limit} messages per ${windowSeconds} s in one chat`, retryAfterSeconds: decision.retryAfterSeconds };
    }
    live.push(now);
    return null;
  }
}
