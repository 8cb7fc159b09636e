import type { Principal } from "../identity/sessions/principal";
import { clock } from "../clock";
import type { Env } from "../env";
import { ApiError, badRequest, forbidden, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { newId } from "../ids";
import { z } from "zod";
import { type Chat, GENERAL_CHAT_ID, GENERAL_CHAT_TITLE, iso, type LastMessage } from "./model";
import { chatRoom } from "./room-client";

export interface ChatRow {
  id: string;
  type: "general" | "direct" | "group";
  title: string | null;
  owner_id: string | null;
  direct_key: string | null;
  last_message_seq: number;
  last_message: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

type MemberChatRow = ChatRow & { read_seq: number; member_role: "owner" | "member" };

const DEFAULT_MAX_GROUP_MEMBERS = 200;

export function maxGroupMembers(env: Env): number {
  const value = Number(env.CHAT_MAX_GROUP_MEMBERS);
  return Number.isInteger(value) && value >= 2 ? value : DEFAULT_MAX_GROUP_MEMBERS;
}

/** Statements that create the general chat if missing and make `userId` a member; safe to repeat. */
export function joinGeneralChatStatements(db: D1Database, userId: string, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare("INSERT OR IGNORE INTO chats (id, type, title, last_message_seq, created_at, updated_at) VALUES (?, 'general', ?, 0, ?, ?)")
      .bind(GENERAL_CHAT_ID, GENERAL_CHAT_TITLE, now, now),
    db
      .prepare("INSERT OR IGNORE INTO chat_members (chat_id, user_id, role, read_seq, joined_at) VALUES (?, ?, 'member', 0, ?)")
      .bind(GENERAL_CHAT_ID, userId, now),
  ];
}

export function toChat(row: ChatRow, memberIds: string[], readSeq: number): Chat {
  const lastMessage = row.last_message ? (JSON.parse(row.last_message) as LastMessage) : null;
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    ownerId: row.owner_id,
    memberIds,
    lastMessage,
    lastSeq: row.last_message_seq,
    readSeq: Math.min(readSeq, row.last_message_seq),
    unreadCount: Math.max(0, row.last_message_seq - readSeq),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

async function memberIdsOf(env: Env, chatIds: string[]): Promise<Map<string, string[]>> {
  const byChat = new Map<string, string[]>(chatIds.map((id) => [id, []]));
  if (chatIds.length === 0) return byChat;
  const { results } = await env.DB.prepare(
    "SELECT chat_id, user_id FROM chat_members WHERE chat_id IN (SELECT value FROM json_each(?)) ORDER BY joined_at, user_id",
  )
    .bind(JSON.stringify(chatIds))
    .all<{ chat_id: string; user_id: string }>();
  for (const row of results) byChat.get(row.chat_id)?.push(row.user_id);
  return byChat;
}

/** The chat as `userId` sees it; outsiders (and deleted chats) are 404 so private chat ids leak nothing. */
export async function requireMembership(env: Env, chatId: string, userId: string): Promise<MemberChatRow> {
  const row = await env.DB.prepare(
    `SELECT c.*, m.read_seq, m.role AS member_role FROM chats c JOIN chat_members m ON m.chat_id = c.id
      WHERE c.id = ? AND m.user_id = ? AND c.deleted_at IS NULL`,
  )
    .bind(chatId, userId)
    .first<MemberChatRow>();
  if (!row) throw notFound("No such chat, or you are not a member");
  return row;
}

export async function isMember(env: Env, chatId: string, userId: string): Promise<boolean> {
  const row = await env.DB.prepare(
    "SELECT 1 AS ok FROM chat_members m JOIN chats c ON c.id = m.chat_id WHERE m.chat_id = ? AND m.user_id = ? AND c.deleted_at IS NULL",
  )
    .bind(chatId, userId)
    .first();
  return row !== null;
}

export async function getChat(env: Env, chatId: string, userId: string): Promise<Chat> {
  const row = await requireMembership(env, chatId, userId);
  const members = await memberIdsOf(env, [chatId]);
  return toChat(row, members.get(chatId) ?? [], row.read_seq);
}

const ChatCursor = z.object({ u: z.number().int(), id: z.string() });

export async function listChats(env: Env, userId: string, query: { limit: number; cursor?: string }): Promise<Page<Chat>> {
  const after = decodeCursor(query.cursor, ChatCursor);
  // Accounts older than the chat module join the general chat here; new ones join on registration.
  if (!after) await env.DB.batch(joinGeneralChatStatements(env.DB, userId, clock.now()));
  const { results } = await env.DB.prepare(
    `SELECT c.*, m.read_seq, m.role AS member_role FROM chat_members m JOIN chats c ON c.id = m.chat_id
      WHERE m.user_id = ? AND c.deleted_at IS NULL AND (c.updated_at < ? OR (c.updated_at = ? AND c.id < ?))
      ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`,
  )
    .bind(userId, after?.u ?? Number.MAX_SAFE_INTEGER, after?.u ?? Number.MAX_SAFE_INTEGER, after?.id ?? "\uffff", query.limit + 1)
    .all<MemberChatRow>();
  const members = await memberIdsOf(env, results.slice(0, query.limit).map((r) => r.id));
  return keysetPage(
    results,
    query.limit,
    (row) => toChat(row, members.get(row.id) ?? [], row.read_seq),
    (last) => ({ u: last.updated_at, id: last.id }),
  );
}

async function requireExistingUsers(env: Env, userIds: string[]): Promise<void> {
  const { results } = await env.DB.prepare("SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?)) AND disabled_at IS NULL")
    .bind(JSON.stringify(userIds))
    .all<{ id: string }>();
  const found = new Set(results.map((r) => r.id));
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
  const id = newId(now);
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO chats (id, type, direct_key, last_message_seq, created_at, updated_at) VALUES (?, 'direct', ?, 0, ?, ?) ON CONFLICT (direct_key) DO NOTHING",
    ).bind(id, directKey, now, now),
    env.DB.prepare(
      `INSERT OR IGNORE INTO chat_members (chat_id, user_id, role, read_seq, joined_at)
       SELECT c.id, u.value, 'member', 0, ? FROM chats c, json_each(?) u WHERE c.direct_key = ?`,
    ).bind(now, JSON.stringify([userId, otherId]), directKey),
  ]);
  const row = await env.DB.prepare("SELECT id FROM chats WHERE direct_key = ?").bind(directKey).first<{ id: string }>();
  const chat = await getChat(env, row!.id, userId);
  const created = (inserted?.meta.changes ?? 0) > 0;
  if (created) await notifyChatUpdated(env, chat, [otherId]);
  return { chat, created };
}

export async function createGroupChat(env: Env, ownerId: string, title: string, memberIds: string[]): Promise<Chat> {
  const others = [...new Set(memberIds)].filter((id) => id !== ownerId);
  const max = maxGroupMembers(env);
  if (others.length + 1 > max) throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
  if (others.length > 0) await requireExistingUsers(env, others);
  const now = clock.now();
  const id = newId(now);
  await env.DB.batch([
    env.DB.prepare("INSERT INTO chats (id, type, title, owner_id, last_message_seq, created_at, updated_at) VALUES (?, 'group', ?, ?, 0, ?, ?)").bind(
      id,
      title,
      ownerId,
      now,
      now,
    ),
    env.DB.prepare("INSERT INTO chat_members (chat_id, user_id, role, read_seq, joined_at) VALUES (?, ?, 'owner', 0, ?)").bind(id, ownerId, now),
    env.DB.prepare(
      "INSERT INTO chat_members (chat_id, user_id, role, read_seq, joined_at) SELECT ?, value, 'member', 0, ? FROM json_each(?)",
    ).bind(id, now + 1, JSON.stringify(others)),
  ]);
  const chat = await getChat(env, id, ownerId);
  await notifyChatUpdated(env, chat, others);
  return chat;
}

export async function deleteChat(env: Env, principal: Principal, chatId: string): Promise<void> {
  const row = await requireMembership(env, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "The general chat cannot be deleted");
  if (row.type === "group" && row.owner_id !== principal.userId) throw forbidden("Only the owner deletes a group; members leave it");
  const { results: members } = await env.DB.prepare("SELECT user_id FROM chat_members WHERE chat_id = ?").bind(chatId).all<{ user_id: string }>();
  await env.DB.batch([
    env.DB.prepare("UPDATE chats SET deleted_at = ?, direct_key = NULL WHERE id = ?").bind(clock.now(), chatId),
    env.DB.prepare("DELETE FROM chat_members WHERE chat_id = ?").bind(chatId),
  ]);
  await chatRoom(env, chatId).closeChat();
  await Promise.allSettled(members.map((m) => env.USER_HUB.getByName(m.user_id).notify({ type: "chat.deleted", chatId })));
}

export async function addMembers(env: Env, principal: Principal, chatId: string, userIds: string[]): Promise<Chat> {
  const row = await requireMembership(env, chatId, principal.userId);
  if (row.type !== "group") throw new ApiError(403, "not_a_group", "Only group chats have members to add");
  if (row.owner_id !== principal.userId) throw forbidden("Only the owner adds members");
  const current = (await memberIdsOf(env, [chatId])).get(chatId) ?? [];
  const added = [...new Set(userIds)].filter((id) => !current.includes(id));
  const max = maxGroupMembers(env);
  if (current.length + added.length > max) throw new ApiError(409, "group_too_large", `A group has at most ${max} members`);
  if (added.length > 0) {
    await requireExistingUsers(env, added);
    const now = clock.now();
    // Newcomers can read the history but start with nothing unread.
    await env.DB.prepare(
      `INSERT OR IGNORE INTO chat_members (chat_id, user_id, role, read_seq, joined_at)
       SELECT ?, value, 'member', (SELECT last_message_seq FROM chats WHERE id = ?), ? FROM json_each(?)`,
    )
      .bind(chatId, chatId, now, JSON.stringify(added))
      .run();
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
  if (!leaving && row.owner_id !== principal.userId) throw forbidden("Only the owner removes other members");
  if (!leaving && !(await isMember(env, chatId, userId))) throw notFound("That user is not a member of this chat");
  const statements = [env.DB.prepare("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?").bind(chatId, userId)];
  if (userId === row.owner_id) {
    statements.push(
      env.DB.prepare(
        `UPDATE chats SET owner_id = (SELECT user_id FROM chat_members WHERE chat_id = ?1 AND user_id <> ?2 ORDER BY joined_at, user_id LIMIT 1)
          WHERE id = ?1`,
      ).bind(chatId, userId),
      env.DB.prepare("UPDATE chat_members SET role = 'owner' WHERE chat_id = ?1 AND user_id = (SELECT owner_id FROM chats WHERE id = ?1)").bind(chatId),
      // The last one out closes the group.
      env.DB.prepare("UPDATE chats SET deleted_at = ?2 WHERE id = ?1 AND owner_id IS NULL").bind(chatId, clock.now()),
    );
  }
  await env.DB.batch(statements);
  await chatRoom(env, chatId).membershipChanged([userId]);
}

/** Tells users who just joined a chat about it, on every device (they start with nothing unread). */
export async function notifyChatUpdated(env: Env, chat: Chat, userIds: string[]): Promise<void> {
  const seen = { ...chat, readSeq: chat.lastSeq, unreadCount: 0 };
  await Promise.allSettled(userIds.map((userId) => env.USER_HUB.getByName(userId).notify({ type: "chat.updated", chat: seen })));
}

export async function markChatRead(env: Env, chatId: string, userId: string, seq: number): Promise<void> {
  await env.DB.prepare("UPDATE chat_members SET read_seq = MAX(read_seq, ?) WHERE chat_id = ? AND user_id = ?").bind(seq, chatId, userId).run();
}
