import { findOwnFiles, grantedFileIds, recordAttachments, removeAttachments } from "./records/grants";
import { audioDetailsOf } from "./audio-details";
import type { Deps } from "../platform/deps-types";

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
export async function attachOwnFiles(deps: Deps, senderId: string, chatId: string, fileIds: readonly string[]): Promise<AttachResult> {
  const unique = [...new Set(fileIds)];
  const found = new Map((await findOwnFiles(deps.db, senderId, unique)).map((file) => [file.id, file]));
  const unknownId = unique.find((id) => !found.has(id));
  if (unknownId !== undefined) return { ok: false, unknownId };
  await recordAttachments(deps.db, chatId, unique, deps.clock.now());
  return {
    ok: true,
    files: unique
      .map((id) => found.get(id)!)
      .map((file) => ({ id: file.id, name: file.name, contentType: file.contentType, size: file.size, ...audioDetailsOf(file) })),
  };
}

/**
 * A forwarded message carries its files by reference: the chat it is forwarded to may read the
 * files the chat it comes from grants (no copy, and not only the sender's own files). False when
 * a file is no longer granted there (its message was deleted meanwhile, or the file removed).
 */
export async function attachForwardedFiles(deps: Deps, fromChatId: string, toChatId: string, fileIds: readonly string[]): Promise<boolean> {
  const unique = [...new Set(fileIds)];
  const granted = new Set(await grantedFileIds(deps.db, fromChatId, unique));
  if (unique.some((id) => !granted.has(id))) return false;
  await recordAttachments(deps.db, toChatId, unique, deps.clock.now());
  return true;
}

/**
 * A chat's read grant of files its last live message carrying them no longer holds (that message
 * was deleted): members of the chat stop reading them through it. `stillCarried` is asked again
 * once the grant is gone: a message sent meanwhile may have granted a file again just before this
 * removal landed, and gets its grant back.
 */
export async function releaseAttachments(deps: Deps, chatId: string, fileIds: readonly string[], stillCarried: (fileId: string) => boolean): Promise<void> {
  if (fileIds.length === 0) return;
  await removeAttachments(deps.db, chatId, fileIds);
  await recordAttachments(deps.db, chatId, fileIds.filter(stillCarried), deps.clock.now());
}
