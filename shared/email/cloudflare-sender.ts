import { currentCarrier } from "../observability/trace-scope";
import type { EmailSender, OutgoingEmail } from "./sender";

/**
 * Sends through a Cloudflare Email Routing `send_email` binding. Cloudflare only delivers to
 * destinations verified on the account (or to any address with Email Service), see docs/deploy.md, "E-mail".
 */
export class CloudflareEmailSender implements EmailSender {
  constructor(
    private readonly binding: SendEmail,
    private readonly from: string,
  ) {}

  async send(message: OutgoingEmail): Promise<void> {
    // The mail names the trace that sent it, so a bounce or a complaint leads back to the logs.
    const trace = currentCarrier();
    await this.binding.send({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(trace ? { headers: { "X-Traceparent": trace.traceparent } } : {}),
    });
  }
}
