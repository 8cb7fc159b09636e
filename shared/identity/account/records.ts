import { and, asc, eq, exists, inArray, isNotNull, isNull, ne, notExists, type SQLWrapper, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { knownCountries, knownDevices, users } from "../../db/schema/identity";

/** Every query of `users`, `known_devices` and `known_countries`. */

export type UserRecord = typeof users.$inferSelect;
export type NewUserRecord = typeof users.$inferInsert;
export type KnownDeviceRecord = typeof knownDevices.$inferSelect;

export async function findUserByNormalizedEmail(db: Database, emailNormalized: string): Promise<UserRecord | undefined> {
  return db.select().from(users).where(eq(users.emailNormalized, emailNormalized)).get();
}

export async function findUserRecord(db: Database, id: string): Promise<UserRecord | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function insertUserQuery(db: Database, user: NewUserRecord) {
  return db.insert(users).values(user);
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string | null;
  avatarUrl?: string | null;
  locale?: string | null;
  timezone?: string | null;
  presenceVisibility?: "chats" | "nobody";
}

export async function updateProfileRecord(db: Database, userId: string, changes: ProfileChanges, now: Date): Promise<UserRecord | undefined> {
  return db
    .update(users)
    .set({ ...changes, updatedAt: now })
    .where(eq(users.id, userId))
    .returning()
    .get();
}

export async function isEmailVerified(db: Database, userId: string): Promise<boolean> {
  const row = await db.select({ emailVerified: users.emailVerified }).from(users).where(eq(users.id, userId)).get();
  return row?.emailVerified ?? false;
}

export function markEmailVerifiedQuery(db: Database, userId: string, now: Date) {
  return db.update(users).set({ emailVerified: true, updatedAt: now }).where(eq(users.id, userId));
}

export async function findPasswordHash(db: Database, userId: string): Promise<string | undefined> {
  const row = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
  return row?.passwordHash;
}

/** A new password hash; `updatedAt` is left alone when only the hash parameters changed (a rehash at login). */
/** Makes the user an admin (the bootstrap admin's address signing in): one statement for a batch. */
export function makeAdminQuery(db: Database, userId: string, updatedAt: Date) {
  return db.update(users).set({ role: "admin", updatedAt }).where(eq(users.id, userId));
}

export function setPasswordHashQuery(db: Database, userId: string, passwordHash: string, updatedAt?: Date) {
  return db
    .update(users)
    .set(updatedAt ? { passwordHash, updatedAt } : { passwordHash })
    .where(eq(users.id, userId));
}

/** The D1 mirror of an address's failed-login streak, shown to admins. */
export function setLoginFailuresQuery(db: Database, userId: string, failures: number, lockedUntil: Date | null) {
  return db.update(users).set({ failedLoginCount: failures, lockedUntil }).where(eq(users.id, userId));
}

export function clearLoginFailuresQuery(db: Database, userId: string) {
  return setLoginFailuresQuery(db, userId, 0, null);
}

const otherAdmins = alias(users, "other_admins");

function otherActiveAdmins(db: Database, userId: string) {
  return db
    .select({ one: sql`1` })
    .from(otherAdmins)
    .where(and(eq(otherAdmins.role, "admin"), isNull(otherAdmins.disabledAt), ne(otherAdmins.id, userId)));
}

/** A condition: some active admin other than `userId` exists. */
export function anotherActiveAdminExists(db: Database, userId: string) {
  return exists(otherActiveAdmins(db, userId));
}

/** True when `userId` is an admin and no other active admin exists. */
export async function isLastActiveAdmin(db: Database, userId: string): Promise<boolean> {
  const row = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.role, "admin"), notExists(otherActiveAdmins(db, userId))))
    .get();
  return row !== undefined;
}

export function deleteUserQuery(db: Database, userId: string) {
  return db.delete(users).where(eq(users.id, userId));
}

/**
 * Remembers a device sign-in, as one batch: refresh a known device, or insert a new one, and
 * count the user's devices. The insert returns a row only when the device is new.
 */
export function rememberDeviceQueries(db: Database, userId: string, deviceHash: string, now: Date) {
  return [
    db
      .update(knownDevices)
      .set({ lastSeenAt: now })
      .where(and(eq(knownDevices.userId, userId), eq(knownDevices.deviceHash, deviceHash))),
    db.insert(knownDevices).values({ userId, deviceHash, firstSeenAt: now, lastSeenAt: now }).onConflictDoNothing().returning({ userId: knownDevices.userId }),
    db.select({ n: sql<number>`COUNT(*)` }).from(knownDevices).where(eq(knownDevices.userId, userId)),
  ] as const;
}

/** Records a sign-in's country, as one batch: whether it was new for the user, and how many the user has now. */
export function rememberCountryQueries(db: Database, userId: string, country: string, now: Date) {
  return [
    db.insert(knownCountries).values({ userId, country, firstSeenAt: now }).onConflictDoNothing().returning({ userId: knownCountries.userId }),
    db.select({ n: sql<number>`COUNT(*)` }).from(knownCountries).where(eq(knownCountries.userId, userId)),
  ] as const;
}

export async function listKnownCountries(db: Database, userId: string) {
  return db.select().from(knownCountries).where(eq(knownCountries.userId, userId)).orderBy(asc(knownCountries.firstSeenAt));
}

export async function listKnownDevices(db: Database, userId: string): Promise<KnownDeviceRecord[]> {
  return db.select().from(knownDevices).where(eq(knownDevices.userId, userId)).orderBy(asc(knownDevices.firstSeenAt));
}

/** The picture shown for the user (media sets it when one of the user's files becomes the avatar). */
export function setAvatarUrlQuery(db: Database, userId: string, avatarUrl: string, at: Date) {
  return db.update(users).set({ avatarUrl, updatedAt: at }).where(eq(users.id, userId));
}

/** The users `userIds` (a subquery) show no picture: their avatar file is being deleted. */
export function clearAvatarUrlsQuery(db: Database, userIds: SQLWrapper) {
  return db.update(users).set({ avatarUrl: null }).where(inArray(users.id, userIds));
}

/** The user's last socket closed now (presence). */
/** The user's last hub socket closed at `at`: last seen then, online no longer. */
export async function setLastSeen(db: Database, userId: string, at: Date): Promise<void> {
  await db.update(users).set({ lastSeenAt: at, onlineSince: null }).where(eq(users.id, userId));
}

/** A hub socket of the user is open (since `since`). */
export async function setOnlineSince(db: Database, userId: string, since: Date): Promise<void> {
  await db.update(users).set({ onlineSince: since }).where(eq(users.id, userId));
}

/** The user's hub found no socket open while the flag may say otherwise (its sockets went without a close event): not online. */
export async function clearOnline(db: Database, userId: string): Promise<void> {
  await db.update(users).set({ onlineSince: null }).where(and(eq(users.id, userId), isNotNull(users.onlineSince)));
}

/** What presence needs of a user: when they were last seen and who may see it. */
export async function findPresenceRecord(
  db: Database,
  userId: string,
): Promise<{ lastSeenAt: Date | null; presenceVisibility: "chats" | "nobody" } | undefined> {
  return db
    .select({ lastSeenAt: users.lastSeenAt, presenceVisibility: users.presenceVisibility })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .get();
}
