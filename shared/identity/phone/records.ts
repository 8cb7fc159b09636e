import { and, desc, eq, gt, isNull, lt, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { devSmsOutbox, phoneCodes, userPhones } from "../../db/schema/identity";

/** Every query of `user_phones`, `phone_codes` and `dev_sms_outbox`. */

export type PhoneCodePurpose = (typeof phoneCodes.$inferSelect)["purpose"];
export type UserPhoneRecord = typeof userPhones.$inferSelect;

export async function findUserPhone(db: Database, userId: string): Promise<UserPhoneRecord | undefined> {
  return db.select().from(userPhones).where(eq(userPhones.userId, userId)).get();
}

export async function findUserIdByPhone(db: Database, phone: string): Promise<string | undefined> {
  return (await db.select({ userId: userPhones.userId }).from(userPhones).where(eq(userPhones.phone, phone)).get())?.userId;
}

/** Sets (or replaces) the user's confirmed number; the unique index refuses a number another account holds. */
export function upsertUserPhoneQuery(db: Database, userId: string, phone: string, confirmedAt: Date) {
  return db.insert(userPhones).values({ userId, phone, confirmedAt }).onConflictDoUpdate({ target: userPhones.userId, set: { phone, confirmedAt } });
}

export function deleteUserPhoneQuery(db: Database, userId: string) {
  return db.delete(userPhones).where(eq(userPhones.userId, userId));
}

/** Cancels the user's unused codes of a purpose (a new code replaces them). */
export function deleteUnusedPhoneCodesQuery(db: Database, userId: string, purpose: PhoneCodePurpose) {
  return db.delete(phoneCodes).where(and(eq(phoneCodes.userId, userId), eq(phoneCodes.purpose, purpose), isNull(phoneCodes.usedAt)));
}

export function insertPhoneCodeQuery(db: Database, code: typeof phoneCodes.$inferInsert) {
  return db.insert(phoneCodes).values(code);
}

/**
 * One try at the user's live code of `purpose` for `phone`, decided in one statement: the try is
 * counted (`attempts + 1`) and the code spent when its hash matches, only while it is unspent,
 * unexpired and has tries left. Parallel guesses are serialised by D1, so at most `maxAttempts`
 * of them are ever compared. Returns whether this try spent the code.
 */
export async function tryPhoneCode(
  db: Database,
  target: { userId: string; purpose: PhoneCodePurpose; phone: string },
  codeHash: string,
  maxAttempts: number,
  now: Date,
): Promise<boolean> {
  const row = await db
    .update(phoneCodes)
    .set({ attempts: sql`${phoneCodes.attempts} + 1`, usedAt: sql`CASE WHEN ${phoneCodes.codeHash} = ${codeHash} THEN ${now.getTime()} ELSE NULL END` })
    .where(
      and(
        eq(phoneCodes.userId, target.userId),
        eq(phoneCodes.purpose, target.purpose),
        eq(phoneCodes.phone, target.phone),
        isNull(phoneCodes.usedAt),
        gt(phoneCodes.expiresAt, now),
        lt(phoneCodes.attempts, maxAttempts),
      ),
    )
    .returning({ usedAt: phoneCodes.usedAt })
    .get();
  return Boolean(row?.usedAt);
}

/** The number a live confirmation code went to (the pending number of the account settings). */
export async function findPendingPhone(db: Database, userId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .select({ phone: phoneCodes.phone })
    .from(phoneCodes)
    .where(and(eq(phoneCodes.userId, userId), eq(phoneCodes.purpose, "phone_confirm"), isNull(phoneCodes.usedAt), gt(phoneCodes.expiresAt, now)))
    .orderBy(desc(phoneCodes.createdAt))
    .get();
  return row?.phone;
}

export function deleteExpiredPhoneCodesQuery(db: Database, now: Date) {
  return db.delete(phoneCodes).where(lte(phoneCodes.expiresAt, now));
}

export async function insertDevSms(db: Database, entry: typeof devSmsOutbox.$inferInsert): Promise<void> {
  await db.insert(devSmsOutbox).values(entry).run();
}

export async function listDevSms(db: Database, to: string, limit: number) {
  return db.select().from(devSmsOutbox).where(eq(devSmsOutbox.to, to)).orderBy(desc(devSmsOutbox.createdAt), desc(devSmsOutbox.id)).limit(limit);
}

export function deleteDevSmsBeforeQuery(db: Database, before: Date) {
  return db.delete(devSmsOutbox).where(lte(devSmsOutbox.createdAt, before));
}
