import type { Deps } from "../../shared/platform/deps-types";
import { collectMediaGarbage } from "../../shared/media/garbage-collection";

/**
 * Every 5 minutes: fully received uploads whose file was not made are finished, expired uploads
 * aborted and cleaned, unreferenced blobs removed after the grace period.
 */
export async function mediaCleanupTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const result = await collectMediaGarbage(deps, deps.clock.now());
  const level = result.failures.length > 0 || result.uploadsNotFinished.length > 0 ? "error" : "info";
  deps.log(level, "media cleanup", {
    uploadsFinished: result.uploadsFinished,
    uploadsNotFinished: result.uploadsNotFinished,
    uploadsExpired: result.uploadsExpired,
    blobsRemoved: result.blobsRemoved,
    failures: result.failures,
  });
}
