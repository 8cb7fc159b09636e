import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import type { Env } from "../../shared/env";
import { runAiTask } from "../../shared/jobs/ai/ai-tasks";
import { sweepMemberlessCompanies } from "../../shared/jobs/companies/succession";
import { deleteProfileViewsBefore } from "../../shared/jobs/profiles/records";
import { publishDueVacancies } from "../../shared/jobs/vacancies/vacancies";
import { logEvent } from "../../shared/observability/log";
import type { JobHandler } from "./queue";

/** Every minute: scheduled vacancies whose `publishAt` has come are published. */
export async function publishScheduledVacanciesTask(env: Env, _scheduledTime: number): Promise<void> {
  const published = await publishDueVacancies(createDatabase(env.DB), clock.date());
  if (published > 0) logEvent("info", "scheduled vacancies published", { published });
}

/** Daily: profile view rows older than yesterday guard nothing any more (a view counts once per day). */
export async function profileViewsCleanupTask(env: Env, _scheduledTime: number): Promise<void> {
  const yesterday = new Date(clock.now() - 86_400_000).toISOString().slice(0, 10);
  await deleteProfileViewsBefore(createDatabase(env.DB), yesterday);
}

/** Daily: companies an account deletion left without members are closed down (shared/jobs/companies/succession.ts). */
export async function memberlessCompaniesSweepTask(env: Env, _scheduledTime: number): Promise<void> {
  const closed = await sweepMemberlessCompanies(env);
  if (closed > 0) logEvent("warn", "memberless companies closed down", { closed });
}

/** A vacancy draft or a profile analysis, through the studio's provider layer (shared/jobs/ai). */
export const jobsAiJob: JobHandler<"jobs.ai"> = (message, env) => runAiTask(env, message.taskId);
