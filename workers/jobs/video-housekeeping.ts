import type { Deps } from "../../shared/platform/deps-types";
import { videoHousekeeping } from "../../shared/video/housekeeping";

/** Every 5 minutes: videos stuck waiting on Stream polled, scheduled videos published, Stream's playback access fixed. */
export async function videoHousekeepingTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const result = await videoHousekeeping(deps, deps.clock.now());
  const level = result.failures.length > 0 ? "error" : "info";
  deps.log(level, "video housekeeping", { ...result });
}
