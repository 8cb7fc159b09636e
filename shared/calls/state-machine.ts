import type { ErrorCode } from "../http/errors";
import type { CallRecord } from "./call";
import { isParticipant } from "./call";

/** What can happen to a call; the CallSession applies them one at a time. */
export type CallAction =
  | { kind: "accept"; userId: string }
  | { kind: "reject"; userId: string }
  | { kind: "end"; userId: string }
  | { kind: "ring_timeout" }
  | { kind: "abandoned" };

export type TransitionRefusal = { ok: false; status: 403 | 404 | 409; code: ErrorCode; detail: string; call?: CallRecord };
export type TransitionResult = { ok: true; call: CallRecord; changed: boolean } | TransitionRefusal;

const unchanged = (call: CallRecord): TransitionResult => ({ ok: true, call, changed: false });
const changed = (call: CallRecord): TransitionResult => ({ ok: true, call, changed: true });

/**
 * The call state machine: ringing -> answered -> ended; ringing -> rejected | missed. Repeating an
 * action that already took effect returns the call unchanged (idempotent retries); an action the
 * current state no longer allows (accepting a call that was hung up) is a 409 carrying the call,
 * so whichever of two racing actions lands second sees the state the first one produced.
 */
export function applyCallAction(call: CallRecord, action: CallAction, now: number): TransitionResult {
  if ("userId" in action && !isParticipant(call, action.userId)) {
    return { ok: false, status: 404, code: "not_found", detail: "No such call" };
  }
  switch (action.kind) {
    case "accept":
      if (action.userId !== call.calleeId) return { ok: false, status: 403, code: "not_callee", detail: "Only the callee can accept a call", call };
      if (call.status === "answered") return unchanged(call);
      if (call.status !== "ringing") return notRinging(call);
      return changed({ ...call, status: "answered", answeredAt: now });
    case "reject":
      if (action.userId !== call.calleeId) return { ok: false, status: 403, code: "not_callee", detail: "Only the callee can reject a call", call };
      if (call.status === "rejected") return unchanged(call);
      if (call.status !== "ringing") return notRinging(call);
      return changed({ ...call, status: "rejected", endedAt: now, endedBy: action.userId });
    case "end":
      if (call.status === "ringing") return changed({ ...call, status: "missed", endedAt: now, endedBy: action.userId });
      if (call.status === "answered") return changed(endAnswered(call, now, action.userId));
      return unchanged(call);
    case "ring_timeout":
      return call.status === "ringing" ? changed({ ...call, status: "missed", endedAt: now, endedBy: null }) : unchanged(call);
    case "abandoned":
      return call.status === "answered" ? changed(endAnswered(call, now, null)) : unchanged(call);
  }
}

function endAnswered(call: CallRecord, now: number, endedBy: string | null): CallRecord {
  const durationSeconds = Math.max(0, Math.round((now - (call.answeredAt ?? now)) / 1000));
  return { ...call, status: "ended", endedAt: now, durationSeconds, endedBy };
}

function notRinging(call: CallRecord): TransitionRefusal {
  return { ok: false, status: 409, code: "call_not_ringing", detail: `The call is ${call.status}, no longer ringing`, call };
}
