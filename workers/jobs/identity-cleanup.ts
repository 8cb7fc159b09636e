import { deleteExpiredCredentials } from "../../shared/identity/cleanup";
import type { Deps } from "../../shared/platform/deps-types";

/** Daily cron: expired one-time tokens, refresh tokens, sessions and realtime tickets are deleted. */
export async function identityCleanupTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const counts = await deleteExpiredCredentials(deps, deps.clock.now());
  deps.log("info", "identity cleanup", { ...counts });
}
