// The history a key backup carries (docs/e2ee.md, "Secure backup"): this device's decrypted
// messages as one archive, its bytes format, and how two archives merge. Pure: no DOM, no
// IndexedDB, so the merge is tested on its own (test/e2ee/key-backup-archive.test.ts).

/**
 * What a key backup needs from the device's decrypted history (web/src/e2ee/history-store.ts
 * implements it): the whole history as an archive, and adding an archive's messages to it.
 */
export interface HistoryArchive {
  /** This device's decrypted messages as archive bytes (`encodeHistoryArchive`). */
  exportHistory(): Promise<Uint8Array>;
  /** Adds the archive's messages this device does not hold (or holds in an older state); answers how many it added. */
  importHistory(bytes: Uint8Array): Promise<number>;
}

/**
 * One decrypted message as the archive keeps it. `chatId` and `id` (the server's message id)
 * name it; the history store may keep more fields (files' keys, reactions, replies): they travel
 * in the archive unchanged.
 */
export interface ArchivedMessage {
  chatId: string;
  id: string;
  seq: number;
  senderId: string | null;
  createdAt: string;
  text: string;
  editedAt?: string | null;
  deletedAt?: string | null;
  [field: string]: unknown;
}

declare global {
  // A global, not a module variable: a page's other bundles (the browser tests' pages) reach the same one.
  var edgePlatformHistoryArchive: HistoryArchive | undefined;
}

/** Makes `archive` the history the secure backup stores and restores into (web/src/e2ee/history-store.ts installs its own). */
export function installHistoryArchive(archive: HistoryArchive): void {
  globalThis.edgePlatformHistoryArchive = archive;
}

/** The installed history (web/src/e2ee/history-store.ts installs it when the app loads), or null where none is (a page without the app). */
export function installedHistoryArchive(): HistoryArchive | null {
  return globalThis.edgePlatformHistoryArchive ?? null;
}

export const HISTORY_ARCHIVE_FORMAT = "edge-platform-history";
export const HISTORY_ARCHIVE_VERSION = 1;

/** The bytes are not a history archive this app reads (another format, a newer version, damaged). */
export class HistoryArchiveError extends Error {}

/** UTF-8 JSON `{format, version, messages}`, messages in (chatId, seq, id) order, so equal histories give equal bytes. */
export function encodeHistoryArchive(messages: readonly ArchivedMessage[]): Uint8Array {
  const sorted = [...messages].sort(byPlace);
  return new TextEncoder().encode(JSON.stringify({ format: HISTORY_ARCHIVE_FORMAT, version: HISTORY_ARCHIVE_VERSION, messages: sorted }));
}

export function decodeHistoryArchive(bytes: Uint8Array): ArchivedMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new HistoryArchiveError("Not a history archive");
  }
  const archive = value as { format?: unknown; version?: unknown; messages?: unknown };
  if (typeof archive !== "object" || archive === null || archive.format !== HISTORY_ARCHIVE_FORMAT) throw new HistoryArchiveError("Not a history archive");
  if (archive.version !== HISTORY_ARCHIVE_VERSION) throw new HistoryArchiveError("A history archive of another version");
  if (!Array.isArray(archive.messages)) throw new HistoryArchiveError("A history archive without messages");
  return archive.messages.filter(isArchivedMessage);
}

function isArchivedMessage(value: unknown): value is ArchivedMessage {
  const m = value as Partial<ArchivedMessage> | null;
  return (
    typeof m === "object" &&
    m !== null &&
    typeof m.chatId === "string" &&
    typeof m.id === "string" &&
    typeof m.seq === "number" &&
    typeof m.createdAt === "string" &&
    typeof m.text === "string"
  );
}

const keyOf = (m: Pick<ArchivedMessage, "chatId" | "id">) => `${m.chatId}\u0000${m.id}`;

function byPlace(a: ArchivedMessage, b: ArchivedMessage): number {
  if (a.chatId !== b.chatId) return a.chatId < b.chatId ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Of two copies of one message, the one the merged archive keeps: a deletion is final, then the
 * later edit wins, and two copies alike in both are ordered by their JSON so that the choice does
 * not depend on which device merges (the merge is commutative).
 */
export function newerCopy(a: ArchivedMessage, b: ArchivedMessage): ArchivedMessage {
  const deleted = (m: ArchivedMessage) => (m.deletedAt ? 1 : 0);
  if (deleted(a) !== deleted(b)) return deleted(a) > deleted(b) ? a : b;
  const edited = (m: ArchivedMessage) => m.editedAt ?? "";
  if (edited(a) !== edited(b)) return edited(a) > edited(b) ? a : b;
  return JSON.stringify(a) >= JSON.stringify(b) ? a : b;
}

/**
 * Two archives as one, by message: every message of either (named by chat and message id), one
 * copy each (`newerCopy`). Two devices that back up at once each keep what only they decrypted
 * (each saw messages from its joining on); merging in either order gives the same bytes, and
 * merging an archive with itself changes nothing.
 */
export function mergeHistoryArchives(a: Uint8Array, b: Uint8Array): Uint8Array {
  const byKey = new Map<string, ArchivedMessage>();
  for (const message of [...decodeHistoryArchive(a), ...decodeHistoryArchive(b)]) {
    const key = keyOf(message);
    const held = byKey.get(key);
    byKey.set(key, held ? newerCopy(held, message) : message);
  }
  return encodeHistoryArchive([...byKey.values()]);
}

/**
 * The archive with only its newest `keep` messages (by time, then place): what a backup holds
 * when the whole history does not fit the server's limit (E2EE_KEY_BACKUP_MAX_BYTES).
 */
export function newestMessages(bytes: Uint8Array, keep: number): { archive: Uint8Array; kept: number; dropped: number } {
  const messages = decodeHistoryArchive(bytes);
  const newestFirst = [...messages].sort((x, y) => (x.createdAt !== y.createdAt ? (x.createdAt < y.createdAt ? 1 : -1) : -byPlace(x, y)));
  const kept = newestFirst.slice(0, Math.max(0, keep));
  return { archive: encodeHistoryArchive(kept), kept: kept.length, dropped: messages.length - kept.length };
}

/** How many messages an archive holds (a restore's "N earlier messages"). */
export function countArchivedMessages(bytes: Uint8Array): number {
  return decodeHistoryArchive(bytes).length;
}
