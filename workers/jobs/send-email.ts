import type { JobMessage } from "../../shared/env";
import type { Deps } from "../../shared/platform/deps-types";

/**
 * The `email.send` job. A throw makes the queue retry with backoff and finally dead-letter the
 * message, so a mail is never dropped silently (a production deployment without an e-mail
 * binding dead-letters every mail, visibly).
 */
export async function sendEmailJob(job: Extract<JobMessage, { kind: "email.send" }>, deps: Deps): Promise<void> {
  if (!deps.email) throw new Error("no e-mail sender: bind EMAIL (send_email) and set EMAIL_FROM (docs/deploy.md, E-mail)");
  await deps.email.send(job.message);
}
