import type { Principal } from "../identity/sessions/principal";
import { clock } from "../clock";
import type { Env } from "../env";
import { ApiError, badRequest, forbidden, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { createDatabase } from "../db/client";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limits";
import { z } from "zod";
import type { Chat, ChatMember, LastMessage } from "./model";
import {
  type ChatRecord,
  countMembers,
  deleteChatRecords,
  findActiveUserIds,
  findMemberChat,
  hasMembership,
  insertDirectChat,
  insertGroupChat,
  insertMembers,
  joinGeneralChat,
  listMemberChats,
  listMemberIds,
  listMemberPage,
  type MemberChatRecord,
  raiseReadPosition,
  removeMemberRecords,
} from "./records";
import { maySeeGeneralChatMembers } from "./general-members";
import { chatRoom } from "./room-client";
import { configOf } from "../config";
import { traced } from "../observability/traced-stub";
import { logEvent } from "../observability/log";

export function maxGroupMembers(env: Env): number {
  return configOf(env).chat.maxGroupMembers;
}

/** Who is in a chat as answers show it: the ids, except for the general chat (every user), where only the count is sent. */
export interface ChatMembers {
  ids: string[] | null;
  count: number;
}

/** The members of a chat as answers show them, from its member ids (in joining order). */
export function chatMembers(type: ChatRecord["type"], ids: string[]): ChatMembers {
  return { ids: type === "general" ? null : ids, count: ids.length };
}

export function toChat(row: ChatRecord, members: ChatMembers, readSeq: number): Chat {
  const lastMessage = row.lastMessage ? (JSON.parse(row.lastMessage) as LastMessage) : null;
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    ownerId: row.ownerId,
    ...(members.ids ? { memberIds: members.ids } : {}),
    memberCount: members.count,
    lastMessage,
    lastSeq: row.lastMessageSeq,
    readSeq: Math.min(readSeq, row.lastMessageSeq),
    unreadCount: Math.max(0, row.lastMessageSeq - readSeq),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const db = (env: Env) => createDatabase(env.DB);

/** The chat as `userId` sees it; outsiders (and deleted chats) are 404 so private chat ids leak nothing. */
export async function requireMembership(env: Env, chatId: string, userId: string): Promise<MemberChatRecord> {
  const row = await findMemberChat(db(env), chatId, userId);
  if (!row) throw notFound("No such chat, or you are not a member");
  return row;
}

export async function isMember(env: Env, chatId: string, userId: string): Promise<boolean> {
  return hasMembership(db(env), chatId, userId);
}

/** Members as chat answers show them; the general chat's (every user) are counted, never listed. */
async function membersOf(env: Env, rows: Pick<ChatRecord, "id" | "type">[]): Promise<Map<string, ChatMembers>> {
  const ids = await listMemberIds(db(env), rows.filter((c) => c.type !== "general").map((c) => c.id));
  const byChat = new Map<string, ChatMembers>([...ids].map(([id, memberIds]) => [id, { ids: memberIds, count: memberIds.length }]));
  for (const row of rows) if (row.type === "general") byChat.set(row.id, { ids: null, count: await countMembers(db(env), row.id) });
  return byChat;
}

export async function getChat(env: Env, chatId: string, userId: string): Promise<Chat> {
  const row = await requireMembership(env, chatId, userId);
  const members = await membersOf(env, [row]);
  return toChat(row, members.get(chatId) ?? { ids: [], count: 0 }, row.readSeq);
}

const MemberCursor = z.object({ j: z.number().int(), u: z.string() });

/**
 * GET /v1/chats/:id/members: members in joining order, a page at a time. The general chat's only
 * to those `maySeeGeneralChatMembers` allows (403 `general_members_hidden` otherwise).
 */
export async function listChatMembers(env: Env, chatId: string, principal: Principal, query: { limit: number; cursor?: string }): Promise<Page<ChatMember>> {
  const chat = await requireMembership(env, chatId, principal.userId);
  if (chat.type === "general" && !maySeeGeneralChatMembers(env, principal)) {
    throw new ApiError(403, "general_members_hidden", "The general chat holds every account; its members are listed only in invite-only deployments and to admins");
  }
  const after = decodeCursor(query.cursor, MemberCursor);
  const rows = await listMemberPage(db(env), chatId, after ? { joinedAt: after.j, userId: after.u } : null, query.limit + 1);
  return keysetPage(
    rows,
    query.limit,
    (row) => ({ userId: row.userId, role: row.role, joinedAt: row.joinedAt.toISOString() }),
    (last) => ({ j: last.joinedAt.getTime(), u: last.userId }),
  );
}

const ChatCursor = z.object({ u: z.number().int(), id: z.string() });

export async function listChats(env: Env, userId: string, query: { limit: number; cursor?: string }): Promise<Page<Chat>> {
  const after = decodeCursor(query.cursor, ChatCursor);
  // Accounts older than the chat module join the general chat here; new ones join on registration.
  if (!after) await joinGeneralChat(db(env), userId, clock.now());
  const rows = await listMemberChats(db(env), userId, after ? { updatedAt: after.u, id: after.id } : null, query.limit + 1);
  const members = await membersOf(env, rows.slice(0, query.limit));
  return keysetPage(
    rows,
    query.limit,
    (row) => toChat(row, members.get(row.id) ?? { ids: [], count: 0 }, row.readSeq),
    (last) => ({ u: last.updatedAt.getTime(), id: last.id }),
  );
}

async function requireExistingUsers(env: Env, userIds: string[]): Promise<void> {
  const found = await findActiveUserIds(db(env), userIds);
  const missing = userIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(
      "unknown_users",
      "Some user ids do not name an active user",
      missing.map((id) => ({ path: "memberIds", message: `Unknown user ${id}` })),
    );
  }
}

/** One chat per pair: creating it again returns the existing one (`created: false`). */
export async function createDirectChat(env: Env, userId: string, otherId: string): Promise<{ chat: Chat; created: boolean }> {
  if (otherId === userId) throw badRequest("invalid_direct_chat", "A direct chat needs another user");
  await requireExistingUsers(env, [otherId]);
  const now = clock.now();
  const directKey = [userId, otherId].sort().join(":");
  const { id, created } = await insertDirectChat(db(env), { id: newId(now), directKey, memberIds: [userId, otherId], now });
  const chat = await getChat(env, id, userId);
  if (created) await notifyChatUpdated(env, chat, [otherId]);
  return { chat, created };
}

export async function createGroupChat(env: Env, ownerId: string, title: string, memberIds: string[]): Promise<Chat> {
  const others = [...new Set(memberIds)].filter((id) => id !== ownerId);
  const max = maxGroupMembers(env);
  if (others.length + 1 > max) throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
  if (others.length > 0) await requireExistingUsers(env, others);
  // Creating a group adds people without asking them: one user may do it only so often.
  await enforceRateLimit(env, `groups:user:${ownerId}`, configOf(env).rateLimits.groupsPerUser);
  const now = clock.now();
  const id = newId(now);
  await insertGroupChat(db(env), { id, title, ownerId, memberIds: others, now });
  const chat = await getChat(env, id, ownerId);
  await notifyChatUpdated(env, chat, others);
  return chat;
}

export async function deleteChat(env: Env, principal: Principal, chatId: string): Promise<void> {
  const row = await requireMembership(env, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "The general chat cannot be deleted");
  if (row.type === "group" && row.ownerId !== principal.userId) throw forbidden("Only the owner deletes a group; members leave it");
  const members = await deleteChatRecords(db(env), chatId, clock.now());
  await chatRoom(env, chatId).closeChat();
  await Promise.allSettled(members.map((memberId) => traced(env.USER_HUB.getByName(memberId)).notify({ type: "chat.deleted", chatId })));
}

export async function addMembers(env: Env, principal: Principal, chatId: string, userIds: string[]): Promise<Chat> {
  const row = await requireMembership(env, chatId, principal.userId);
  if (row.type !== "group") throw new ApiError(403, "not_a_group", "Only group chats have members to add");
  if (row.ownerId !== principal.userId) throw forbidden("Only the owner adds members");
  const current = (await listMemberIds(db(env), [chatId])).get(chatId) ?? [];
  const added = [...new Set(userIds)].filter((id) => !current.includes(id));
  const max = maxGroupMembers(env);
  if (current.length + added.length > max) throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
  if (added.length > 0) {
    await requireExistingUsers(env, added);
    await insertMembers(db(env), chatId, added, clock.now());
    await chatRoom(env, chatId).membershipChanged(added);
  }
  const chat = await getChat(env, chatId, principal.userId);
  await notifyChatUpdated(env, chat, added);
  return chat;
}

/** The owner removes anyone; a member removes only themself (leaving). An owner who leaves hands the group to the longest-standing member. */
export async function removeMember(env: Env, principal: Principal, chatId: string, userId: string): Promise<void> {
  const row = await requireMembership(env, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "Nobody leaves the general chat");
  if (row.type === "direct") throw new ApiError(403, "not_a_group", "A direct chat is deleted, not left");
  const leaving = userId === principal.userId;
  if (!leaving && row.ownerId !== principal.userId) throw forbidden("Only the owner removes other members");
  if (!leaving && !(await isMember(env, chatId, userId))) throw notFound("That user is not a member of this chat");
  await removeMemberRecords(db(env), chatId, userId, userId === row.ownerId, clock.now());
  await chatRoom(env, chatId).membershipChanged([userId]);
}

/** Tells users who just joined a chat about it, on every device (they start with nothing unread). */
export async function notifyChatUpdated(env: Env, chat: Chat, userIds: string[]): Promise<void> {
  const seen = { ...chat, readSeq: chat.lastSeq, unreadCount: 0 };
  await Promise.allSettled(userIds.map((userId) => traced(env.USER_HUB.getByName(userId)).notify({ type: "chat.updated", chat: seen })));
}

/**
 * Raises the reader's read position, then tells every device of the reader (through their hub) the
 * chat's new unread count, so a badge cleared in one tab clears in the others too.
 */
export async function markChatRead(env: Env, chatId: string, userId: string, seq: number): Promise<void> {
  await raiseReadPosition(db(env), chatId, userId, seq);
  try {
    const chat = await getChat(env, chatId, userId);
    await traced(env.USER_HUB.getByName(userId)).notify({ type: "chat.updated", chat });
  } catch (error) {
    // The read is stored; other tabs then catch up when their list next loads.
    logEvent("warn", "read position not pushed to the reader's devices", { chatId, error: String(error) });
  }
}
