// The decrypted history of encrypted chats, kept on this device (IndexedDB): an MLS message opens
// once (its keys are deleted as it is read, for forward secrecy), so what this device read is kept
// here to be shown again, folded (edits and reactions into their messages) and searched.
import type { MlsPayload, PublicMetadata } from "../../../client/e2ee";
import { read, readAll, readByIndex, remove, STORES, write } from "./database";
import type { HistoryRecord } from "./history-fold";
import { decodeHistoryArchive, encodeHistoryArchive, installHistoryArchive } from "./key-backup-archive";

export { type FoldedMessage, fold, type HistoryRecord, searchFolded } from "./history-fold";

/** Where this device stands in one encrypted chat. */
export interface ChatProgress {
  chatId: string;
  /** The epoch this device joined the chat's group at (a bigint as text). */
  joinedEpoch: string;
  joinedAt: string;
  /** The newest message sent before this device joined (0: none); null until it was looked for. */
  boundarySeq: number | null;
  /** Every message up to this seq has been opened or found unreadable. */
  processedSeq: number;
}

/** A message this device sealed and sent, kept until it is seen stored (a sender cannot open its own MLS message). */
export interface OutgoingRecord {
  clientId: string;
  chatId: string;
  payload: Omit<MlsPayload, "from">;
  metadata: PublicMetadata;
}

export const chatHistory = (chatId: string) => readAll<HistoryRecord>(STORES.history, chatId);
export const saveHistory = (records: readonly HistoryRecord[]) => (records.length > 0 ? write(STORES.history, records) : Promise.resolve());
export const deleteHistory = (chatId: string, ids: readonly string[]) =>
  remove(
    STORES.history,
    ids.map((id) => [chatId, id]),
  );
/** One message as this device read it, with its edits and reactions. */
export async function historyOf(chatId: string, id: string): Promise<{ record: HistoryRecord; relations: HistoryRecord[] } | undefined> {
  const record = await read<HistoryRecord>(STORES.history, [chatId, id]);
  if (!record) return undefined;
  const relations = (await readByIndex<HistoryRecord>(STORES.history, "target", id)).filter((r) => r.chatId === chatId);
  return { record, relations };
}
export const chatProgress = (chatId: string) => read<ChatProgress>(STORES.chats, chatId);
export const saveChatProgress = (progress: ChatProgress) => write(STORES.chats, [progress]);
export const outgoingOf = (chatId: string) => readAll<OutgoingRecord>(STORES.outgoing, chatId);
export const saveOutgoing = (record: OutgoingRecord) => write(STORES.outgoing, [record]);
export const deleteOutgoing = (clientIds: readonly string[]) => remove(STORES.outgoing, clientIds);

const listeners = new Set<() => void>();

/** Hears a history import (a key backup restored earlier messages): open chats read their history again. */
export function onHistoryImported(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * For the key backup (web/src/e2ee/key-backup*.tsx, docs/e2ee.md "Secure backup"): every message
 * of every encrypted chat this device could read, edits and reactions among them (each a record of
 * its own), as a history archive (`encodeHistoryArchive`) for the backup to encrypt under the
 * recovery key. Unreadable entries are left out: another device may hold them.
 */
export async function exportHistory(): Promise<Uint8Array> {
  const records = (await readAll<HistoryRecord>(STORES.history)).filter((record) => record.state === "opened");
  return encodeHistoryArchive(records.map((record) => ({ ...record, text: record.text ?? "" })));
}

/**
 * For the key backup: adds the history another device exported (`exportHistory`, decrypted from
 * the backup) to this device's. A message this device could not read (sent before it joined)
 * takes the imported one; one it read stays as it is (an opened record never changes: edits and
 * reactions are records of their own). Answers how many were added; throws `HistoryArchiveError`
 * on bytes that are not an archive. Open chats show the added messages at once.
 */
export async function importHistory(bytes: Uint8Array): Promise<number> {
  const added: HistoryRecord[] = [];
  for (const message of decodeHistoryArchive(bytes)) {
    const held = await read<HistoryRecord>(STORES.history, [message.chatId, message.id]);
    if (held?.state === "opened") continue;
    // An archive's message is one some device read; a relation with no words of its own travels with text "".
    const record = { ...message, state: "opened" } as HistoryRecord;
    if (record.relatesTo && !message.text) delete record.text;
    added.push(record);
  }
  await saveHistory(added);
  for (const listener of listeners) listener();
  return added.length;
}

// The secure backup stores and restores this device's history through the archive interface.
installHistoryArchive({ exportHistory, importHistory });
