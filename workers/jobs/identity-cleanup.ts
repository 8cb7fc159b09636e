import { deleteExpiredCredentials } from "../../shared/identity/cleanup";
import { clock } from "../../shared/clock";
import type { Env } from "../../shared/env";
import { logEvent } from "../../shared/observability/log";

/** Daily cron: expired one-time tokens, refresh tokens, sessions and realtime tickets are deleted. */
export async function identityCleanupTask(env: Env, _scheduledTime: number): Promise<void> {
  const counts = await deleteExpiredCredentials(env, clock.now());
  logEvent("info", "identity cleanup", { ...counts });
}
