import { describe, expect, it } from "vitest";
import { AttemptLedger, IN_FLIGHT_EXPIRY_MS } from "../../shared/attempt-ledger";

const window = { limit: 10, windowSeconds: 900 };
const lockout = { threshold: 10, baseLockMs: 60_000, maxLockMs: 3_600_000, resetAfterMs: 12 * 3_600_000 };
const T0 = 1_800_000_000_000;

describe("AttemptLedger (reserve before the secret is checked)", () => {
  it("counts in-flight attempts: 40 at once, only the limit get a reservation", () => {
    const ledger = new AttemptLedger();
    const decisions = Array.from({ length: 40 }, () => ledger.reserve(window, undefined, T0));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds > 0)).toBe(true);
    expect(new Set(decisions.flatMap((d) => (d.reservation ? [d.reservation.at] : []))).size).toBe(10);
  });

  it("a success gives its slot back, a failure keeps it", () => {
    const ledger = new AttemptLedger();
    for (let i = 0; i < 20; i++) ledger.succeed(ledger.reserve(window, undefined, T0 + i).reservation!);
    for (let i = 0; i < 10; i++) ledger.fail(ledger.reserve(window, undefined, T0 + 100 + i).reservation!, undefined, T0 + 100 + i);
    expect(ledger.reserve(window, undefined, T0 + 200).allowed).toBe(false);
    expect(ledger.reserve(window, undefined, T0 + 900_001 + 200).allowed).toBe(true);
  });

  it("with a streak policy, an attempt whose failure would lock must be alone", () => {
    const ledger = new AttemptLedger();
    const first = Array.from({ length: 12 }, () => ledger.reserve(window, lockout, T0));
    // 9 may run together; the 10th would lock if it failed, so it waits for them.
    expect(first.filter((d) => d.allowed)).toHaveLength(9);
    for (const d of first) if (d.reservation) ledger.fail(d.reservation, lockout, T0 + 1);
    expect(ledger.streak?.failures).toBe(9);
    const tenth = ledger.reserve(window, lockout, T0 + 2);
    expect(tenth.allowed).toBe(true);
    expect(ledger.reserve(window, lockout, T0 + 2).allowed).toBe(false);
    expect(ledger.fail(tenth.reservation!, lockout, T0 + 3)?.lockedUntil).toBe(T0 + 3 + 60_000);
    const locked = ledger.reserve(window, lockout, T0 + 4);
    expect(locked).toMatchObject({ allowed: false, locked: true, retryAfterSeconds: 60 });
  });

  it("after the window passes, a streak past the threshold lets exactly one attempt through per lock", () => {
    const ledger = new AttemptLedger();
    for (let i = 0; i < 10; i++) ledger.fail(ledger.reserve(window, lockout, T0 + i).reservation!, lockout, T0 + i);
    const later = T0 + 16 * 60_000;
    const burst = Array.from({ length: 20 }, () => ledger.reserve(window, lockout, later));
    expect(burst.filter((d) => d.allowed)).toHaveLength(1);
    ledger.fail(burst.find((d) => d.allowed)!.reservation!, lockout, later);
    expect(ledger.streak).toMatchObject({ failures: 11, lockedUntil: later + 120_000 });
  });

  it("a success ends the streak", () => {
    const ledger = new AttemptLedger();
    for (let i = 0; i < 5; i++) ledger.fail(ledger.reserve(window, lockout, T0 + i).reservation!, lockout, T0 + i);
    ledger.succeed(ledger.reserve(window, lockout, T0 + 10).reservation!);
    expect(ledger.streak).toBeNull();
  });

  it("an attempt never settled stops holding its in-flight mark after the expiry", () => {
    const ledger = new AttemptLedger([], { failures: 9, lastFailureAt: T0, lockedUntil: 0 });
    expect(ledger.reserve(window, lockout, T0 + 1).allowed).toBe(true);
    expect(ledger.reserve(window, lockout, T0 + 2).allowed).toBe(false);
    expect(ledger.reserve(window, lockout, T0 + 2 + IN_FLIGHT_EXPIRY_MS).allowed).toBe(true);
  });
});
