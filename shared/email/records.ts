import { desc, eq, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { devMailbox } from "../db/schema/identity";

/** Every query of `dev_mailbox` (development and tests only). */

export type DevMailboxRecord = typeof devMailbox.$inferSelect;

export async function insertDevMailboxEntry(db: Database, entry: typeof devMailbox.$inferInsert): Promise<void> {
  await db.insert(devMailbox).values(entry).run();
}

export async function listDevMailboxEntries(db: Database, to: string, limit: number): Promise<DevMailboxRecord[]> {
  return db.select().from(devMailbox).where(eq(devMailbox.to, to)).orderBy(desc(devMailbox.createdAt), desc(devMailbox.id)).limit(limit);
}

export function deleteDevMailboxBeforeQuery(db: Database, before: Date) {
  return db.delete(devMailbox).where(lte(devMailbox.createdAt, before));
}
