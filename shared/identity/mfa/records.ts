import { and, count, eq, isNotNull, isNull, lt, notExists, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { backupCodes, totpCredentials } from "../../db/schema/identity";

/** Every query of `totp_credentials` and `backup_codes`. */

export type TotpCredentialRecord = typeof totpCredentials.$inferSelect;

export async function findTotpCredential(db: Database, userId: string): Promise<TotpCredentialRecord | undefined> {
  return db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).get();
}

export async function findEnabledTotpCredential(db: Database, userId: string): Promise<TotpCredentialRecord | undefined> {
  return db
    .select()
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt)))
    .get();
}

/** Stores a not yet enabled secret, replacing an earlier pending one; an enabled credential is left as it is. */
export async function savePendingTotpSecret(db: Database, userId: string, secret: string, now: Date): Promise<void> {
  await db
    .insert(totpCredentials)
    .values({ userId, secret, enabledAt: null, lastUsedStep: 0, createdAt: now })
    .onConflictDoUpdate({
      target: totpCredentials.userId,
      set: { secret, lastUsedStep: 0, createdAt: now },
      setWhere: isNull(totpCredentials.enabledAt),
    })
    .run();
}

/**
 * Moves `last_used_step` up to `step` (compare-and-set) if the credential still has `secret`
 * and the wanted enabled state; false when another request already used this step or a later one.
 */
export async function advanceTotpStep(db: Database, userId: string, secret: string, step: number, enabled: boolean): Promise<boolean> {
  const row = await db
    .update(totpCredentials)
    .set({ lastUsedStep: step })
    .where(
      and(
        eq(totpCredentials.userId, userId),
        lt(totpCredentials.lastUsedStep, step),
        eq(totpCredentials.secret, secret),
        enabled ? isNotNull(totpCredentials.enabledAt) : isNull(totpCredentials.enabledAt),
      ),
    )
    .returning({ userId: totpCredentials.userId })
    .get();
  return row !== undefined;
}

/** Turns TOTP on and replaces the backup codes, as one batch. */
export function enableTotpQueries(db: Database, userId: string, codeHashes: { id: string; codeHash: string }[], now: Date) {
  return [
    db
      .update(totpCredentials)
      .set({ enabledAt: now })
      .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.enabledAt))),
    db.delete(backupCodes).where(eq(backupCodes.userId, userId)),
    db.insert(backupCodes).values(codeHashes.map((code) => ({ ...code, userId, createdAt: now }))),
  ] as const;
}

/** Turns TOTP off, as one batch; the first result holds the credential removed (none when 2FA was off). */
export function disableTotpQueries(db: Database, userId: string) {
  return [
    db
      .delete(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt)))
      .returning({ userId: totpCredentials.userId }),
    db
      .delete(backupCodes)
      .where(and(eq(backupCodes.userId, userId), notExists(db.select({ one: sql`1` }).from(totpCredentials).where(eq(totpCredentials.userId, userId))))),
  ] as const;
}

/** Spends an unused backup code; false when there is none with this hash. */
export async function spendBackupCode(db: Database, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const row = await db
    .update(backupCodes)
    .set({ usedAt: now })
    .where(and(eq(backupCodes.userId, userId), eq(backupCodes.codeHash, codeHash), isNull(backupCodes.usedAt)))
    .returning({ id: backupCodes.id })
    .get();
  return row !== undefined;
}

export async function countUnusedBackupCodes(db: Database, userId: string): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)))
    .get();
  return row?.n ?? 0;
}
