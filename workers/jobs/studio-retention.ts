import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import type { Env } from "../../shared/env";
import { logEvent } from "../../shared/observability/log";
import { applyRetention } from "../../shared/studio/library/retention";

/** Every 5 minutes: studio assets past STUDIO_RETENTION_DAYS (not favourites, not headliners) are deleted. */
export async function studioRetentionTask(env: Env, _scheduledTime: number): Promise<void> {
  const result = await applyRetention(env, createDatabase(env.DB), clock.now());
  logEvent("info", "studio retention", { deleted: result.deleted, more: result.more });
}
