import { deleteExpiredOAuthRecords } from "../../shared/oauth/cleanup";
import type { Deps } from "../../shared/platform/deps-types";

/** Daily cron: expired authorization codes and app tokens, and the authorizations nothing is left of, are deleted. */
export async function oauthCleanupTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const counts = await deleteExpiredOAuthRecords(deps, deps.clock.now());
  deps.log("info", "oauth cleanup", { ...counts });
}
