import { runAiTask } from "../../shared/jobs-board/ai/ai-tasks";
import { sweepMemberlessCompanies } from "../../shared/jobs-board/companies/succession";
import { PROFILE_VIEWERS_KEPT_DAYS } from "../../shared/jobs-board/profiles/profiles";
import { deleteProfileViewsBefore } from "../../shared/jobs-board/profiles/records";
import { queueDigests, runDigests } from "../../shared/jobs-board/saved-searches/saved-searches";
import { publishDueVacancies } from "../../shared/jobs-board/vacancies/vacancies";
import type { Deps } from "../../shared/platform/deps-types";
import type { JobHandler } from "./queue";

/** Every minute: scheduled vacancies whose `publishAt` has come are published. */
export async function publishScheduledVacanciesTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const published = await publishDueVacancies(deps);
  if (published > 0) deps.log("info", "scheduled vacancies published", { published });
}

/** Daily: profile view rows past PROFILE_VIEWERS_KEPT_DAYS go (they count a view once per day and show the owner who viewed). */
export async function profileViewsCleanupTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const oldest = new Date(deps.clock.now() - PROFILE_VIEWERS_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10);
  await deleteProfileViewsBefore(deps.db, oldest);
}

/** Daily: companies an account deletion left without members are closed down (shared/jobs-board/companies/succession.ts). */
export async function memberlessCompaniesSweepTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const closed = await sweepMemberlessCompanies(deps);
  if (closed > 0) deps.log("warn", "memberless companies closed down", { closed });
}

/** A vacancy draft or a profile analysis, through the studio's provider layer (shared/jobs-board/ai). */
export const jobsAiJob: JobHandler<"jobs.ai"> = (message, deps) => runAiTask(deps, message.taskId);

/** Daily: every saved search is queued for its digest, DIGEST_BATCH searches a job (shared/jobs-board/saved-searches). */
export async function savedSearchDigestTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const queued = await queueDigests(deps);
  if (queued > 0) deps.log("info", "saved-search digests queued", { queued });
}

/** A batch of saved searches: each runs once and its owner gets an e-mail of the vacancies new since the last digest. */
export const jobsDigestJob: JobHandler<"jobs.digest"> = async (message, deps) => {
  await runDigests(deps, message.savedSearchIds);
};
