import { and, asc, count, eq, lte, sql } from "drizzle-orm";
import { insertWithinCap } from "../../db/capped-insert";
import type { Database } from "../../db/client";
import { passkeyChallenges, passkeys } from "../../db/schema/identity";

/** Every query of `passkeys` and `passkey_challenges`. */

export type PasskeyRecord = typeof passkeys.$inferSelect;
export type PasskeyChallengeRecord = typeof passkeyChallenges.$inferSelect;
export type PasskeyPurpose = PasskeyChallengeRecord["purpose"];

export async function insertPasskeyChallenge(db: Database, challenge: typeof passkeyChallenges.$inferInsert): Promise<void> {
  await db.insert(passkeyChallenges).values(challenge).run();
}

/**
 * Deletes the challenge and returns it, whether live or expired: of two verifications racing for
 * one challenge exactly one gets the row, and an expired one is gone after its first use too.
 */
export async function takePasskeyChallenge(db: Database, challenge: string): Promise<PasskeyChallengeRecord | undefined> {
  return db.delete(passkeyChallenges).where(eq(passkeyChallenges.challenge, challenge)).returning().get();
}

export function deleteExpiredPasskeyChallengesQuery(db: Database, now: Date) {
  return db.delete(passkeyChallenges).where(lte(passkeyChallenges.expiresAt, now));
}

/**
 * Stores a passkey unless its user holds `max` already, counted inside the insert so parallel
 * registrations cannot overshoot: the stored row, `"exists"` when the credential is registered
 * already, or `"full"` when the cap refused it.
 */
export async function insertPasskeyWithinCap(db: Database, passkey: typeof passkeys.$inferInsert, max: number): Promise<PasskeyRecord | "exists" | "full"> {
  const inserted = await insertWithinCap(
    db,
    passkeys,
    [passkey],
    { count: sql`select count(*) from ${passkeys} where ${passkeys.userId} = ${passkey.userId}`, max },
    { onConflict: sql`on conflict (${sql.identifier(passkeys.credentialId.name)}) do nothing` },
  );
  const stored = await findPasskeyByCredentialId(db, passkey.credentialId);
  if (inserted && stored) return stored;
  return stored ? "exists" : "full";
}

export async function findPasskeyByCredentialId(db: Database, credentialId: string): Promise<PasskeyRecord | undefined> {
  return db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId)).get();
}

export async function listPasskeyRecords(db: Database, userId: string): Promise<PasskeyRecord[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id)).all();
}

export async function countPasskeys(db: Database, userId: string): Promise<number> {
  const row = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId)).get();
  return row?.n ?? 0;
}

export async function renamePasskeyRecord(db: Database, userId: string, id: string, name: string): Promise<PasskeyRecord | undefined> {
  return db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning()
    .get();
}

export async function deletePasskeyRecord(db: Database, userId: string, id: string): Promise<PasskeyRecord | undefined> {
  return db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning()
    .get();
}

/**
 * Stores an accepted assertion's counter if the stored one is still `from` (compare-and-set):
 * false when another sign-in moved it meanwhile, which is a concurrent use of the credential.
 */
export async function advancePasskeyCounter(db: Database, id: string, from: number, to: number, now: Date): Promise<boolean> {
  const row = await db
    .update(passkeys)
    .set({ counter: to, lastUsedAt: now })
    .where(and(eq(passkeys.id, id), eq(passkeys.counter, from)))
    .returning({ id: passkeys.id })
    .get();
  return row !== undefined;
}
