import { sendPasswordResetLink } from "../../shared/identity/credentials/password-reset";
import type { Env, JobMessage } from "../../shared/env";

/** The `password.forgot` job: looks the address up off the request path, so the answer cannot reveal it. */
export async function passwordForgotJob(job: Extract<JobMessage, { kind: "password.forgot" }>, env: Env): Promise<void> {
  await sendPasswordResetLink(env, job.email, { ip: job.ip, userAgent: job.userAgent });
}
