import type { JobMessage } from "../../shared/env";
import { announceEndedSessions, sendLogoutToken } from "../../shared/oauth/backchannel-logout";
import type { Deps } from "../../shared/platform/deps-types";

/** The `oauth.backchannel_logout` job: posts one logout token to one app. */
export async function backchannelLogoutJob(job: Extract<JobMessage, { kind: "oauth.backchannel_logout" }>, deps: Deps): Promise<void> {
  await sendLogoutToken(deps, job);
}

/** Every minute: logout tokens for the sessions that ended since (however they ended). */
export async function backchannelLogoutTask(deps: Deps, _scheduledTime: number): Promise<void> {
  const queued = await announceEndedSessions(deps);
  if (queued > 0) deps.log("info", "back-channel logouts queued", { queued });
}
