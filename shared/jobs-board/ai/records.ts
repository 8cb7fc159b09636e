import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { jobsAiTasks, vacancies } from "../../db/schema/jobs";

export type AiTaskRecord = typeof jobsAiTasks.$inferSelect;

export async function insertAiTask(db: Database, task: typeof jobsAiTasks.$inferInsert): Promise<void> {
  await db.insert(jobsAiTasks).values(task);
}

export async function findAiTask(db: Database, id: string): Promise<AiTaskRecord | undefined> {
  const [row] = await db.select().from(jobsAiTasks).where(eq(jobsAiTasks.id, id));
  return row;
}

/** Counts one more run of a pending task; the count after it, or null when the task is settled. */
export async function countAiAttempt(db: Database, id: string, now: Date): Promise<number | null> {
  const [row] = await db
    .update(jobsAiTasks)
    .set({ attempts: sql`${jobsAiTasks.attempts} + 1`, updatedAt: now })
    .where(and(eq(jobsAiTasks.id, id), eq(jobsAiTasks.status, "pending")))
    .returning({ attempts: jobsAiTasks.attempts });
  return row?.attempts ?? null;
}

export async function saveProviderTask(db: Database, id: string, providerTaskId: string, now: Date): Promise<void> {
  await db
    .update(jobsAiTasks)
    .set({ providerTaskId, updatedAt: now })
    .where(and(eq(jobsAiTasks.id, id), eq(jobsAiTasks.status, "pending")));
}

/**
 * Stores a validated answer. A vacancy draft's vacancy is created in the same batch, under the
 * task's own id, so a repeated run creates no second one.
 */
export async function completeAiTask(db: Database, id: string, result: string, vacancy: typeof vacancies.$inferInsert | null, now: Date): Promise<void> {
  const complete = db
    .update(jobsAiTasks)
    .set({ status: "completed", result, vacancyId: vacancy?.id ?? null, error: null, updatedAt: now })
    .where(and(eq(jobsAiTasks.id, id), eq(jobsAiTasks.status, "pending")));
  if (vacancy) await db.batch([db.insert(vacancies).values(vacancy).onConflictDoNothing(), complete]);
  else await complete;
}

export async function failAiTask(db: Database, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(jobsAiTasks)
    .set({ status: "failed", error: error.slice(0, 1000), updatedAt: now })
    .where(and(eq(jobsAiTasks.id, id), eq(jobsAiTasks.status, "pending")));
}

export function forgetAiTaskQueries(db: Database, userId: string) {
  return [db.delete(jobsAiTasks).where(eq(jobsAiTasks.userId, userId))];
}
