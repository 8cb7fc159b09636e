import type { Deps } from "../platform/deps-types";
import { attachForwardedFiles, attachOwnFiles, releaseAttachments } from "../media/attachments";
import { type Result, refusal } from "../platform/result";
import type { Attachment } from "./model";

/**
 * Attachments are ids of files the sender owns (media module). Any other id, someone else's file
 * included, is unknown; once attached, every member of the chat may read the files.
 */
export async function resolveAttachments(deps: Deps, senderId: string, chatId: string, ids: string[]): Promise<Result<Attachment[]>> {
  const attached = await attachOwnFiles(deps, senderId, chatId, ids);
  if (!attached.ok) return refusal(400, "unknown_attachment", `No file ${attached.unknownId} of yours`);
  return { ok: true, value: attached.files };
}

/** The files of a forwarded message, granted to the chat it goes to by the chat it comes from. */
export async function resolveForwardedAttachments(deps: Deps, fromChatId: string, toChatId: string, files: Attachment[]): Promise<Result<Attachment[]>> {
  if (files.length === 0) return { ok: true, value: [] };
  const granted = await attachForwardedFiles(
    deps,
    fromChatId,
    toChatId,
    files.map((file) => file.id),
  );
  if (!granted) return refusal(409, "attachment_gone", "A file of this message is no longer available");
  return { ok: true, value: files };
}

/**
 * After a message with attachments is deleted: the chat keeps its read grant of a file only while a
 * live message carries it (or a send that carries it is on its way), so a deleted message's file is
 * no longer readable by the members.
 */
export async function releaseDeletedAttachments(deps: Deps, chatId: string, fileIds: string[], carried: (fileId: string) => boolean): Promise<void> {
  const released = [...new Set(fileIds)].filter((id) => !carried(id));
  await releaseAttachments(deps, chatId, released, carried);
}

/**
 * The files of sends a room admitted (their chat grant recorded) but has not stored yet, with how
 * many such sends carry each: deleting a message does not take the chat's grant of a file a send
 * on its way carries.
 */
export class SendingFiles {
  private readonly counts = new Map<string, number>();

  hold(fileIds: readonly string[]): void {
    this.change(fileIds, 1);
  }

  /** The send that held these was stored or failed. */
  release(fileIds: readonly string[]): void {
    this.change(fileIds, -1);
  }

  carries(fileId: string): boolean {
    return this.counts.has(fileId);
  }

  private change(fileIds: readonly string[], by: 1 | -1): void {
    for (const id of fileIds) {
      const count = (this.counts.get(id) ?? 0) + by;
      if (count > 0) this.counts.set(id, count);
      else this.counts.delete(id);
    }
  }
}
