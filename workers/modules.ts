import { callsAccount } from "../shared/calls/account";
import { chatAccount } from "../shared/chat/account";
import { mediaAccount } from "../shared/media/account";
import { studioAccount } from "../shared/studio/account";
import { jobsAccount } from "../shared/jobs/account";
import type { AccountModule } from "../shared/identity/account/account-module";
import { identityCleanupTask } from "./jobs/identity-cleanup";
import { mediaCleanupTask } from "./jobs/media-cleanup";
import { passwordForgotJob } from "./jobs/password-forgot";
import type { DeadLetterHandlers, JobHandlers } from "./jobs/queue";
import type { CronTasks } from "./jobs/scheduled";
import { sendEmailJob } from "./jobs/send-email";
import { studioRetentionTask } from "./jobs/studio-retention";
// video
import { videoAccount } from "../shared/video/account";
import { videoCheckJob } from "./jobs/video-check";
import { videoHousekeepingTask } from "./jobs/video-housekeeping";
import { jobsAiJob, memberlessCompaniesSweepTask, profileViewsCleanupTask, publishScheduledVacanciesTask } from "./jobs/jobs-board";
import { studioGenerationDeadLetter, studioGenerationJob, studioGenerationSweepTask } from "./jobs/studio-generation";

// The one place where the platform's modules are put together. A new module adds its entries
// here; nothing takes part by being imported for its side effects.

/** What each module does when an account is registered, exported or deleted, run in this order. */
export const accountModules: readonly AccountModule[] = [
  chatAccount,
  callsAccount,
  mediaAccount,
  // studio library
  studioAccount,
  // video
  videoAccount,
  // jobs board
  jobsAccount,
];

/** The JOBS queue consumer's handler for every job kind. */
export const jobHandlers: JobHandlers = {
  noop: async () => {},
  "email.send": sendEmailJob,
  "password.forgot": passwordForgotJob,
  "video.check": videoCheckJob,
  // jobs board
  "jobs.ai": jobsAiJob,
  // studio generation
  "studio.generation": studioGenerationJob,
};

/** What the dead-letter consumer does, besides recording it, when a job of these kinds gave up. */
export const deadLetterHandlers: DeadLetterHandlers = {
  // studio generation
  "studio.generation": studioGenerationDeadLetter,
};

/** Cron tasks by schedule; the expressions are the `crons` of wrangler.toml's [triggers]. */
export const cronTasks: CronTasks = {
  "17 3 * * *": [identityCleanupTask, profileViewsCleanupTask, memberlessCompaniesSweepTask],
  "*/5 * * * *": [
    mediaCleanupTask,
    // studio library
    studioRetentionTask,
    // video
    videoHousekeepingTask,
    // studio generation
    studioGenerationSweepTask,
  ],
  // jobs board
  "* * * * *": [publishScheduledVacanciesTask],
};
