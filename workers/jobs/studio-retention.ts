import type { Deps } from "../../shared/platform/deps-types";
import { applyRetention } from "../../shared/studio/library/retention";

/** Every 5 minutes: studio assets past STUDIO_RETENTION_DAYS (not favourites, not headliners) are deleted. */
export async function studioRetentionTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const result = await applyRetention(deps, deps.clock.now());
  deps.log("info", "studio retention", { deleted: result.deleted, more: result.more });
}
