import { ApiError, conflict, notFound } from "../http/errors";
import type { Page } from "../http/pagination";
import { GENERAL_CHAT_ID } from "../chat/model";
import { findUserById } from "../identity/account/users";
import { newId } from "../ids";
import type { Deps } from "../platform/deps-types";
import { unwrap } from "../platform/refusal-error";
import { enforceRateLimit } from "../rate-limits";
import { findMemberChat, hasMembership, listMemberIds } from "../chat/records";
import type { CallType, PublicCall } from "./call";
import { placeCall } from "./calls";
import type { GroupCallRecord, PublicGroupCall } from "./group-call";
import {
  findActiveGroupCall,
  findGroupCall,
  hideGroupCallFor,
  insertGroupCall,
  listActiveGroupCalls,
  listGroupCallHistory,
  listGroupCallStretches,
  tookPartInGroupCall,
} from "./records";

/** What `POST /v1/calls {chatId}` started: a two-party call on a direct chat, or the chat's group call. */
export type ChatCall = { kind: "direct"; call: PublicCall } | { kind: "group"; call: PublicGroupCall; created: boolean };

/**
 * A call on a chat the caller is a member of: a direct chat calls its other member (the two-party
 * path, unchanged); a group chat or the general chat starts its group call, or joins the one
 * already running (one per chat).
 */
export async function placeChatCall(deps: Deps, userId: string, input: { chatId: string; type: CallType }): Promise<ChatCall> {
  const chat = await findMemberChat(deps.db, input.chatId, userId);
  if (!chat) throw notFound("No such chat, or you are not a member");
  if (chat.type === "direct") {
    const other = (await listMemberIds(deps.db, [chat.id])).get(chat.id)?.find((id) => id !== userId);
    if (!other) throw notFound("The other member of this chat deleted their account");
    return { kind: "direct", call: await placeCall(deps, userId, { calleeId: other, type: input.type }) };
  }
  return { kind: "group", ...(await startGroupCall(deps, userId, chat.id, input.type)) };
}

/** Whether `userId` may start a call in the general chat, which rings across the whole deployment. */
async function requireGeneralChatCaller(deps: Deps, userId: string): Promise<void> {
  const who = deps.config.calls.generalChatCalls;
  const role = (await findUserById(deps.db, userId))?.role;
  const allowed = who === "members" || (who === "moderators" && (role === "moderator" || role === "admin"));
  if (!allowed) {
    throw new ApiError(
      403,
      "general_chat_calls_restricted",
      who === "none" ? "Calls cannot be started in the general chat" : "Only moderators start a call in the general chat; you can join one that is running",
    );
  }
}

async function startGroupCall(deps: Deps, userId: string, chatId: string, type: CallType): Promise<{ call: PublicGroupCall; created: boolean }> {
  const running = await findActiveGroupCall(deps.db, chatId);
  if (!running) {
    if (chatId === GENERAL_CHAT_ID) await requireGeneralChatCaller(deps, userId);
    // Starting rings every member of the chat: one user may do it only as often as placing calls.
    await enforceRateLimit(deps, `calls:user:${userId}`, deps.config.rateLimits.callsPerUser);
  }
  const now = deps.clock.now();
  const record: GroupCallRecord = running ?? { id: newId(now), chatId, type, startedBy: userId, status: "active", createdAt: now, endedAt: null };
  const { call, created } = running ? { call: running, created: false } : await insertGroupCall(deps.db, record);
  const room = deps.objects.callRoom(call.id);
  // A call recorded in D1 whose room never started (the Worker stopped in between) is started by the next request, so it rings and times out.
  const current = created ? null : await room.current();
  return { call: current ?? (await room.start(call)), created };
}

/** The group call if `userId` is a member of its chat; else 404 (call ids leak nothing). */
async function visibleGroupCall(deps: Deps, callId: string, userId: string): Promise<GroupCallRecord> {
  const call = await findGroupCall(deps.db, callId);
  if (!call || !(await hasMembership(deps.db, call.chatId, userId))) throw notFound("No such call");
  return call;
}

export interface GroupCallStretchView {
  userId: string;
  displayName: string | null;
  joinedAt: string;
  leftAt: string | null;
  seconds: number | null;
}

/** The call with who is in it now, and its record: every stretch of every participant. */
export async function getGroupCall(deps: Deps, callId: string, userId: string): Promise<PublicGroupCall & { stretches: GroupCallStretchView[] }> {
  await visibleGroupCall(deps, callId, userId);
  const live = await deps.objects.callRoom(callId).current();
  if (!live) throw notFound("No such call");
  const stretches = (await listGroupCallStretches(deps.db, callId)).map((stretch) => ({
    userId: stretch.userId,
    displayName: stretch.displayName,
    joinedAt: new Date(stretch.joinedAt).toISOString(),
    leftAt: stretch.leftAt === null ? null : new Date(stretch.leftAt).toISOString(),
    seconds: stretch.leftAt === null ? null : Math.round((stretch.leftAt - stretch.joinedAt) / 1000),
  }));
  return { ...live, stretches };
}

export async function leaveGroupCall(deps: Deps, callId: string, userId: string): Promise<PublicGroupCall> {
  await visibleGroupCall(deps, callId, userId);
  const call = await deps.objects.callRoom(callId).leave(userId);
  if (!call) throw notFound("No such call");
  return call;
}

/** The room a member's socket joins, after `409 call_over` / `call_full` are ruled out. */
export async function groupCallRoom(deps: Deps, callId: string, userId: string) {
  await visibleGroupCall(deps, callId, userId);
  const room = deps.objects.callRoom(callId);
  unwrap(await room.admission(userId));
  return room;
}

/** Members left or were removed from a chat (or it was deleted): its running call drops them at once. */
export async function groupCallMembershipChanged(deps: Deps, chatId: string, userIds: string[]): Promise<void> {
  const call = await findActiveGroupCall(deps.db, chatId);
  if (call) await deps.objects.callRoom(call.id).membershipChanged(userIds);
}

export interface ActiveGroupCall {
  id: string;
  type: CallType;
  participants: { userId: string; displayName: string; joinedAt: string }[];
}

/** The running call of each of these chats (for the chat list and the chat header). */
export async function activeGroupCallsOf(deps: Pick<Deps, "db">, chatIds: readonly string[]): Promise<Map<string, ActiveGroupCall>> {
  const active = await listActiveGroupCalls(deps.db, chatIds);
  return new Map(
    active.map(({ call, participants }) => [
      call.chatId,
      {
        id: call.id,
        type: call.type,
        participants: participants.map((p) => ({ userId: p.userId, displayName: p.displayName, joinedAt: new Date(p.joinedAt).toISOString() })),
      },
    ]),
  );
}

/** One group call in a participant's call history. */
export interface GroupCallHistoryItem {
  id: string;
  kind: "group";
  chatId: string;
  chatTitle: string | null;
  chatType: "general" | "direct" | "group" | null;
  type: CallType;
  status: "active" | "ended";
  startedBy: string;
  createdAt: string;
  endedAt: string | null;
  people: { userId: string; displayName: string | null }[];
  ownSeconds: number | null;
}

/** The group calls the user took part in, newest first, as their call history lists them. */
export async function groupCallHistory(deps: Deps, userId: string, limit: number, cursor?: string): Promise<Page<GroupCallHistoryItem>> {
  const page = await listGroupCallHistory(deps.db, userId, limit, cursor);
  return {
    items: page.items.map(({ call, chatTitle, chatType, people, ownSeconds }) => ({
      id: call.id,
      kind: "group",
      chatId: call.chatId,
      chatTitle,
      chatType,
      type: call.type,
      status: call.status,
      startedBy: call.startedBy,
      createdAt: new Date(call.createdAt).toISOString(),
      endedAt: call.endedAt === null ? null : new Date(call.endedAt).toISOString(),
      people,
      ownSeconds,
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * Only the requester's history loses the call; the call's record and the others' histories keep it.
 * Someone who never took part gets 404, as for a call they cannot see; a running call, 409.
 */
export async function deleteGroupCallFromHistory(deps: Deps, callId: string, userId: string): Promise<void> {
  const call = await findGroupCall(deps.db, callId);
  if (!call || !(await tookPartInGroupCall(deps.db, callId, userId))) throw notFound("No such call");
  if (call.status === "active") throw conflict("call_active", "Leave the call and let it end before deleting it from your history");
  await hideGroupCallFor(deps.db, callId, userId, deps.clock.now());
}
