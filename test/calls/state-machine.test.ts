import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../shared/calls/call";
import { applyCallAction, type TransitionResult } from "../../shared/calls/state-machine";

const CALLER = "caller";
const CALLEE = "callee";
const T0 = Date.parse("2026-01-01T10:00:00Z");

function ringing(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: "call-1",
    callerId: CALLER,
    calleeId: CALLEE,
    type: "voice",
    status: "ringing",
    createdAt: T0,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    endedBy: null,
    ...overrides,
  };
}

const answered = (at = T0 + 2_000) => ringing({ status: "answered", answeredAt: at });

function changedCall(result: TransitionResult): CallRecord {
  expect(result).toMatchObject({ ok: true, changed: true });
  return (result as { call: CallRecord }).call;
}

describe("applyCallAction: ringing", () => {
  it("the callee accepting answers the call at that moment", () => {
    expect(changedCall(applyCallAction(ringing(), { kind: "accept", userId: CALLEE }, T0 + 3_000))).toEqual(answered(T0 + 3_000));
  });

  it("the callee rejecting ends it as rejected, ended by the callee", () => {
    expect(changedCall(applyCallAction(ringing(), { kind: "reject", userId: CALLEE }, T0 + 1_000))).toEqual(
      ringing({ status: "rejected", endedAt: T0 + 1_000, endedBy: CALLEE }),
    );
  });

  it("either side ending a ringing call makes it missed, ended by them", () => {
    for (const userId of [CALLER, CALLEE]) {
      expect(changedCall(applyCallAction(ringing(), { kind: "end", userId }, T0 + 500))).toEqual(
        ringing({ status: "missed", endedAt: T0 + 500, endedBy: userId }),
      );
    }
  });

  it("the ring timeout makes it missed, ended by nobody", () => {
    expect(changedCall(applyCallAction(ringing(), { kind: "ring_timeout" }, T0 + 45_000))).toEqual(
      ringing({ status: "missed", endedAt: T0 + 45_000, endedBy: null }),
    );
  });

  it("the caller cannot accept or reject their own call (403 not_callee, with the call)", () => {
    for (const kind of ["accept", "reject"] as const) {
      expect(applyCallAction(ringing(), { kind, userId: CALLER }, T0)).toEqual({
        ok: false,
        status: 403,
        code: "not_callee",
        detail: expect.any(String),
        call: ringing(),
      });
    }
  });

  it("someone outside the call gets 404, as if the call did not exist", () => {
    for (const kind of ["accept", "reject", "end"] as const) {
      const result = applyCallAction(ringing(), { kind, userId: "stranger" }, T0);
      expect(result).toEqual({ ok: false, status: 404, code: "not_found", detail: "No such call" });
    }
  });

  it("abandonment only ends answered calls", () => {
    expect(applyCallAction(ringing(), { kind: "abandoned" }, T0 + 60_000)).toEqual({ ok: true, call: ringing(), changed: false });
  });
});

describe("applyCallAction: answered", () => {
  it("ending records the duration in whole seconds (rounded) and who ended it", () => {
    const ended = changedCall(applyCallAction(answered(T0 + 2_000), { kind: "end", userId: CALLER }, T0 + 2_000 + 61_600));
    expect(ended).toEqual({ ...answered(T0 + 2_000), status: "ended", endedAt: T0 + 63_600, durationSeconds: 62, endedBy: CALLER });
  });

  it("an abandoned call ends with nobody as the one who ended it", () => {
    const ended = changedCall(applyCallAction(answered(T0 + 2_000), { kind: "abandoned" }, T0 + 2_000 + 90_000));
    expect(ended).toMatchObject({ status: "ended", durationSeconds: 90, endedBy: null });
  });

  it("accepting again is an idempotent retry: unchanged", () => {
    expect(applyCallAction(answered(), { kind: "accept", userId: CALLEE }, T0 + 9_000)).toEqual({ ok: true, call: answered(), changed: false });
  });

  it("rejecting once answered is 409 call_not_ringing, carrying the call", () => {
    expect(applyCallAction(answered(), { kind: "reject", userId: CALLEE }, T0 + 9_000)).toMatchObject({
      ok: false,
      status: 409,
      code: "call_not_ringing",
      call: answered(),
    });
  });

  it("the ring timeout firing late changes nothing", () => {
    expect(applyCallAction(answered(), { kind: "ring_timeout" }, T0 + 45_000)).toEqual({ ok: true, call: answered(), changed: false });
  });
});

describe("applyCallAction: over", () => {
  const over = [
    ringing({ status: "rejected", endedAt: T0 + 1_000, endedBy: CALLEE }),
    ringing({ status: "missed", endedAt: T0 + 45_000, endedBy: null }),
    { ...answered(), status: "ended" as const, endedAt: T0 + 10_000, durationSeconds: 8, endedBy: CALLER },
  ];

  it("ending again (a retry, or the other side hanging up too) leaves the call as it is", () => {
    for (const call of over) {
      for (const userId of [CALLER, CALLEE]) expect(applyCallAction(call, { kind: "end", userId }, T0 + 99_000)).toEqual({ ok: true, call, changed: false });
    }
  });

  it("accepting a call that is over is 409 call_not_ringing, so the loser of a race sees the winner's state", () => {
    for (const call of over) {
      expect(applyCallAction(call, { kind: "accept", userId: CALLEE }, T0 + 99_000)).toMatchObject({ ok: false, status: 409, code: "call_not_ringing", call });
    }
  });

  it("rejecting a rejected call again is unchanged; rejecting a missed one is 409", () => {
    expect(applyCallAction(over[0]!, { kind: "reject", userId: CALLEE }, T0 + 99_000)).toEqual({ ok: true, call: over[0], changed: false });
    expect(applyCallAction(over[1]!, { kind: "reject", userId: CALLEE }, T0 + 99_000)).toMatchObject({ ok: false, status: 409, code: "call_not_ringing" });
  });
});
