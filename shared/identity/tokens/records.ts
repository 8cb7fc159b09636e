import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import type { Database } from "../../db/client";
import { oneTimeTokens, realtimeTickets } from "../../db/schema/identity";

/** Every query of `one_time_tokens` and `realtime_tickets`. */

export type OneTimeTokenRecord = typeof oneTimeTokens.$inferSelect;
export type OneTimeTokenPurpose = OneTimeTokenRecord["purpose"];

/** Cancels the user's unused tokens of the given purposes. */
export function deleteUnusedOneTimeTokensQuery(db: Database, userId: string, purposes: OneTimeTokenPurpose[]) {
  return db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.userId, userId), inArray(oneTimeTokens.purpose, purposes), isNull(oneTimeTokens.usedAt)));
}

export function insertOneTimeTokenQuery(db: Database, token: typeof oneTimeTokens.$inferInsert) {
  return db.insert(oneTimeTokens).values(token);
}

const liveOneTimeToken = (tokenHash: string, purpose: OneTimeTokenPurpose, now: Date) =>
  and(eq(oneTimeTokens.tokenHash, tokenHash), eq(oneTimeTokens.purpose, purpose), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now));

export async function findLiveOneTimeToken(db: Database, tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | undefined> {
  return db
    .select()
    .from(oneTimeTokens)
    .where(liveOneTimeToken(tokenHash, purpose, now))
    .get();
}

/** Marks a live token used (compare-and-set) and returns it; undefined when it was not live. */
export async function spendOneTimeToken(db: Database, tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | undefined> {
  return db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(liveOneTimeToken(tokenHash, purpose, now))
    .returning()
    .get();
}

export function deleteExpiredOneTimeTokensQuery(db: Database, now: Date) {
  return db.delete(oneTimeTokens).where(lte(oneTimeTokens.expiresAt, now));
}

export async function insertRealtimeTicket(db: Database, ticket: typeof realtimeTickets.$inferInsert): Promise<void> {
  await db.insert(realtimeTickets).values(ticket).run();
}

/** Marks a live ticket used (compare-and-set) and returns whose it is; undefined when it was not live. */
export async function spendRealtimeTicket(db: Database, tokenHash: string, now: Date): Promise<{ userId: string; sessionId: string } | undefined> {
  return db
    .update(realtimeTickets)
    .set({ usedAt: now })
    .where(and(eq(realtimeTickets.tokenHash, tokenHash), isNull(realtimeTickets.usedAt), gt(realtimeTickets.expiresAt, now)))
    .returning({ userId: realtimeTickets.userId, sessionId: realtimeTickets.sessionId })
    .get();
}

export function deleteExpiredRealtimeTicketsQuery(db: Database, now: Date) {
  return db.delete(realtimeTickets).where(lte(realtimeTickets.expiresAt, now));
}
