import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Deps } from "../platform/deps-types";
import { CloudflareEmailSender } from "./cloudflare-sender";
import { DevMailboxSender } from "./dev-mailbox";
import type { EmailSender, OutgoingEmail } from "./sender";

/** The sender for this deployment (built once into `deps.email`); null when production has no e-mail binding configured. */
export function emailSenderFor(config: Config, db: Database, binding: SendEmail | undefined): EmailSender | null {
  if (config.usesDevMailbox) return new DevMailboxSender(db);
  const from = config.email.from;
  if (binding && from) return new CloudflareEmailSender(binding, from);
  return null;
}

/**
 * Queues an e-mail: delivery happens in the `email.send` job, so a slow or failing provider
 * never fails the request; failures retry and end in the dead-letter queue.
 */
/** The job that delivers one e-mail. */
export interface EmailSendJob {
  kind: "email.send";
  message: OutgoingEmail;
}

declare module "../env" {
  interface JobKinds {
    "email.send": EmailSendJob;
  }
}

export async function queueEmail(deps: Deps, message: OutgoingEmail): Promise<void> {
  await deps.queue.send({ kind: "email.send", message });
}
