import type { CallType } from "./call";
import type { MediaTopology } from "./topology";

export const GROUP_CALL_STATUSES = ["active", "ended"] as const;
export type GroupCallStatus = (typeof GROUP_CALL_STATUSES)[number];

/** A group call as its CallRoom holds it and D1 records it (times in epoch ms). */
export interface GroupCallRecord {
  id: string;
  chatId: string;
  type: CallType;
  startedBy: string;
  status: GroupCallStatus;
  createdAt: number;
  endedAt: number | null;
}

/** Someone in the call now, with what they send (as their client reports it). */
export interface RosterEntry {
  userId: string;
  displayName: string;
  joinedAt: number;
  audio: boolean;
  video: boolean;
}

/** One stretch of a person in the call: a rejoin is a new stretch. D1 keeps them as the call's record. */
export interface Stretch {
  userId: string;
  joinedAt: number;
  leftAt: number | null;
}

export interface PublicGroupParticipant {
  userId: string;
  displayName: string;
  joinedAt: string;
  audio: boolean;
  video: boolean;
}

/** The group call as clients see it: REST replies, `group_call.state` hub frames and `room.state` socket frames. */
export interface PublicGroupCall {
  id: string;
  kind: "group";
  chatId: string;
  type: CallType;
  startedBy: string;
  status: GroupCallStatus;
  createdAt: string;
  endedAt: string | null;
  topology: MediaTopology;
  maxParticipants: number;
  participants: PublicGroupParticipant[];
}

export function toPublicGroupCall(call: GroupCallRecord, roster: readonly RosterEntry[], maxParticipants: number, topology: MediaTopology): PublicGroupCall {
  return {
    id: call.id,
    kind: "group",
    chatId: call.chatId,
    type: call.type,
    startedBy: call.startedBy,
    status: call.status,
    createdAt: new Date(call.createdAt).toISOString(),
    endedAt: call.endedAt === null ? null : new Date(call.endedAt).toISOString(),
    topology,
    maxParticipants,
    participants: roster.map((entry) => ({ ...entry, joinedAt: new Date(entry.joinedAt).toISOString() })),
  };
}

/**
 * A call nobody joins is ended after the ring timeout; one whose last socket dropped without a
 * `leave` waits this long for a reconnect (a page reload) before it ends.
 */
export const EMPTY_ROOM_GRACE_MS = 15_000;
