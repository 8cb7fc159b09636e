import { and, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type HINT_SUBJECTS, moderationHints } from "../db/schema/moderation-hints";

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

/**
 * A completed or failed hint marked kept by a moderator (the item stays; the hint was wrong). The
 * row after, or undefined when it was not completed or failed (pending, kept already, or gone).
 */
export async function keepHint(db: Database, kind: HintSubject, id: string, now: Date): Promise<HintRecord | undefined> {
  const [row] = await db
    .update(moderationHints)
    .set({ status: "kept", updatedAt: now })
    .where(and(subject(kind, id), inArray(moderationHints.status, ["completed", "failed"])))
    .returning();
  return row;
}

/**
 * Whether the item (a column or value holding its id) has an open hint: completed, its strongest
 * label other than `ok`, and not kept by a moderator. For a module's list of items to look over.
 */
export function hasOpenHint(kind: HintSubject, itemId: SQLWrapper): SQL {
  return sql`EXISTS (SELECT 1 FROM ${moderationHints} WHERE ${moderationHints.subjectKind} = ${kind} AND ${moderationHints.subjectId} = ${itemId} AND ${moderationHints.status} = 'completed' AND json_extract(${moderationHints.labels}, '$[0].label') <> 'ok')`;
}

export function forgetHintQueries(db: Database, ownerId: string) {
  return [db.delete(moderationHints).where(eq(moderationHints.ownerId, ownerId))];
}
