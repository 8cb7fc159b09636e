/** One e-mail the platform sends. Bodies are plain text plus optional HTML. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Where e-mail goes: the Cloudflare binding in production, the dev mailbox in development and tests. */
export interface EmailSender {
  send(message: OutgoingEmail): Promise<void>;
}
