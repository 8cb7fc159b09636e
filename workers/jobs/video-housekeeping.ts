import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import type { Env } from "../../shared/env";
import { videoHousekeeping } from "../../shared/video/housekeeping";
import { videoHostOf } from "../../shared/video/video-host-of";

/** Every 5 minutes: videos stuck waiting on Stream polled, scheduled videos published, Stream's playback access fixed. */
export async function videoHousekeepingTask(env: Env, _scheduledTime: number): Promise<void> {
  const result = await videoHousekeeping({ env, db: createDatabase(env.DB), host: videoHostOf(env) }, clock.now());
  const level = result.failures.length > 0 ? "error" : "info";
  console.log(JSON.stringify({ level, msg: "video housekeeping", ...result }));
}
