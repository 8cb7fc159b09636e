import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { jobSavedSearches } from "../../db/schema/jobs";

export type SavedSearchRecord = typeof jobSavedSearches.$inferSelect;

/**
 * Saves a search unless the user has `max` already: the count is read inside the INSERT, so
 * parallel saves cannot overshoot. False when the limit refused it.
 */
export async function insertSavedSearchWithinLimit(db: Database, record: SavedSearchRecord, max: number): Promise<boolean> {
  const result = await db.run(sql`insert into job_saved_searches (id, user_id, name, query, search, digested_at, created_at)
    select ${record.id}, ${record.userId}, ${record.name}, ${record.query}, ${record.search}, ${record.digestedAt.getTime()}, ${record.createdAt.getTime()}
    where (select count(*) from job_saved_searches where user_id = ${record.userId}) < ${max}`);
  return (result.meta?.changes ?? 0) > 0;
}

export async function listSavedSearches(db: Database, userId: string): Promise<SavedSearchRecord[]> {
  return db.select().from(jobSavedSearches).where(eq(jobSavedSearches.userId, userId)).orderBy(desc(jobSavedSearches.id));
}

export async function deleteSavedSearch(db: Database, id: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(jobSavedSearches)
    .where(and(eq(jobSavedSearches.id, id), eq(jobSavedSearches.userId, userId)))
    .returning({ id: jobSavedSearches.id });
  return rows.length > 0;
}

/** The next `limit` saved-search ids after `after` (the cron's walk, by primary key). */
export async function listSavedSearchIds(db: Database, after: string | undefined, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: jobSavedSearches.id })
    .from(jobSavedSearches)
    .where(after ? gt(jobSavedSearches.id, after) : undefined)
    .orderBy(asc(jobSavedSearches.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function findSavedSearch(db: Database, id: string): Promise<SavedSearchRecord | undefined> {
  const [row] = await db.select().from(jobSavedSearches).where(eq(jobSavedSearches.id, id));
  return row;
}

/**
 * Moves the digest mark from `from` to `to`, only if it is still `from`: a redelivered digest job
 * finds it moved and sends nothing twice.
 */
export async function claimDigest(db: Database, id: string, from: Date, to: Date): Promise<boolean> {
  const rows = await db
    .update(jobSavedSearches)
    .set({ digestedAt: to })
    .where(and(eq(jobSavedSearches.id, id), eq(jobSavedSearches.digestedAt, from)))
    .returning({ id: jobSavedSearches.id });
  return rows.length > 0;
}

export function forgetSavedSearchQueries(db: Database, userId: string) {
  return [db.delete(jobSavedSearches).where(eq(jobSavedSearches.userId, userId))];
}
