import type { JobMessage } from "../../shared/env";
import { sendPasswordResetLink } from "../../shared/identity/credentials/password-reset";
import type { Deps } from "../../shared/platform/deps-types";

/** The `password.forgot` job: looks the address up off the request path, so the answer cannot reveal it. */
export async function passwordForgotJob(job: Extract<JobMessage, { kind: "password.forgot" }>, deps: Deps): Promise<void> {
  await sendPasswordResetLink(deps, job.email, { ip: job.ip, userAgent: job.userAgent });
}
