import { clock } from "../clock";
import type { Database } from "../db/client";
import { findOwnFiles, recordAttachments } from "./records";

/** A file as a chat message carries it. */
export interface AttachedFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

export type AttachResult = { ok: true; files: AttachedFile[] } | { ok: false; unknownId: string };

/**
 * Attaches files to a message in a chat: every id must be a file the sender owns (an id of
 * someone else's file is as unknown as one that does not exist). From then on every member of
 * the chat may read them.
 */
export async function attachOwnFiles(db: Database, senderId: string, chatId: string, fileIds: readonly string[]): Promise<AttachResult> {
  const unique = [...new Set(fileIds)];
  const found = new Map((await findOwnFiles(db, senderId, unique)).map((file) => [file.id, file]));
  const unknownId = unique.find((id) => !found.has(id));
  if (unknownId !== undefined) return { ok: false, unknownId };
  await recordAttachments(db, chatId, unique, clock.now());
  return { ok: true, files: unique.map((id) => found.get(id)!).map((file) => ({ id: file.id, name: file.name, contentType: file.contentType, size: file.size })) };
}
