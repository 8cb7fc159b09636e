import { clock } from "../clock";
import type { Deps } from "../platform/deps-types";
import type { Database } from "../db/client";
import { newId } from "../ids";
import { insertDevMailboxEntry, listDevMailboxEntries } from "./records";
import type { EmailSender, OutgoingEmail } from "./sender";

/** Keeps every e-mail in D1 (`dev_mailbox`) instead of delivering it; read by GET /dev/mailbox. */
export class DevMailboxSender implements EmailSender {
  constructor(private readonly db: Database) {}

  async send(message: OutgoingEmail): Promise<void> {
    await insertDevMailboxEntry(this.db, {
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

export async function readDevMailbox(deps: Deps, to: string, limit = 50): Promise<DevMailboxEntry[]> {
  const rows = await listDevMailboxEntries(deps.db, to.trim().toLowerCase(), limit);
  return rows.map((row) => ({ to: row.to, subject: row.subject, text: row.text, html: row.html, createdAt: row.createdAt.toISOString() }));
}
