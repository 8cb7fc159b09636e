// The decrypted history of encrypted chats, kept on this device (IndexedDB): an MLS message opens
// once (its keys are deleted as it is read, for forward secrecy), so what this device read is kept
// here to be shown again, folded (edits and reactions into their messages) and searched.
import type { EncryptedFileKey, MessageRelation, MlsPayload, PublicMetadata } from "../../../client/e2ee";
import { read, readAll, readByIndex, remove, STORES, write } from "./database";

/** One message of an encrypted chat as this device read it. */
export interface HistoryRecord {
  chatId: string;
  id: string;
  seq: number;
  senderId: string | null;
  createdAt: string;
  /** `before_joining`: sent before this device joined the chat's group; `undecryptable`: it should have opened and did not. */
  state: "opened" | "undecryptable" | "before_joining";
  text?: string;
  files?: EncryptedFileKey[];
  /** An edit or a reaction: the message it changes. */
  relatesTo?: MessageRelation;
  reaction?: { emoji: string; remove?: boolean };
}

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

/** A message with its edits and reactions folded in, as a reader sees it now. */
export interface FoldedMessage {
  text: string;
  files: EncryptedFileKey[];
  editedAt: string | null;
  reactions: { emoji: string; count: number; userIds: string[] }[];
}

/**
 * Folds edits and reactions into `record`: the newest edit by the message's own sender gives its
 * text (an edit by anyone else is ignored, whatever the server let through); each member's newest
 * add or remove of an emoji decides whether their reaction stands.
 */
export function fold(record: HistoryRecord, relations: readonly HistoryRecord[]): FoldedMessage {
  let text = record.text ?? "";
  let editedAt: string | null = null;
  const latest = new Map<string, { seq: number; present: boolean; emoji: string; userId: string }>();
  for (const relation of [...relations].sort((a, b) => a.seq - b.seq)) {
    if (relation.state !== "opened" || relation.relatesTo?.id !== record.id) continue;
    if (relation.relatesTo.kind === "edit" && relation.senderId === record.senderId && relation.text !== undefined) {
      text = relation.text;
      editedAt = relation.createdAt;
    }
    if (relation.relatesTo.kind === "reaction" && relation.reaction && relation.senderId) {
      const { emoji } = relation.reaction;
      latest.set(`${relation.senderId} ${emoji}`, { seq: relation.seq, present: !relation.reaction.remove, emoji, userId: relation.senderId });
    }
  }
  const byEmoji = new Map<string, string[]>();
  for (const entry of [...latest.values()].sort((a, b) => a.seq - b.seq)) {
    if (entry.present) byEmoji.set(entry.emoji, [...(byEmoji.get(entry.emoji) ?? []), entry.userId]);
  }
  return {
    text,
    files: record.files ?? [],
    editedAt,
    reactions: [...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds })),
  };
}

/** The readable messages of a chat whose text (as edited) holds every word of `query`, newest first. */
export function searchFolded(records: readonly HistoryRecord[], query: string): (HistoryRecord & { text: string })[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const relations = new Map<string, HistoryRecord[]>();
  for (const record of records) if (record.relatesTo) relations.set(record.relatesTo.id, [...(relations.get(record.relatesTo.id) ?? []), record]);
  return records
    .filter((record) => record.state === "opened" && !record.relatesTo)
    .map((record) => ({ ...record, text: fold(record, relations.get(record.id) ?? []).text }))
    .filter((record) => {
      const text = record.text.toLocaleLowerCase();
      return words.every((word) => text.includes(word));
    })
    .sort((a, b) => b.seq - a.seq);
}

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
