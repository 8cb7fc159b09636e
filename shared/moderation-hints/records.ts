import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type HINT_SUBJECTS, moderationHints } from "../db/schema";

export type HintSubject = (typeof HINT_SUBJECTS)[number];
export type HintRecord = typeof moderationHints.$inferSelect;

const subject = (kind: HintSubject, id: string) => and(eq(moderationHints.subjectKind, kind), eq(moderationHints.subjectId, id));

/** Stores a pending hint; false when the item has one already (a repeated upload event asks once). */
export async function insertHint(db: Database, hint: typeof moderationHints.$inferInsert): Promise<boolean> {
  const rows = await db.insert(moderationHints).values(hint).onConflictDoNothing().returning({ id: moderationHints.subjectId });
  return rows.length > 0;
}

export async function findHint(db: Database, kind: HintSubject, id: string): Promise<HintRecord | undefined> {
  const [row] = await db.select().from(moderationHints).where(subject(kind, id));
  return row;
}

export async function findHints(db: Database, kind: HintSubject, ids: readonly string[]): Promise<HintRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(moderationHints)
    .where(and(eq(moderationHints.subjectKind, kind), inArray(moderationHints.subjectId, [...ids])));
}

/** Counts one more run of a pending hint; the count after it, or null when it is settled. */
export async function countHintAttempt(db: Database, kind: HintSubject, id: string, now: Date): Promise<number | null> {
  const [row] = await db
    .update(moderationHints)
    .set({ attempts: sql`${moderationHints.attempts} + 1`, updatedAt: now })
    .where(and(subject(kind, id), eq(moderationHints.status, "pending")))
    .returning({ attempts: moderationHints.attempts });
  return row?.attempts ?? null;
}

export async function saveHintProviderTask(db: Database, kind: HintSubject, id: string, providerTaskId: string, now: Date): Promise<void> {
  await db
    .update(moderationHints)
    .set({ providerTaskId, updatedAt: now })
    .where(and(subject(kind, id), eq(moderationHints.status, "pending")));
}

export async function completeHint(db: Database, kind: HintSubject, id: string, labels: string, reason: string, now: Date): Promise<void> {
  await db
    .update(moderationHints)
    .set({ status: "completed", labels, reason, error: null, updatedAt: now })
    .where(and(subject(kind, id), eq(moderationHints.status, "pending")));
}

export async function failHint(db: Database, kind: HintSubject, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(moderationHints)
    .set({ status: "failed", error: error.slice(0, 1000), updatedAt: now })
    .where(and(subject(kind, id), eq(moderationHints.status, "pending")));
}

export function forgetHintQueries(db: Database, ownerId: string) {
  return [db.delete(moderationHints).where(eq(moderationHints.ownerId, ownerId))];
}
