import { and, asc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertWithinCap } from "../db/capped-insert";
import { type BatchQuery, type Database, runBatch } from "../db/client";
import { chatMembers, chats } from "../db/schema/chat";
import { sessions, users } from "../db/schema/identity";
import { chatNotificationSettings, notificationSettings, pushDeliveries, pushDevices } from "../db/schema/push";

/**
 * Every query of the push tables (`push_devices`, `push_deliveries`, `chat_notification_settings`,
 * `notification_settings`). Fan-out reads chat members, sessions and display names beside them.
 */

export type PushDeviceRecord = typeof pushDevices.$inferSelect;
export type DeliveryStatus = (typeof pushDeliveries.$inferSelect)["status"];
export type ChatNotificationRecord = typeof chatNotificationSettings.$inferSelect;
export type NotificationSettingsRecord = typeof notificationSettings.$inferSelect;

/** `column IN (the list)` bound as one JSON parameter (D1 allows at most 100 bound parameters). */
const inJsonList = (column: SQLiteColumn, values: readonly string[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

// devices

export async function findDeviceByAddress(db: Database, address: string): Promise<PushDeviceRecord | undefined> {
  return db.select().from(pushDevices).where(eq(pushDevices.address, address)).get();
}

/** Registers a device unless its user has `max` already (counted inside the insert); false when the cap refused it. */
export async function insertDeviceWithinCap(db: Database, device: typeof pushDevices.$inferInsert, max: number): Promise<boolean> {
  return insertWithinCap(db, pushDevices, [device], { count: sql`select count(*) from ${pushDevices} where ${pushDevices.userId} = ${device.userId}`, max });
}

/** The same address registered again by its user: it now belongs to the session that registered it last, with the keys it sent. */
export async function rebindDevice(
  db: Database,
  id: string,
  change: { sessionId: string; p256dh: string | null; auth: string | null },
): Promise<PushDeviceRecord | undefined> {
  return db
    .update(pushDevices)
    .set({ sessionId: change.sessionId, p256dh: change.p256dh, auth: change.auth, lastFailureAt: null, lastFailureReason: null })
    .where(eq(pushDevices.id, id))
    .returning()
    .get();
}

export async function listUserDevices(db: Database, userId: string): Promise<PushDeviceRecord[]> {
  return db.select().from(pushDevices).where(eq(pushDevices.userId, userId)).orderBy(asc(pushDevices.createdAt), asc(pushDevices.id));
}

export async function deleteUserDevice(db: Database, userId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(pushDevices)
    .where(and(eq(pushDevices.id, id), eq(pushDevices.userId, userId)))
    .returning({ id: pushDevices.id });
  return deleted.length > 0;
}

export async function deleteDeviceById(db: Database, id: string): Promise<void> {
  await db.delete(pushDevices).where(eq(pushDevices.id, id)).run();
}

/** Removes every device these (ended) sessions registered; returns how many. */
export async function deleteSessionDevices(db: Database, sessionIds: readonly string[]): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const deleted = await db.delete(pushDevices).where(inJsonList(pushDevices.sessionId, sessionIds)).returning({ id: pushDevices.id });
  return deleted.length;
}

export function deleteUserPushQueries(db: Database, userId: string) {
  return [db.delete(pushDevices).where(eq(pushDevices.userId, userId)), db.delete(pushDeliveries).where(eq(pushDeliveries.userId, userId))] as const;
}

/**
 * The devices of these users that may receive now: their session is live (not revoked, not
 * expired), so a session that ended stops its pushes even before its devices are deleted.
 */
export async function liveDevicesOf(db: Database, userIds: readonly string[], now: Date): Promise<PushDeviceRecord[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ device: pushDevices })
    .from(pushDevices)
    .innerJoin(sessions, eq(sessions.id, pushDevices.sessionId))
    .where(and(inJsonList(pushDevices.userId, userIds), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .then((rows) => rows.map((row) => row.device));
}

/** The device if it may still receive now (its session live). */
export async function findLiveDevice(db: Database, id: string, now: Date): Promise<PushDeviceRecord | undefined> {
  const row = await db
    .select({ device: pushDevices })
    .from(pushDevices)
    .innerJoin(sessions, eq(sessions.id, pushDevices.sessionId))
    .where(and(eq(pushDevices.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .get();
  return row?.device;
}

// deliveries

export interface DeliveryKey {
  eventId: string;
  deviceId: string;
}

/** Statements per D1 batch when claiming or settling a fan-out's deliveries. */
const BATCH = 50;

function claimQuery(db: Database, key: DeliveryKey & { userId: string }, attempt: number, now: Date, staleBefore: Date) {
  return db
    .insert(pushDeliveries)
    .values({ ...key, status: "sending", attempts: attempt, reason: null, claimedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [pushDeliveries.eventId, pushDeliveries.deviceId],
      set: { status: "sending", attempts: attempt, claimedAt: now, updatedAt: now },
      setWhere: or(
        and(eq(pushDeliveries.status, "retrying"), eq(pushDeliveries.attempts, attempt - 1)),
        and(eq(pushDeliveries.status, "sending"), lt(pushDeliveries.claimedAt, staleBefore)),
      ),
    })
    .returning({ eventId: pushDeliveries.eventId, deviceId: pushDeliveries.deviceId });
}

/**
 * Takes (event, device) deliveries for their `attempt`, in as few D1 batches as there are 50 of
 * them: a new row for a first attempt; for a later one, only a row waiting for exactly that
 * attempt (`retrying` after attempt - 1); and any attempt may take over a claim older than
 * `staleBefore` (a consumer that stopped mid-send). Returns which were taken; one not taken was
 * sent, given up, or is someone else's to send, so nothing is sent twice.
 */
export async function claimDeliveries(
  db: Database,
  claims: readonly { key: DeliveryKey & { userId: string }; attempt: number }[],
  now: Date,
  staleBefore: Date,
): Promise<boolean[]> {
  const taken: boolean[] = [];
  for (let from = 0; from < claims.length; from += BATCH) {
    const chunk = claims.slice(from, from + BATCH).map((claim) => claimQuery(db, claim.key, claim.attempt, now, staleBefore));
    const results = (await db.batch(chunk as [(typeof chunk)[number], ...(typeof chunk)[number][]])) as unknown[][];
    for (const rows of results) taken.push(rows.length > 0);
  }
  return taken;
}

export async function claimDelivery(db: Database, key: DeliveryKey & { userId: string }, attempt: number, now: Date, staleBefore: Date): Promise<boolean> {
  const [taken] = await claimDeliveries(db, [{ key, attempt }], now, staleBefore);
  return taken ?? false;
}

export function settleDeliveryQuery(db: Database, key: DeliveryKey, status: DeliveryStatus, reason: string | null, now: Date) {
  return db
    .update(pushDeliveries)
    .set({ status, reason, updatedAt: now })
    .where(and(eq(pushDeliveries.eventId, key.eventId), eq(pushDeliveries.deviceId, key.deviceId)));
}

export async function settleDelivery(db: Database, key: DeliveryKey, status: DeliveryStatus, reason: string | null, now: Date): Promise<void> {
  await settleDeliveryQuery(db, key, status, reason, now).run();
}

export function deviceSuccessQuery(db: Database, id: string, now: Date): BatchQuery {
  return db.update(pushDevices).set({ lastSuccessAt: now }).where(eq(pushDevices.id, id));
}

export function deviceFailureQuery(db: Database, id: string, reason: string, now: Date): BatchQuery {
  return db.update(pushDevices).set({ lastFailureAt: now, lastFailureReason: reason }).where(eq(pushDevices.id, id));
}

export function deleteDeviceQuery(db: Database, id: string): BatchQuery {
  return db.delete(pushDevices).where(eq(pushDevices.id, id));
}

/** Runs settle statements in batches of 50. */
export async function runInBatches(db: Database, queries: readonly BatchQuery[]): Promise<void> {
  for (let from = 0; from < queries.length; from += BATCH) await runBatch(db, queries.slice(from, from + BATCH));
}

export async function findDelivery(db: Database, eventId: string, deviceId: string) {
  return db
    .select()
    .from(pushDeliveries)
    .where(and(eq(pushDeliveries.eventId, eventId), eq(pushDeliveries.deviceId, deviceId)))
    .get();
}

export async function listUserDeliveries(db: Database, userId: string) {
  return db.select().from(pushDeliveries).where(eq(pushDeliveries.userId, userId)).orderBy(asc(pushDeliveries.updatedAt));
}

export async function deleteDeliveriesBefore(db: Database, before: Date): Promise<void> {
  await db.delete(pushDeliveries).where(lt(pushDeliveries.updatedAt, before)).run();
}

// fan-out

export interface ChatPushContext {
  chatType: "general" | "direct" | "group";
  chatTitle: string | null;
  senderName: string | null;
}

export async function chatPushContext(db: Database, chatId: string, senderId: string): Promise<ChatPushContext | undefined> {
  const chat = await db.select({ type: chats.type, title: chats.title, deletedAt: chats.deletedAt }).from(chats).where(eq(chats.id, chatId)).get();
  if (!chat || chat.deletedAt) return undefined;
  const sender = await db.select({ name: users.displayName }).from(users).where(eq(users.id, senderId)).get();
  return { chatType: chat.type, chatTitle: chat.title, senderName: sender?.name ?? null };
}

/** A member an event in their chat may reach, with what decides whether it does (see `hears`). */
export interface ChatListener {
  userId: string;
  displayName: string;
  settings: NotificationSettingsRecord | null;
  chat: { id: string; general: boolean; level: ChatNotificationRecord["level"] | null; mutedUntil: Date | null };
}

/**
 * Members of a chat an event in it may reach, each with what decides whether it does (their
 * chat setting and their notification settings): all but `except`, or only those of `only`,
 * with a push device when `withDevice`. In the general chat (every account) only the members who
 * turned its notifications on can hear anything, so only they are read.
 */
export async function chatListeners(
  db: Database,
  chatId: string,
  who: { general: boolean; except?: readonly string[]; only?: readonly string[]; withDevice: boolean },
): Promise<ChatListener[]> {
  const except = who.except ?? [];
  const rows = await db
    .select({
      userId: chatMembers.userId,
      displayName: users.displayName,
      level: chatNotificationSettings.level,
      mutedUntil: chatNotificationSettings.mutedUntil,
      settings: notificationSettings,
    })
    .from(chatMembers)
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .leftJoin(chatNotificationSettings, and(eq(chatNotificationSettings.chatId, chatMembers.chatId), eq(chatNotificationSettings.userId, chatMembers.userId)))
    .leftJoin(notificationSettings, eq(notificationSettings.userId, chatMembers.userId))
    .where(
      and(
        eq(chatMembers.chatId, chatId),
        except.length > 0 ? sql`${chatMembers.userId} NOT IN (SELECT value FROM json_each(${JSON.stringify(except)}))` : undefined,
        who.only ? sql`${chatMembers.userId} IN (SELECT value FROM json_each(${JSON.stringify(who.only)}))` : undefined,
        isNull(users.disabledAt),
        who.general ? inArray(chatNotificationSettings.level, ["all", "mentions"]) : undefined,
        who.withDevice ? sql`EXISTS (SELECT 1 FROM ${pushDevices} WHERE ${pushDevices.userId} = ${chatMembers.userId})` : undefined,
      ),
    );
  return rows.map((row) => ({
    userId: row.userId,
    displayName: row.displayName,
    settings: row.settings,
    chat: { id: chatId, general: who.general, level: row.level ?? null, mutedUntil: row.mutedUntil ?? null },
  }));
}

export async function userPushContext(db: Database, userId: string): Promise<{ displayName: string; settings: NotificationSettingsRecord | null } | undefined> {
  const row = await db
    .select({ displayName: users.displayName, settings: notificationSettings })
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(eq(users.id, userId))
    .get();
  return row ? { displayName: row.displayName, settings: row.settings } : undefined;
}

// settings

export async function findNotificationSettings(db: Database, userId: string): Promise<NotificationSettingsRecord | undefined> {
  return db.select().from(notificationSettings).where(eq(notificationSettings.userId, userId)).get();
}

export async function upsertNotificationSettings(db: Database, record: NotificationSettingsRecord): Promise<void> {
  const { userId: _, ...changes } = record;
  await db.insert(notificationSettings).values(record).onConflictDoUpdate({ target: notificationSettings.userId, set: changes }).run();
}

export async function findChatNotificationSetting(db: Database, chatId: string, userId: string): Promise<ChatNotificationRecord | undefined> {
  return db
    .select()
    .from(chatNotificationSettings)
    .where(and(eq(chatNotificationSettings.chatId, chatId), eq(chatNotificationSettings.userId, userId)))
    .get();
}

export async function upsertChatNotificationSetting(db: Database, record: ChatNotificationRecord): Promise<void> {
  await db
    .insert(chatNotificationSettings)
    .values(record)
    .onConflictDoUpdate({
      target: [chatNotificationSettings.chatId, chatNotificationSettings.userId],
      set: { level: record.level, mutedUntil: record.mutedUntil, updatedAt: record.updatedAt },
    })
    .run();
}

export async function listChatNotificationSettings(db: Database, userId: string): Promise<ChatNotificationRecord[]> {
  return db.select().from(chatNotificationSettings).where(eq(chatNotificationSettings.userId, userId));
}

/** Devices an event was sent to, or is being sent to (a stop-ringing push goes where the ring went). */
export async function listDeliveredDeviceIds(db: Database, eventId: string): Promise<string[]> {
  const rows = await db
    .select({ deviceId: pushDeliveries.deviceId })
    .from(pushDeliveries)
    .where(and(eq(pushDeliveries.eventId, eventId), inArray(pushDeliveries.status, ["sent", "sending", "retrying"])));
  return rows.map((row) => row.deviceId);
}

/** Deliveries of `eventId` waiting for a later attempt are closed with `reason` (a ring the call no longer needs). */
export async function cancelRetryingDeliveries(db: Database, eventId: string, reason: string, now: Date): Promise<void> {
  await db
    .update(pushDeliveries)
    .set({ status: "failed", reason, updatedAt: now })
    .where(and(eq(pushDeliveries.eventId, eventId), eq(pushDeliveries.status, "retrying")))
    .run();
}
