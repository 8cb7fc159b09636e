import type { Env } from "../env";
import { CloudflareEmailSender } from "./cloudflare-sender";
import { DevMailboxSender } from "./dev-mailbox";
import type { EmailSender, OutgoingEmail } from "./sender";

export function usesDevMailbox(env: Env): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}

/** The sender for this deployment; null when production has no e-mail binding configured. */
export function emailSenderFor(env: Env): EmailSender | null {
  if (usesDevMailbox(env)) return new DevMailboxSender(env.DB);
  if (env.EMAIL && env.EMAIL_FROM) return new CloudflareEmailSender(env.EMAIL, env.EMAIL_FROM);
  return null;
}

/**
 * Queues an e-mail: delivery happens in the `email.send` job, so a slow or failing provider
 * never fails the request; failures retry and end in the dead-letter queue.
 */
export async function queueEmail(env: Env, message: OutgoingEmail): Promise<void> {
  await env.JOBS.send({ kind: "email.send", message });
}
