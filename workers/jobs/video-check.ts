import { createDatabase } from "../../shared/db/client";
import type { Env, JobMessage } from "../../shared/env";
import { runVideoCheck } from "../../shared/video/processing";
import { videoHostOf } from "../../shared/video/video-host-of";

/** The `video.check` job: asks Stream whether an uploaded video is ready (or failed), with backoff. */
export async function videoCheckJob(job: Extract<JobMessage, { kind: "video.check" }>, env: Env): Promise<void> {
  await runVideoCheck({ env, db: createDatabase(env.DB), host: videoHostOf(env) }, job.videoId, job.attempt);
}
