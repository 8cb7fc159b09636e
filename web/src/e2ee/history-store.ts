// The decrypted history of encrypted chats, kept on this device (IndexedDB): an MLS message opens
// once (its keys are deleted as it is read, for forward secrecy), so what this device read is kept
// here to be shown again, folded (edits and reactions into their messages) and searched.
import type { MlsPayload, PublicMetadata } from "../../../client/e2ee";
import { read, readAll, readByIndex, remove, STORES, write } from "./database";
import type { HistoryRecord } from "./history-fold";

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

const EXPORT_VERSION = 1;

/**
 * For the key backup (web/src/e2ee/key-backup*.tsx, docs/e2ee.md "Key backup"): every message of
 * every encrypted chat this device could read, with their edits and reactions, as bytes for the
 * backup to encrypt under the recovery key (client/e2ee/backup.ts `encryptBackup`). Unreadable
 * entries are left out: another device may hold them.
 */
export async function exportHistory(): Promise<Uint8Array> {
  const records = (await readAll<HistoryRecord>(STORES.history)).filter((record) => record.state === "opened");
  return new TextEncoder().encode(JSON.stringify({ version: EXPORT_VERSION, records }));
}

/**
 * For the key backup: adds the history another device exported (`exportHistory`, decrypted from
 * the backup) to this device's. A message this device could not read (sent before it joined)
 * takes the imported text; one it read stays as it is. Answers how many messages were added;
 * throws on bytes that are not such an export. Open chats show the added messages at once.
 */
export async function importHistory(bytes: Uint8Array): Promise<number> {
  let parsed: { version?: unknown; records?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as typeof parsed;
  } catch {
    throw new Error("Not an exported history");
  }
  if (parsed.version !== EXPORT_VERSION || !Array.isArray(parsed.records)) throw new Error("Not an exported history");
  const incoming = (parsed.records as HistoryRecord[]).filter(
    (record) => typeof record?.chatId === "string" && typeof record.id === "string" && typeof record.seq === "number" && record.state === "opened",
  );
  const added: HistoryRecord[] = [];
  for (const record of incoming) {
    const held = await read<HistoryRecord>(STORES.history, [record.chatId, record.id]);
    if (held?.state !== "opened") added.push(record);
  }
  await saveHistory(added);
  for (const listener of listeners) listener();
  return added.length;
}
