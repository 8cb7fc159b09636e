import { createDatabase } from "../db/client";
import type { Env } from "../env";
import { attachOwnFiles, releaseAttachments } from "../media/attachments";
import type { Attachment, RoomResult } from "./model";

/**
 * Attachments are ids of files the sender owns (media module). Any other id, someone else's file
 * included, is unknown; once attached, every member of the chat may read the files.
 */
export async function resolveAttachments(env: Env, senderId: string, chatId: string, ids: string[]): Promise<RoomResult<Attachment[]>> {
  const attached = await attachOwnFiles(createDatabase(env.DB), senderId, chatId, ids);
  if (!attached.ok) return { ok: false, status: 400, code: "unknown_attachment", detail: `No file ${attached.unknownId} of yours` };
  return { ok: true, value: attached.files };
}

/**
 * After a message with attachments is deleted: the chat keeps its read grant of a file only while a
 * live message carries it (or a send that carries it is on its way), so a deleted message's file is
 * no longer readable by the members.
 */
export async function releaseDeletedAttachments(env: Env, chatId: string, fileIds: string[], carried: (fileId: string) => boolean): Promise<void> {
  const released = [...new Set(fileIds)].filter((id) => !carried(id));
  await releaseAttachments(createDatabase(env.DB), chatId, released, carried);
}
