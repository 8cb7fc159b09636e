import { and, count, desc, eq, gt, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inviteCodes, sessions, totpCredentials, users } from "../../db/schema/identity";
import { anotherActiveAdminExists, type UserRecord } from "../account/records";

/** Every admin query of `users` and every query of `invite_codes`. */

export type InviteRecord = typeof inviteCodes.$inferSelect;
export type Role = UserRecord["role"];

export interface UserListFilter {
  q?: string;
  role?: Role;
  disabled?: boolean;
}

const userListColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  emailVerified: users.emailVerified,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

export type UserListRecord = Pick<UserRecord, keyof typeof userListColumns>;

/** Users newest first, `limit` rows after the keyset `after`; `q` is a case-insensitive substring of e-mail or name. */
export async function listUserRecords(db: Database, filter: UserListFilter, after: { t: number; id: string } | null, limit: number): Promise<UserListRecord[]> {
  const where: SQL[] = [];
  if (filter.q) {
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // drizzle's like() has no ESCAPE clause
    where.push(sql`(${users.emailNormalized} LIKE ${pattern} ESCAPE '\\' OR lower(${users.displayName}) LIKE ${pattern} ESCAPE '\\')`);
  }
  if (filter.role) where.push(eq(users.role, filter.role));
  if (filter.disabled !== undefined) where.push(filter.disabled ? isNotNull(users.disabledAt) : isNull(users.disabledAt));
  if (after) {
    const at = new Date(after.t);
    where.push(or(lt(users.createdAt, at), and(eq(users.createdAt, at), lt(users.id, after.id)))!);
  }
  return db
    .select(userListColumns)
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(limit);
}

export async function userSecurityCounts(db: Database, userId: string, now: Date): Promise<{ totpEnabled: boolean; activeSessions: number }> {
  const [totp, active] = await db.batch([
    db
      .select({ n: count() })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt))),
    db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now))),
  ]);
  return { totpEnabled: (totp[0]?.n ?? 0) > 0, activeSessions: active[0]?.n ?? 0 };
}

/** Changes the role unless that would demote the last active admin; false when refused. */
export async function setRoleUnlessLastAdmin(db: Database, userId: string, role: Role, now: Date): Promise<boolean> {
  const row = await db
    .update(users)
    .set({ role, updatedAt: now })
    .where(and(eq(users.id, userId), or(sql`${users.role} != 'admin'`, anotherActiveAdminExists(db, userId))))
    .returning({ id: users.id })
    .get();
  return row !== undefined;
}

export function disableUserQuery(db: Database, userId: string, now: Date) {
  return db
    .update(users)
    .set({ disabledAt: sql`COALESCE(${users.disabledAt}, ${now.getTime()})`, updatedAt: now })
    .where(eq(users.id, userId));
}

export function enableUserQuery(db: Database, userId: string, now: Date) {
  return db.update(users).set({ disabledAt: null, updatedAt: now }).where(eq(users.id, userId));
}

export function insertInviteQuery(db: Database, invite: typeof inviteCodes.$inferInsert) {
  return db.insert(inviteCodes).values(invite);
}

/** One page of invites, newest first: every one, or those `createdBy` made. */
export async function listInviteRecords(db: Database, after: { t: number; code: string } | null, limit: number, createdBy?: string): Promise<InviteRecord[]> {
  const at = after ? new Date(after.t) : null;
  return db
    .select()
    .from(inviteCodes)
    .where(
      and(
        createdBy === undefined ? undefined : eq(inviteCodes.createdBy, createdBy),
        after && at ? or(lt(inviteCodes.createdAt, at), and(eq(inviteCodes.createdAt, at), lt(inviteCodes.code, after.code))) : undefined,
      ),
    )
    .orderBy(desc(inviteCodes.createdAt), desc(inviteCodes.code))
    .limit(limit);
}

/** Revokes a live invite; false when it does not exist or was already revoked. */
export async function revokeInviteRecord(db: Database, code: string, now: Date): Promise<boolean> {
  const row = await db
    .update(inviteCodes)
    .set({ revokedAt: now })
    .where(and(eq(inviteCodes.code, code), isNull(inviteCodes.revokedAt)))
    .returning({ code: inviteCodes.code })
    .get();
  return row !== undefined;
}

export async function inviteExists(db: Database, code: string): Promise<boolean> {
  return (await db.select({ code: inviteCodes.code }).from(inviteCodes).where(eq(inviteCodes.code, code)).get()) !== undefined;
}

/** Takes one use of a usable invite (compare-and-set); false when the code is invalid, expired or used up. */
export async function takeInviteUse(db: Database, code: string, now: Date): Promise<boolean> {
  const row = await db
    .update(inviteCodes)
    .set({ uses: sql`${inviteCodes.uses} + 1` })
    .where(
      and(
        eq(inviteCodes.code, code),
        isNull(inviteCodes.revokedAt),
        lt(inviteCodes.uses, inviteCodes.maxUses),
        or(isNull(inviteCodes.expiresAt), gt(inviteCodes.expiresAt, now)),
      ),
    )
    .returning({ code: inviteCodes.code })
    .get();
  return row !== undefined;
}

export async function giveInviteUseBack(db: Database, code: string): Promise<void> {
  await db
    .update(inviteCodes)
    .set({ uses: sql`${inviteCodes.uses} - 1` })
    .where(and(eq(inviteCodes.code, code), gt(inviteCodes.uses, 0)))
    .run();
}

export async function listInvitesCreatedBy(db: Database, userId: string): Promise<InviteRecord[]> {
  return db.select().from(inviteCodes).where(eq(inviteCodes.createdBy, userId)).orderBy(inviteCodes.createdAt);
}

/** Invites outlive their creator; only the link to them goes. */
export function unlinkInvitesCreatedByQuery(db: Database, userId: string) {
  return db.update(inviteCodes).set({ createdBy: null }).where(eq(inviteCodes.createdBy, userId));
}

/** The invite if `createdBy` made it. */
export async function findInviteBy(db: Database, code: string, createdBy: string): Promise<InviteRecord | undefined> {
  return db
    .select()
    .from(inviteCodes)
    .where(and(eq(inviteCodes.code, code), eq(inviteCodes.createdBy, createdBy)))
    .get();
}
