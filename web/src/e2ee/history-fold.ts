// What a device read of an encrypted chat, and how edits and reactions fold into their messages:
// pure rules, apart from the IndexedDB that keeps the records (history-store.ts), so they are
// tested on their own (test/e2ee/web-history.test.ts).
import type { EncryptedFileKey, MessageRelation } from "../../../client/e2ee";

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
