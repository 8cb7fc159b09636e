export const CALL_TYPES = ["voice", "video"] as const;
export const CALL_STATUSES = ["ringing", "answered", "ended", "missed", "rejected", "busy"] as const;
export type CallType = (typeof CALL_TYPES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];

/** A call as the CallSession holds it and D1 records it (times in epoch ms). */
export interface CallRecord {
  id: string;
  callerId: string;
  calleeId: string;
  type: CallType;
  status: CallStatus;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  durationSeconds: number | null;
  endedBy: string | null;
}

/** The call as clients see it (API.md). */
export interface PublicCall {
  id: string;
  callerId: string;
  calleeId: string;
  type: CallType;
  status: CallStatus;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  endedBy: string | null;
}

/** Statuses in which a user counts as "in a call" for busy detection. */
export const ACTIVE_STATUSES: readonly CallStatus[] = ["ringing", "answered"];

export const isActive = (status: CallStatus) => ACTIVE_STATUSES.includes(status);

export const isParticipant = (call: Pick<CallRecord, "callerId" | "calleeId">, userId: string) => call.callerId === userId || call.calleeId === userId;

export const otherParticipant = (call: Pick<CallRecord, "callerId" | "calleeId">, userId: string) => (call.callerId === userId ? call.calleeId : call.callerId);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toPublicCall(call: CallRecord): PublicCall {
  return {
    id: call.id,
    callerId: call.callerId,
    calleeId: call.calleeId,
    type: call.type,
    status: call.status,
    createdAt: new Date(call.createdAt).toISOString(),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    durationSeconds: call.durationSeconds,
    endedBy: call.endedBy,
  };
}

/**
 * An answered call whose participants all left the signalling socket is ended after this grace:
 * otherwise a client that vanished without hanging up would keep both users "busy" forever.
 */
export const ABANDONED_CALL_GRACE_MS = 60_000;
