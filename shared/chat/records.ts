import { and, asc, count, desc, eq, getTableColumns, gt, isNotNull, isNull, lte, ne, notExists, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertWithinCap } from "../db/capped-insert";
import type { Database } from "../db/client";
import { olderThan } from "../db/keyset";
import { chatFormerMembers, chatMembers, chatMentions, chats } from "../db/schema/chat";
import { users } from "../db/schema/identity";
import { GENERAL_CHAT_ID, GENERAL_CHAT_TITLE, type LastMessage } from "./model";

/** Every query of the chat tables (`chats`, `chat_members`, `chat_former_members`, `chat_mentions`). The messages live in each ChatRoom. */

export type ChatRecord = typeof chats.$inferSelect;
export type ChatMemberRecord = typeof chatMembers.$inferSelect;
/** A chat as one member sees it: the chat row plus that member's read position and role. */
export type MemberChatRecord = ChatRecord & { readSeq: ChatMemberRecord["readSeq"]; memberRole: ChatMemberRecord["role"]; unreadMentions: number };

/**
 * The member's mentions past their read position: a range of chat_mentions' primary key. Spelled
 * out with table names: drizzle leaves columns unqualified in a one-table select, where they would
 * name chat_mentions' own columns inside the subquery.
 */
const UNREAD_MENTIONS = sql<number>`(SELECT COUNT(*) FROM chat_mentions mention
  WHERE mention.chat_id = chat_members.chat_id AND mention.user_id = chat_members.user_id AND mention.seq > chat_members.read_seq)`;

const memberChatColumns = {
  ...getTableColumns(chats),
  readSeq: chatMembers.readSeq,
  memberRole: chatMembers.role,
  unreadMentions: UNREAD_MENTIONS,
};

/**
 * `column IN (the list)` with the list bound as ONE JSON parameter: D1 allows at most 100 bound
 * parameters per statement, and member lists go up to the group size limit.
 */
const inJsonList = (column: SQLiteColumn, values: readonly string[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** Creates the general chat if missing and makes `userId` a member; safe to repeat. */
export function joinGeneralChatQueries(db: Database, userId: string, now: number) {
  const at = new Date(now);
  return [
    db
      .insert(chats)
      .values({ id: GENERAL_CHAT_ID, type: "general", title: GENERAL_CHAT_TITLE, lastMessageSeq: 0, createdAt: at, updatedAt: at })
      .onConflictDoNothing(),
    db.insert(chatMembers).values({ chatId: GENERAL_CHAT_ID, userId, role: "member", readSeq: 0, joinedAt: at }).onConflictDoNothing(),
  ] as const;
}

export async function joinGeneralChat(db: Database, userId: string, now: number): Promise<void> {
  await db.batch(joinGeneralChatQueries(db, userId, now));
}

/** Member ids of each chat, in joining order. */
export async function listMemberIds(db: Database, chatIds: string[]): Promise<Map<string, string[]>> {
  const byChat = new Map<string, string[]>(chatIds.map((id) => [id, []]));
  if (chatIds.length === 0) return byChat;
  const rows = await db
    .select({ chatId: chatMembers.chatId, userId: chatMembers.userId })
    .from(chatMembers)
    .where(inJsonList(chatMembers.chatId, chatIds))
    .orderBy(asc(chatMembers.joinedAt), asc(chatMembers.userId));
  for (const row of rows) byChat.get(row.chatId)?.push(row.userId);
  return byChat;
}

/** How many members a chat has (the general chat's are counted, never listed). */
/** Whether the chat is end-to-end encrypted (false for no such chat). */
export async function isEncryptedChatRecord(db: Database, chatId: string): Promise<boolean> {
  const row = await db.select({ encrypted: chats.encrypted }).from(chats).where(eq(chats.id, chatId)).get();
  return row?.encrypted ?? false;
}

export async function countMembers(db: Database, chatId: string): Promise<number> {
  const row = await db.select({ n: count() }).from(chatMembers).where(eq(chatMembers.chatId, chatId)).get();
  return row?.n ?? 0;
}

/** One page of a chat's members in joining order, after the (joinedAt, userId) of the previous page. */
export async function listMemberPage(db: Database, chatId: string, after: { joinedAt: number; userId: string } | null, limit: number) {
  const afterLast = after
    ? or(gt(chatMembers.joinedAt, new Date(after.joinedAt)), and(eq(chatMembers.joinedAt, new Date(after.joinedAt)), gt(chatMembers.userId, after.userId)))
    : undefined;
  return db
    .select({ userId: chatMembers.userId, displayName: users.displayName, avatarUrl: users.avatarUrl, role: chatMembers.role, joinedAt: chatMembers.joinedAt })
    .from(chatMembers)
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .where(and(eq(chatMembers.chatId, chatId), afterLast))
    .orderBy(asc(chatMembers.joinedAt), asc(chatMembers.userId))
    .limit(limit);
}

/** The live (not deleted) chat as `userId` sees it, or undefined when they are not a member. */
export async function findMemberChat(db: Database, chatId: string, userId: string): Promise<MemberChatRecord | undefined> {
  return db
    .select(memberChatColumns)
    .from(chats)
    .innerJoin(chatMembers, eq(chatMembers.chatId, chats.id))
    .where(and(eq(chats.id, chatId), eq(chatMembers.userId, userId), isNull(chats.deletedAt)))
    .get();
}

export async function hasMembership(db: Database, chatId: string, userId: string): Promise<boolean> {
  const row = await db
    .select({ found: sql<number>`1` })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId), isNull(chats.deletedAt)))
    .get();
  return row !== undefined;
}

/** One page of the user's live chats, most recently active first; `after` is the last row of the previous page. */
export async function listMemberChats(
  db: Database,
  userId: string,
  after: { updatedAt: number; id: string } | null,
  limit: number,
): Promise<MemberChatRecord[]> {
  const before = olderThan(chats.updatedAt, chats.id, after && { time: after.updatedAt, id: after.id });
  return db
    .select(memberChatColumns)
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(and(eq(chatMembers.userId, userId), isNull(chats.deletedAt), before))
    .orderBy(desc(chats.updatedAt), desc(chats.id))
    .limit(limit);
}

/** Which of `userIds` name an active (not disabled) user. */
export async function findActiveUserIds(db: Database, userIds: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inJsonList(users.id, userIds), isNull(users.disabledAt)));
  return new Set(rows.map((r) => r.id));
}

/** Creates the direct chat of a pair unless it exists; returns its id and whether it was created. */
export async function insertDirectChat(db: Database, input: { id: string; directKey: string; memberIds: [string, string]; encrypted: boolean; now: number }) {
  const at = new Date(input.now);
  const [inserted] = await db.batch([
    db
      .insert(chats)
      .values({ id: input.id, type: "direct", directKey: input.directKey, encrypted: input.encrypted, lastMessageSeq: 0, createdAt: at, updatedAt: at })
      .onConflictDoNothing({ target: chats.directKey })
      .returning({ id: chats.id }),
    db
      .insert(chatMembers)
      .select(
        sql`SELECT c.id, u.value, 'member', 0, ${input.now} FROM ${chats} c, json_each(${JSON.stringify(input.memberIds)}) u WHERE c.direct_key = ${input.directKey}`,
      )
      .onConflictDoNothing(),
  ]);
  const existing = await db.select({ id: chats.id }).from(chats).where(eq(chats.directKey, input.directKey)).get();
  return { id: existing!.id, created: inserted.length > 0 };
}

export async function insertGroupChat(
  db: Database,
  input: { id: string; title: string; ownerId: string; memberIds: string[]; encrypted: boolean; now: number },
): Promise<void> {
  const at = new Date(input.now);
  await db.batch([
    db
      .insert(chats)
      .values({
        id: input.id,
        type: "group",
        title: input.title,
        ownerId: input.ownerId,
        encrypted: input.encrypted,
        lastMessageSeq: 0,
        createdAt: at,
        updatedAt: at,
      }),
    db.insert(chatMembers).values({ chatId: input.id, userId: input.ownerId, role: "owner", readSeq: 0, joinedAt: at }),
    // Joined just after the owner, so the owner stays first in joining order.
    db.insert(chatMembers).select(sql`SELECT ${input.id}, value, 'member', 0, ${input.now + 1} FROM json_each(${JSON.stringify(input.memberIds)})`),
  ]);
}

/** Marks the chat deleted (freeing its direct key) and removes every membership; returns who the members were. */
export async function deleteChatRecords(db: Database, chatId: string, now: number): Promise<string[]> {
  const members = await db.select({ userId: chatMembers.userId }).from(chatMembers).where(eq(chatMembers.chatId, chatId));
  await db.batch([
    db
      .update(chats)
      .set({ deletedAt: new Date(now), directKey: null })
      .where(eq(chats.id, chatId)),
    db.delete(chatMembers).where(eq(chatMembers.chatId, chatId)),
  ]);
  return members.map((m) => m.userId);
}

/**
 * Adds members who can read the history but start with nothing unread. (`WHERE true`: SQLite
 * needs a WHERE before an upsert clause that follows a SELECT.)
 */
/**
 * Adds members who start with everything sent so far read, unless the chat would then have more
 * than `max` members: counted inside the insert, so parallel additions cannot overshoot. Those
 * who are members already are left as they are. False when the cap refused it.
 */
export async function insertMembersWithinCap(db: Database, chatId: string, userIds: readonly string[], now: number, max: number): Promise<boolean> {
  const readSeq = sql`(select ${chats.lastMessageSeq} from ${chats} where ${chats.id} = ${chatId})`;
  return insertWithinCap(
    db,
    chatMembers,
    userIds.map((userId) => ({ chatId, userId, role: "member" as const, readSeq, joinedAt: new Date(now) })),
    { count: sql`select count(*) from ${chatMembers} where ${chatMembers.chatId} = ${chatId}`, max },
    { onConflict: sql`on conflict do nothing` },
  );
}

/** The member who joined first among those left, excluding `userId`: the next owner of a group. */
const longestStandingMemberOtherThan = (chatIdColumn: SQL | SQLiteColumn, userId: string) =>
  sql`(SELECT m.user_id FROM ${chatMembers} m WHERE m.chat_id = ${chatIdColumn} AND m.user_id <> ${userId} ORDER BY m.joined_at, m.user_id LIMIT 1)`;

/**
 * Removes one member. When the owner goes, the group passes to the longest-standing member,
 * and closes when nobody is left.
 */
export async function removeMemberRecords(db: Database, chatId: string, userId: string, wasOwner: boolean, now: number): Promise<void> {
  const remove = db.delete(chatMembers).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
  // Their messages and reactions stay in the room: deleting or exporting the account must still find it.
  const remember = db
    .insert(chatFormerMembers)
    .values({ chatId, userId, leftAt: new Date(now) })
    .onConflictDoUpdate({ target: [chatFormerMembers.chatId, chatFormerMembers.userId], set: { leftAt: new Date(now) } });
  if (!wasOwner) {
    await db.batch([remove, remember]);
    return;
  }
  await db.batch([
    remove,
    remember,
    db
      .update(chats)
      .set({ ownerId: longestStandingMemberOtherThan(sql`${chatId}`, userId) })
      .where(eq(chats.id, chatId)),
    db
      .update(chatMembers)
      .set({ role: "owner" })
      .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, sql`(SELECT ${chats.ownerId} FROM ${chats} WHERE ${chats.id} = ${chatId})`))),
    db
      .update(chats)
      .set({ deletedAt: new Date(now) })
      .where(and(eq(chats.id, chatId), isNull(chats.ownerId))),
  ]);
}

/** Read positions only move forward; the mentions read go with them. */
const raiseReadSeq = (db: Database, chatId: string, userId: string, seq: number) =>
  [
    db
      .update(chatMembers)
      .set({ readSeq: sql`MAX(${chatMembers.readSeq}, ${seq})` })
      .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId))),
    db.delete(chatMentions).where(and(eq(chatMentions.chatId, chatId), eq(chatMentions.userId, userId), lte(chatMentions.seq, seq))),
  ] as const;

export async function raiseReadPosition(db: Database, chatId: string, userId: string, seq: number): Promise<void> {
  await db.batch(raiseReadSeq(db, chatId, userId, seq));
}

export interface ChatSummaryUpdate {
  chatId: string;
  last: LastMessage;
  /** Read positions to raise (senders have read their own messages). */
  reads: [userId: string, seq: number][];
  /** Members mentioned by messages stored since the last sync. */
  mentions: { seq: number; userId: string }[];
  /** Also read back the chat, its member count and its members' read positions (to notify them). */
  readBack: boolean;
}

/** A member as the chat-list sync reads them back: whether their hub is open, and what their list item says. */
export interface MemberReadBack {
  userId: string;
  readSeq: number;
  unreadMentions: number;
  /** A device of theirs has its hub socket open (`users.online_since`): only then can `chat.updated` reach them. */
  online: boolean;
}

/**
 * Brings the chat-list summary of a chat up to its room's newest message, in one batch. It only
 * moves forward: a sync that arrives late never overwrites a newer summary. The read back gives
 * the member count and the members; in the general chat (every account) only the members online,
 * the only ones a list update can reach: reading every account four times a second would not do.
 */
export async function syncChatSummary(
  db: Database,
  update: ChatSummaryUpdate,
): Promise<{ chat: ChatRecord | undefined; memberCount: number; members: MemberReadBack[] } | null> {
  const { chatId, last } = update;
  const summary = db
    .update(chats)
    .set({
      lastMessageSeq: last.seq,
      lastMessage: JSON.stringify(last),
      updatedAt: sql`MAX(${chats.updatedAt}, ${Date.parse(last.createdAt)})`,
    })
    .where(and(eq(chats.id, chatId), lte(chats.lastMessageSeq, last.seq)));
  // Mentions first: a sender's own read position, raised below, then drops any of their own.
  const mentions =
    update.mentions.length === 0
      ? []
      : [
          db
            .insert(chatMentions)
            .select(
              sql`SELECT ${chatId}, json_extract(value, '$.userId'), json_extract(value, '$.seq') FROM json_each(${JSON.stringify(update.mentions)})
                   WHERE EXISTS (SELECT 1 FROM ${chatMembers} WHERE ${chatMembers.chatId} = ${chatId} AND ${chatMembers.userId} = json_extract(value, '$.userId') AND ${chatMembers.readSeq} < json_extract(value, '$.seq'))`,
            )
            .onConflictDoNothing(),
        ];
  const reads = update.reads.flatMap(([userId, seq]) => raiseReadSeq(db, chatId, userId, seq));
  if (!update.readBack) {
    await db.batch([summary, ...mentions, ...reads]);
    return null;
  }
  const chatQuery = db.select().from(chats).where(eq(chats.id, chatId));
  const countQuery = db.select({ n: count() }).from(chatMembers).where(eq(chatMembers.chatId, chatId));
  const membersQuery = db
    .select({ userId: chatMembers.userId, readSeq: chatMembers.readSeq, unreadMentions: UNREAD_MENTIONS, online: sql<number>`${users.onlineSince} IS NOT NULL` })
    .from(chatMembers)
    .leftJoin(users, eq(users.id, chatMembers.userId))
    .where(and(eq(chatMembers.chatId, chatId), chatId === GENERAL_CHAT_ID ? isNotNull(users.onlineSince) : undefined))
    .orderBy(asc(chatMembers.joinedAt), asc(chatMembers.userId));
  const results = await db.batch([summary, ...mentions, ...reads, chatQuery, countQuery, membersQuery]);
  // The three reads come last, after a variable number of updates: typed from their queries.
  const chatRows = results[results.length - 3] as Awaited<typeof chatQuery>;
  const counted = results[results.length - 2] as Awaited<typeof countQuery>;
  const members = results[results.length - 1] as Awaited<typeof membersQuery>;
  return { chat: chatRows[0], memberCount: counted[0]?.n ?? 0, members: members.map((m) => ({ ...m, online: Boolean(m.online) })) };
}

/** The user's live chats with their role, in joining order (data export, account deletion). */
export async function listMembershipsOf(db: Database, userId: string) {
  return db
    .select({ chatId: chatMembers.chatId, type: chats.type, title: chats.title, role: chatMembers.role, joinedAt: chatMembers.joinedAt })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(and(eq(chatMembers.userId, userId), isNull(chats.deletedAt)))
    .orderBy(asc(chatMembers.joinedAt));
}

/** Chats the user left (or was removed from) that still exist and they have not rejoined: their messages are there. */
export async function listFormerMembershipsOf(db: Database, userId: string) {
  return db
    .select({ chatId: chatFormerMembers.chatId, type: chats.type, title: chats.title, leftAt: chatFormerMembers.leftAt })
    .from(chatFormerMembers)
    .innerJoin(chats, eq(chats.id, chatFormerMembers.chatId))
    .where(
      and(
        eq(chatFormerMembers.userId, userId),
        isNull(chats.deletedAt),
        notExists(
          db
            .select({ one: sql`1` })
            .from(chatMembers)
            .where(and(eq(chatMembers.chatId, chatFormerMembers.chatId), eq(chatMembers.userId, chatFormerMembers.userId))),
        ),
      ),
    )
    .orderBy(asc(chatFormerMembers.leftAt));
}

/**
 * Removes a user being deleted from every chat (`chatIds`: their memberships, read before):
 * groups they owned pass to the longest-standing member, or close when nobody is left.
 * Run in the account-deletion batch.
 */
export function forgetChatMemberQueries(db: Database, userId: string, chatIds: string[], now: number) {
  return [
    db
      .update(chats)
      .set({ ownerId: longestStandingMemberOtherThan(chats.id, userId) })
      .where(and(eq(chats.ownerId, userId), eq(chats.type, "group"))),
    db.delete(chatMembers).where(eq(chatMembers.userId, userId)),
    db.delete(chatFormerMembers).where(eq(chatFormerMembers.userId, userId)),
    db.delete(chatMentions).where(eq(chatMentions.userId, userId)),
    db
      .update(chatMembers)
      .set({ role: "owner" })
      .where(
        and(
          ne(chatMembers.role, "owner"),
          inJsonList(chatMembers.chatId, chatIds),
          eq(chatMembers.userId, sql`(SELECT ${chats.ownerId} FROM ${chats} WHERE ${chats.id} = ${chatMembers.chatId})`),
        ),
      ),
    db
      .update(chats)
      .set({ deletedAt: new Date(now) })
      .where(and(eq(chats.type, "group"), isNull(chats.ownerId), isNull(chats.deletedAt), inJsonList(chats.id, chatIds))),
  ] as const;
}

/**
 * The members (`other`, the user among them) of every live direct or group chat of `userId`
 * (`mine`): the FROM and WHERE of the queries of the people someone shares a chat with. The
 * general chat holds everyone, so it never counts.
 */
function chatPartners(userId: string): SQL {
  return sql`${chatMembers} mine
    CROSS JOIN ${chatMembers} other ON other.chat_id = mine.chat_id
    CROSS JOIN ${chats} c ON c.id = mine.chat_id
    WHERE mine.user_id = ${userId} AND c.type <> 'general' AND c.deleted_at IS NULL`;
}

/** Names and pictures of the users `ids` that exist (a deleted account has none). */
export async function findPeople(db: Database, ids: readonly string[]): Promise<PersonRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select(personColumns)
    .from(users)
    .where(inJsonList(users.id, [...new Set(ids)]));
}

export type PersonRecord = { id: string; displayName: string; avatarUrl: string | null };
const personColumns = { id: users.id, displayName: users.displayName, avatarUrl: users.avatarUrl };

/** The active user `id`'s name and picture. */
export async function findPerson(db: Database, id: string): Promise<PersonRecord | undefined> {
  return db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .get();
}

/**
 * One page of the directory of `viewerId`, by name (case-folded) then id, after `after`: the
 * active users who share a direct or group chat with the viewer, or with `everyone` every active
 * user; `match` (an FTS5 query over names) narrows it. The viewer is not in it.
 */
export async function listDirectoryPage(
  db: Database,
  viewerId: string,
  options: { everyone: boolean; match: string | null; after: { name: string; id: string } | null },
  limit: number,
): Promise<PersonRecord[]> {
  const shared = sql`${users.id} IN (SELECT other.user_id FROM ${chatPartners(viewerId)})`;
  const named = options.match ? sql`${users}.rowid IN (SELECT rowid FROM user_name_search WHERE user_name_search MATCH ${options.match})` : undefined;
  const folded = sql`${users.displayName} COLLATE NOCASE`;
  const after = options.after
    ? sql`(${folded} > ${options.after.name} OR (${folded} = ${options.after.name} AND ${users.id} > ${options.after.id}))`
    : undefined;
  return db
    .select(personColumns)
    .from(users)
    .where(and(isNull(users.disabledAt), ne(users.id, viewerId), options.everyone ? undefined : shared, named, after))
    .orderBy(folded, asc(users.id))
    .limit(limit);
}

/** Up to `limit` users who share a live direct or group chat with `userId`. */
export async function listChatPartnerIds(db: Database, userId: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql`SELECT DISTINCT other.user_id AS id FROM ${chatPartners(userId)} AND other.user_id <> ${userId} LIMIT ${limit}`,
  );
  return rows.map((row) => row.id);
}

/** A group's new title; the chat moves up the lists as any change does. */
export async function setChatTitle(db: Database, chatId: string, title: string, now: number): Promise<void> {
  await db
    .update(chats)
    .set({ title, updatedAt: new Date(now) })
    .where(and(eq(chats.id, chatId), eq(chats.type, "group")));
}

/** Whether the two users share a live direct or group chat. */
export async function sharesChat(db: Database, userId: string, otherId: string): Promise<boolean> {
  const row = await db.get<{ found: number }>(sql`SELECT 1 AS found FROM ${chatPartners(userId)} AND other.user_id = ${otherId} LIMIT 1`);
  return row !== undefined;
}

/**
 * Turns encryption on for a live plain chat, in one statement (`updatedAt` moves the chat up the
 * lists); false when it was on already or the chat is gone, so two callers never both turn it on.
 */
export async function markChatEncrypted(db: Database, chatId: string, now: number): Promise<boolean> {
  const rows = await db
    .update(chats)
    .set({ encrypted: true, encryptedAt: new Date(now), updatedAt: new Date(now) })
    .where(and(eq(chats.id, chatId), eq(chats.encrypted, false), isNull(chats.deletedAt)))
    .returning({ id: chats.id });
  return rows.length > 0;
}

/** Where a chat that turned encryption on starts being MLS-only (its first encrypted seq). */
export async function setEncryptedFromSeq(db: Database, chatId: string, seq: number): Promise<void> {
  await db.update(chats).set({ encryptedFromSeq: seq }).where(eq(chats.id, chatId));
}
