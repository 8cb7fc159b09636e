import { clock } from "../clock";
import { createDatabase } from "../db/client";
import { newId } from "../ids";
import { insertDevMailboxEntry, listDevMailboxEntries } from "./records";
import type { EmailSender, OutgoingEmail } from "./sender";

/** Keeps every e-mail in D1 (`dev_mailbox`) instead of delivering it; read by GET /dev/mailbox. */
export class DevMailboxSender implements EmailSender {
  constructor(private readonly db: D1Database) {}

  async send(message: OutgoingEmail): Promise<void> {
    await insertDevMailboxEntry(createDatabase(this.db), {
      id: newId(),
      to: message.to.trim().toLowerCase(),
      subject: message.subject,
      text: message.text,
      html: message.html ?? null,
      createdAt: clock.date(),
    });
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
  const rows = await listDevMailboxEntries(createDatabase(db), to.trim().toLowerCase(), limit);
  return rows.map((row) => ({ to: row.to, subject: row.subject, text: row.text, html: row.html, createdAt: row.createdAt.toISOString() }));
}
