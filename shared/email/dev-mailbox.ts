import { clock } from "../clock";
import { newId } from "../ids";
import type { EmailSender, OutgoingEmail } from "./sender";

/** Keeps every e-mail in D1 (`dev_mailbox`) instead of delivering it; read by GET /dev/mailbox. */
export class DevMailboxSender implements EmailSender {
  constructor(private readonly db: D1Database) {}

  async send(message: OutgoingEmail): Promise<void> {
    await this.db
      .prepare("INSERT INTO dev_mailbox (id, to_address, subject, text, html, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(newId(), message.to.trim().toLowerCase(), message.subject, message.text, message.html ?? null, clock.now())
      .run();
  }
}

export interface DevMailboxEntry {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: string;
}

export async function readDevMailbox(db: D1Database, to: string, limit = 50): Promise<DevMailboxEntry[]> {
  const { results } = await db
    .prepare(
      "SELECT to_address, subject, text, html, created_at FROM dev_mailbox WHERE to_address = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    )
    .bind(to.trim().toLowerCase(), limit)
    .all<{ to_address: string; subject: string; text: string; html: string | null; created_at: number }>();
  return results.map((row) => ({
    to: row.to_address,
    subject: row.subject,
    text: row.text,
    html: row.html,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}
