import type { JobMessage } from "../../shared/env";
import type { Deps } from "../../shared/platform/deps-types";
import { giveUpCaptions, runCaptions } from "../../shared/video/captions";

/** The `video.captions` job: Stream's captions for a ready video, or the transcript model's. */
export async function videoCaptionsJob(job: Extract<JobMessage, { kind: "video.captions" }>, deps: Deps): Promise<void> {
  await runCaptions(deps, job.videoId, job.language);
}

/** Its retries exhausted: the captions are recorded as failed with why. */
export async function videoCaptionsDeadLetter(job: Extract<JobMessage, { kind: "video.captions" }>, deps: Deps): Promise<void> {
  await giveUpCaptions(deps, job.videoId, job.language);
}
