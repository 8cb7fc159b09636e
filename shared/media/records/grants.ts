import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { fileAttachments, files } from "../../db/schema/media";
import type { FileRecord } from "./files";

/** Read grants: the files attached to a chat's messages, which its members may read. */

/** The sender's own files among `ids` (at most a message's worth of attachments). */
export async function findOwnFiles(db: Database, ownerId: string, ids: readonly string[]): Promise<FileRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(files)
    .where(and(eq(files.ownerId, ownerId), inArray(files.id, [...ids])));
}

/** Members of the chat may no longer read these files through it (no live message of it carries them). */
export async function removeAttachments(db: Database, chatId: string, fileIds: readonly string[]): Promise<void> {
  if (fileIds.length === 0) return;
  await db.delete(fileAttachments).where(and(eq(fileAttachments.chatId, chatId), inArray(fileAttachments.fileId, [...fileIds])));
}

/** Which of these files the chat grants its members (a live message of it carries them). */
export async function grantedFileIds(db: Database, chatId: string, fileIds: readonly string[]): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const rows = await db
    .select({ fileId: fileAttachments.fileId })
    .from(fileAttachments)
    .where(and(eq(fileAttachments.chatId, chatId), inArray(fileAttachments.fileId, [...fileIds])));
  return rows.map((row) => row.fileId);
}

/** Members of the chat may read these files from now on. */
export async function recordAttachments(db: Database, chatId: string, fileIds: readonly string[], now: number): Promise<void> {
  if (fileIds.length === 0) return;
  await db
    .insert(fileAttachments)
    .values(fileIds.map((fileId) => ({ fileId, chatId, createdAt: new Date(now) })))
    .onConflictDoNothing();
}
