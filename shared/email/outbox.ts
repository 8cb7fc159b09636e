import { configOf } from "../config";
import type { Env } from "../env";
import { withCurrentTrace } from "../observability/trace-scope";
import { CloudflareEmailSender } from "./cloudflare-sender";
import { DevMailboxSender } from "./dev-mailbox";
import type { EmailSender, OutgoingEmail } from "./sender";

export function usesDevMailbox(env: Env): boolean {
  return configOf(env).usesDevMailbox;
}

/** The sender for this deployment; null when production has no e-mail binding configured. */
export function emailSenderFor(env: Env): EmailSender | null {
  if (usesDevMailbox(env)) return new DevMailboxSender(env.DB);
  const from = configOf(env).email.from;
  if (env.EMAIL && from) return new CloudflareEmailSender(env.EMAIL, from);
  return null;
}

/**
 * Queues an e-mail: delivery happens in the `email.send` job, so a slow or failing provider
 * never fails the request; failures retry and end in the dead-letter queue.
 */
export async function queueEmail(env: Env, message: OutgoingEmail): Promise<void> {
  await env.JOBS.send(withCurrentTrace({ kind: "email.send", message }));
}
