import { describe, expect, it } from "vitest";
import { SendLimit } from "../../shared/chat/send-limit";

const allowed = null;

describe("SendLimit: sliding window, O(1) per send", () => {
  it("says when the oldest send leaves the window", () => {
    const limit = new SendLimit();
    const policy = { limit: 3, windowSeconds: 2 };
    expect(limit.take("ann", policy, 1_000)).toBe(allowed);
    expect(limit.take("ann", policy, 1_500)).toBe(allowed);
    expect(limit.take("ann", policy, 1_600)).toBe(allowed);
    // The send at 1,000 leaves the window at 3,000: 1.2 s from 1,800, rounded up.
    expect(limit.take("ann", policy, 1_800)).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 2 });
    expect(limit.take("ann", policy, 3_000)).toBe(allowed);
  });

  it("a refused send takes no slot", () => {
    const limit = new SendLimit();
    const policy = { limit: 2, windowSeconds: 1 };
    limit.take("ann", policy, 0);
    limit.take("ann", policy, 100);
    for (let t = 200; t < 1_000; t += 100) expect(limit.take("ann", policy, t)).not.toBe(allowed);
    expect(limit.take("ann", policy, 1_000)).toBe(allowed);
  });

  it("giveBack returns the slot a retry of a stored message took", () => {
    const limit = new SendLimit();
    const policy = { limit: 1, windowSeconds: 1 };
    expect(limit.take("ann", policy, 0)).toBe(allowed);
    limit.giveBack("ann");
    expect(limit.take("ann", policy, 1)).toBe(allowed);
    expect(limit.take("ann", policy, 2)).not.toBe(allowed);
  });

  it("keeps the exact window over many windows of a steady sender", () => {
    const limit = new SendLimit();
    const policy = { limit: 10, windowSeconds: 1 };
    let sent = 0;
    // 100 attempts per second for 20 s: exactly 10 per second get through.
    for (let t = 0; t < 20_000; t += 10) if (limit.take("ann", policy, t) === allowed) sent++;
    expect(sent).toBe(200);
  });

  it("forgets senders whose window is empty, so memory follows the users sending now", () => {
    const limit = new SendLimit();
    const policy = { limit: 5, windowSeconds: 1 };
    for (let i = 0; i < 1_000; i++) limit.take(`user-${i}`, policy, i);
    expect(limit.trackedSenders).toBe(1_000);
    limit.take("late", policy, 5_000);
    expect(limit.trackedSenders).toBe(1);
  });
});
