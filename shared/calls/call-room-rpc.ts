import type { Result } from "../platform/result";
import type { SocketTargetRpc } from "../realtime/user-hub-rpc";
import type { GroupCallRecord, PublicGroupCall } from "./group-call";

/** What the Worker may call on a group call's CallRoom (durable-objects/call-room.ts). */
export interface CallRoomRpc extends SocketTargetRpc {
  /** Takes charge of a call just recorded in D1 and rings every other member (idempotent for the same call). */
  start(call: GroupCallRecord): Promise<PublicGroupCall>;
  current(): Promise<PublicGroupCall | null>;
  /** Before an upgrade: `409 call_over` or `call_full` (a participant rejoining from another device is never full). */
  admission(userId: string): Promise<Result<PublicGroupCall>>;
  /** The user leaves on every device; the last one out ends the call. */
  leave(userId: string): Promise<PublicGroupCall | null>;
  /** Members of the chat changed in D1: whoever is in the call and no longer a member is dropped at once. */
  membershipChanged(userIds: string[]): Promise<void>;
}
