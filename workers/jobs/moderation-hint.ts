import type { JobMessage } from "../../shared/env";
import { giveUpModerationHint, runModerationHint } from "../../shared/moderation-hints/hints";
import type { Deps } from "../../shared/platform/deps-types";

/** The `moderation.hint` job: asks the hint model about one uploaded picture or video. */
export async function moderationHintJob(job: Extract<JobMessage, { kind: "moderation.hint" }>, deps: Deps): Promise<void> {
  await runModerationHint(deps, job.subjectKind, job.subjectId);
}

/** Its retries exhausted (the provider kept failing): the hint is recorded as failed with why. */
export async function moderationHintDeadLetter(job: Extract<JobMessage, { kind: "moderation.hint" }>, deps: Deps): Promise<void> {
  await giveUpModerationHint(deps, job.subjectKind, job.subjectId);
}
