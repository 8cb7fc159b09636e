import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { ApiError, badRequest, forbidden, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limits";
import { z } from "zod";
import type { Chat, ChatMember, LastMessage, Person } from "./model";
import { peopleOf } from "./people";
import {
  type ChatRecord,
  countMembers,
  deleteChatRecords,
  findActiveUserIds,
  findMemberChat,
  hasMembership,
  insertDirectChat,
  insertGroupChat,
  insertMembersWithinCap,
  isEncryptedChatRecord,
  joinGeneralChat,
  listMemberChats,
  listMemberIds,
  listMemberPage,
  type MemberChatRecord,
  raiseReadPosition,
  removeMemberRecords,
  setChatTitle,
} from "./records";
import { maySeeGeneralChatMembers } from "./general-members";
import { chatUsesFanout, fanoutShardName, fanoutShardOf } from "./fanout";
import { logEvent } from "../observability/log";
import { activeGroupCallsOf, groupCallMembershipChanged } from "../calls/group-calls";

/** Who is in a chat as answers show it: the ids, except for the general chat (every user), where only the count is sent. */
export interface ChatMembers {
  ids: string[] | null;
  count: number;
}

/** The members of a chat as answers show them, from its member ids (in joining order). */
export function chatMembers(type: ChatRecord["type"], ids: string[]): ChatMembers {
  return { ids: type === "general" ? null : ids, count: ids.length };
}

/** A direct chat's other member as `viewerId` sees them (null in other chats, or once they deleted their account). */
export function peerOf(row: Pick<ChatRecord, "type">, members: ChatMembers, viewerId: string, people: ReadonlyMap<string, Person>): Person | null {
  if (row.type !== "direct") return null;
  const other = members.ids?.find((id) => id !== viewerId);
  return other ? (people.get(other) ?? null) : null;
}

/** The people `peerOf` needs for these chats: every direct chat's members. */
export function directMemberIds(rows: Pick<ChatRecord, "id" | "type">[], members: ReadonlyMap<string, ChatMembers>): string[] {
  return rows.flatMap((row) => (row.type === "direct" ? (members.get(row.id)?.ids ?? []) : []));
}

export function toChat(row: ChatRecord, members: ChatMembers, readSeq: number, peer: Person | null, unreadMentions: number): Chat {
  const lastMessage = row.lastMessage ? (JSON.parse(row.lastMessage) as LastMessage) : null;
  return {
    id: row.id,
    type: row.type,
    encrypted: row.encrypted,
    encryptedFrom: row.encryptedAt && row.encryptedFromSeq !== null ? { seq: row.encryptedFromSeq, at: row.encryptedAt.toISOString() } : null,
    title: row.title,
    ownerId: row.ownerId,
    ...(members.ids ? { memberIds: members.ids } : {}),
    memberCount: members.count,
    peer,
    lastMessage,
    lastSeq: row.lastMessageSeq,
    readSeq: Math.min(readSeq, row.lastMessageSeq),
    unreadCount: Math.max(0, row.lastMessageSeq - readSeq),
    unreadMentionCount: unreadMentions,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The chat as `userId` sees it; outsiders (and deleted chats) are 404 so private chat ids leak nothing. */
export async function requireMembership(deps: Deps, chatId: string, userId: string): Promise<MemberChatRecord> {
  const row = await findMemberChat(deps.db, chatId, userId);
  if (!row) throw notFound("No such chat, or you are not a member");
  return row;
}

/**
 * Where a member's socket to the chat goes: the chat's room, or in a chat of thousands the fan-out
 * shard that holds every socket of this user (shared/chat/fanout.ts). Not a member: 404.
 */
export async function chatSocketHome(deps: Deps, chatId: string, userId: string): Promise<{ fetch(request: Request): Promise<Response> }> {
  const chat = await requireMembership(deps, chatId, userId);
  if (!chatUsesFanout(chat, deps.config)) return deps.objects.chatRoom(chatId);
  return deps.objects.chatFanout(fanoutShardName(chatId, fanoutShardOf(userId, deps.config.chat.fanoutShards)));
}

export async function isMember(deps: Deps, chatId: string, userId: string): Promise<boolean> {
  return hasMembership(deps.db, chatId, userId);
}

/** Text, edits and reactions in the clear are refused in an encrypted chat: they travel inside MLS messages there. */
export function requirePlainChat(row: Pick<ChatRecord, "encrypted">): void {
  if (row.encrypted) throw new ApiError(409, "mls_chat_encrypted", "This chat is end-to-end encrypted: send MLS messages over the chat socket (`mls.send`)");
}

/** Whether the chat is end-to-end encrypted (set when it is created, or turned on later; never off). */
export async function isEncryptedChat(deps: Deps, chatId: string): Promise<boolean> {
  return isEncryptedChatRecord(deps.db, chatId);
}

/** The ids of a chat's members now. */
export async function memberIdsOf(deps: Deps, chatId: string): Promise<string[]> {
  return (await listMemberIds(deps.db, [chatId])).get(chatId) ?? [];
}

/** Members as chat answers show them; the general chat's (every user) are counted, never listed. */
async function membersOf(deps: Deps, rows: Pick<ChatRecord, "id" | "type">[]): Promise<Map<string, ChatMembers>> {
  const ids = await listMemberIds(
    deps.db,
    rows.filter((c) => c.type !== "general").map((c) => c.id),
  );
  const byChat = new Map<string, ChatMembers>([...ids].map(([id, memberIds]) => [id, { ids: memberIds, count: memberIds.length }]));
  for (const row of rows) if (row.type === "general") byChat.set(row.id, { ids: null, count: await countMembers(deps.db, row.id) });
  return byChat;
}

export async function getChat(deps: Deps, chatId: string, userId: string): Promise<Chat> {
  const row = await requireMembership(deps, chatId, userId);
  const members = await membersOf(deps, [row]);
  const shown = members.get(chatId) ?? { ids: [], count: 0 };
  const people = await peopleOf(deps, directMemberIds([row], members));
  return {
    ...toChat(row, shown, row.readSeq, peerOf(row, shown, userId, people), row.unreadMentions),
    activeCall: (await activeGroupCallsOf(deps, [chatId])).get(chatId) ?? null,
  };
}

const MemberCursor = z.object({ j: z.number().int(), u: z.string() });

/**
 * GET /v1/chats/:id/members: members in joining order, a page at a time. The general chat's only
 * to those `maySeeGeneralChatMembers` allows (403 `general_members_hidden` otherwise).
 */
export async function listChatMembers(deps: Deps, chatId: string, principal: Principal, query: { limit: number; cursor?: string }): Promise<Page<ChatMember>> {
  const chat = await requireMembership(deps, chatId, principal.userId);
  if (chat.type === "general" && !maySeeGeneralChatMembers(deps, principal)) {
    throw new ApiError(
      403,
      "general_members_hidden",
      "The general chat holds every account; its members are listed only in invite-only deployments and to admins",
    );
  }
  const after = decodeCursor(query.cursor, MemberCursor);
  const rows = await listMemberPage(deps.db, chatId, after ? { joinedAt: after.j, userId: after.u } : null, query.limit + 1);
  return keysetPage(
    rows,
    query.limit,
    (row) => ({ userId: row.userId, displayName: row.displayName, avatarUrl: row.avatarUrl, role: row.role, joinedAt: row.joinedAt.toISOString() }),
    (last) => ({ j: last.joinedAt.getTime(), u: last.userId }),
  );
}

const ChatCursor = z.object({ u: z.number().int(), id: z.string() });

export async function listChats(deps: Deps, userId: string, query: { limit: number; cursor?: string }): Promise<Page<Chat>> {
  const after = decodeCursor(query.cursor, ChatCursor);
  // Accounts older than the chat module join the general chat here; new ones join on registration.
  if (!after) await joinGeneralChat(deps.db, userId, deps.clock.now());
  const rows = await listMemberChats(deps.db, userId, after ? { updatedAt: after.u, id: after.id } : null, query.limit + 1);
  const members = await membersOf(deps, rows.slice(0, query.limit));
  const people = await peopleOf(deps, directMemberIds(rows.slice(0, query.limit), members));
  const calls = await activeGroupCallsOf(
    deps,
    rows.slice(0, query.limit).map((row) => row.id),
  );
  return keysetPage(
    rows,
    query.limit,
    (row) => {
      const shown = members.get(row.id) ?? { ids: [], count: 0 };
      return { ...toChat(row, shown, row.readSeq, peerOf(row, shown, userId, people), row.unreadMentions), activeCall: calls.get(row.id) ?? null };
    },
    (last) => ({ u: last.updatedAt.getTime(), id: last.id }),
  );
}

async function requireExistingUsers(deps: Deps, userIds: string[]): Promise<void> {
  const found = await findActiveUserIds(deps.db, userIds);
  const missing = userIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(
      "unknown_users",
      "Some user ids do not name an active user",
      missing.map((id) => ({ path: "memberIds", message: `Unknown user ${id}` })),
    );
  }
}

/**
 * One chat per pair: creating it again returns the existing one (`created: false`) as it is,
 * encrypted or not. `encrypted` unset: E2EE_ENCRYPTED_CHATS_DEFAULT.
 */
export async function createDirectChat(deps: Deps, userId: string, otherId: string, encrypted?: boolean): Promise<{ chat: Chat; created: boolean }> {
  if (otherId === userId) throw badRequest("invalid_direct_chat", "A direct chat needs another user");
  await requireExistingUsers(deps, [otherId]);
  const now = deps.clock.now();
  const directKey = [userId, otherId].sort().join(":");
  const { id, created } = await insertDirectChat(deps.db, {
    id: newId(now),
    directKey,
    memberIds: [userId, otherId],
    encrypted: encrypted ?? deps.config.e2ee.encryptedChatsByDefault,
    now,
  });
  const chat = await getChat(deps, id, userId);
  if (created) {
    // Each side's list names the other person (a chat read for one side names the other as its peer),
    // and the creator's other devices learn of it too.
    await notifyChatUpdated(deps, await getChat(deps, id, otherId), [otherId]);
    await notifyChatUpdated(deps, chat, [userId]);
  }
  return { chat, created };
}

/** `encrypted` unset: E2EE_ENCRYPTED_CHATS_DEFAULT. */
export async function createGroupChat(deps: Deps, ownerId: string, title: string, memberIds: string[], encrypted?: boolean): Promise<Chat> {
  const others = [...new Set(memberIds)].filter((id) => id !== ownerId);
  const max = deps.config.chat.maxGroupMembers;
  if (others.length + 1 > max) throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
  if (others.length > 0) await requireExistingUsers(deps, others);
  // Creating a group adds people without asking them: one user may do it only so often.
  await enforceRateLimit(deps, `groups:user:${ownerId}`, deps.config.rateLimits.groupsPerUser);
  const now = deps.clock.now();
  const id = newId(now);
  await insertGroupChat(deps.db, { id, title, ownerId, memberIds: others, encrypted: encrypted ?? deps.config.e2ee.encryptedChatsByDefault, now });
  const chat = await getChat(deps, id, ownerId);
  // Every member's devices, the owner's other ones too (an encrypted group's first commit adds them already).
  await notifyChatUpdated(deps, chat, [ownerId, ...others]);
  return chat;
}

export async function deleteChat(deps: Deps, principal: Principal, chatId: string): Promise<void> {
  const row = await requireMembership(deps, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "The general chat cannot be deleted");
  if (row.type === "group" && row.ownerId !== principal.userId) throw forbidden("Only the owner deletes a group; members leave it");
  const members = await deleteChatRecords(deps.db, chatId, deps.clock.now());
  await deps.objects.chatRoom(chatId).closeChat();
  await groupCallMembershipChanged(deps, chatId, members);
  await Promise.allSettled(members.map((memberId) => deps.objects.userHub(memberId).notify({ type: "chat.deleted", chatId })));
}

export async function addMembers(deps: Deps, principal: Principal, chatId: string, userIds: string[]): Promise<Chat> {
  const row = await requireMembership(deps, chatId, principal.userId);
  if (row.type !== "group") throw new ApiError(403, "not_a_group", "Only group chats have members to add");
  if (row.ownerId !== principal.userId) throw forbidden("Only the owner adds members");
  const current = (await listMemberIds(deps.db, [chatId])).get(chatId) ?? [];
  const added = [...new Set(userIds)].filter((id) => !current.includes(id));
  if (added.length > 0) {
    await requireExistingUsers(deps, added);
    const max = deps.config.chat.maxGroupMembers;
    if (!(await insertMembersWithinCap(deps.db, chatId, added, deps.clock.now(), max))) {
      throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
    }
    await deps.objects.chatRoom(chatId).membershipChanged(added);
  }
  const chat = await getChat(deps, chatId, principal.userId);
  await notifyChatUpdated(deps, chat, added);
  return chat;
}

/** The owner renames a group; every member's list shows the new title (each with their own unread count). */
export async function renameGroup(deps: Deps, principal: Principal, chatId: string, title: string): Promise<Chat> {
  const row = await requireMembership(deps, chatId, principal.userId);
  if (row.type !== "group") throw new ApiError(403, "not_a_group", "Only group chats have a title to change");
  if (row.ownerId !== principal.userId) throw forbidden("Only the owner renames the group");
  await setChatTitle(deps.db, chatId, title, deps.clock.now());
  const members = (await listMemberIds(deps.db, [chatId])).get(chatId) ?? [];
  await Promise.allSettled(
    members.map(async (memberId) => deps.objects.userHub(memberId).notify({ type: "chat.updated", chat: await getChat(deps, chatId, memberId) })),
  );
  return getChat(deps, chatId, principal.userId);
}

/** The owner removes anyone; a member removes only themself (leaving). An owner who leaves hands the group to the longest-standing member. */
export async function removeMember(deps: Deps, principal: Principal, chatId: string, userId: string): Promise<void> {
  const row = await requireMembership(deps, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "Nobody leaves the general chat");
  if (row.type === "direct") throw new ApiError(403, "not_a_group", "A direct chat is deleted, not left");
  const leaving = userId === principal.userId;
  if (!leaving && row.ownerId !== principal.userId) throw forbidden("Only the owner removes other members");
  if (!leaving && !(await isMember(deps, chatId, userId))) throw notFound("That user is not a member of this chat");
  await removeMemberRecords(deps.db, chatId, userId, userId === row.ownerId, deps.clock.now());
  await deps.objects.chatRoom(chatId).membershipChanged([userId]);
  // A member removed while in the chat's call is dropped from it at once.
  await groupCallMembershipChanged(deps, chatId, [userId]);
}

/** Tells users who just joined a chat about it, on every device (they start with nothing unread). */
export async function notifyChatUpdated(deps: Deps, chat: Chat, userIds: string[]): Promise<void> {
  const seen = { ...chat, readSeq: chat.lastSeq, unreadCount: 0 };
  await Promise.allSettled(userIds.map((userId) => deps.objects.userHub(userId).notify({ type: "chat.updated", chat: seen })));
}

/**
 * Raises the reader's read position, then tells every device of the reader (through their hub) the
 * chat's new unread count, so a badge cleared in one tab clears in the others too.
 */
export async function markChatRead(deps: Deps, chatId: string, userId: string, seq: number): Promise<void> {
  await raiseReadPosition(deps.db, chatId, userId, seq);
  try {
    const chat = await getChat(deps, chatId, userId);
    await deps.objects.userHub(userId).notify({ type: "chat.updated", chat });
  } catch (error) {
    // The read is stored; other tabs then catch up when their list next loads.
    logEvent("warn", "read position not pushed to the reader's devices", { chatId, error: String(error) });
  }
}
