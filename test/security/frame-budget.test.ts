import { describe, expect, it } from "vitest";
import { FrameBudget } from "../../shared/realtime/frame-budget";

describe("FrameBudget (per-user frame limits in memory)", () => {
  it("allows the limit per window per user and kind, then tells how long to wait", () => {
    const budget = new FrameBudget({ typing: { limit: 3, windowSeconds: 10 }, read: { limit: 1, windowSeconds: 1 } });
    expect([0, 1, 2, 3].map((i) => budget.take("typing", "a", 1000 + i))).toEqual([0, 0, 0, 10]);
    expect(budget.take("typing", "b", 1004)).toBe(0);
    expect(budget.take("read", "a", 1004)).toBe(0);
    expect(budget.take("typing", "a", 11_001)).toBe(0);
  });
});
