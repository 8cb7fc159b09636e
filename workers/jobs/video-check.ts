import type { JobMessage } from "../../shared/env";
import type { Deps } from "../../shared/platform/deps-types";
import { runVideoCheck } from "../../shared/video/processing";

/** The `video.check` job: asks Stream whether an uploaded video is ready (or failed), with backoff. */
export async function videoCheckJob(job: Extract<JobMessage, { kind: "video.check" }>, deps: Deps): Promise<void> {
  await runVideoCheck(deps, job.videoId, job.attempt);
}
