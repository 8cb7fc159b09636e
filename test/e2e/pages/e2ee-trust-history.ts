// Runs in the test's browser pages (bundled by test/e2e/e2ee-trust.test.ts) before the app: a
// decrypted history for the secure backup to store and restore into, kept in the page's
// localStorage so it survives the test's page loads, in the archive format of
// web/src/e2ee/key-backup-archive.ts. It stands in for web/src/e2ee/history-store.ts until that
// store is installed by the app; the test reaches whichever is installed only through the
// HistoryArchive interface (`globalThis.edgePlatformHistoryArchive`), so it holds for both.
import {
  type ArchivedMessage,
  decodeHistoryArchive,
  encodeHistoryArchive,
  type HistoryArchive,
  installHistoryArchive,
  newerCopy,
} from "../../../web/src/e2ee/key-backup-archive";

const KEY = "e2ee-trust-test.history";

function held(): Map<string, ArchivedMessage> {
  const stored = JSON.parse(localStorage.getItem(KEY) ?? "[]") as ArchivedMessage[];
  return new Map(stored.map((m) => [`${m.chatId}/${m.id}`, m]));
}

const history: HistoryArchive = {
  async exportHistory() {
    return encodeHistoryArchive([...held().values()]);
  },
  async importHistory(bytes) {
    const messages = held();
    let added = 0;
    for (const message of decodeHistoryArchive(bytes)) {
      const key = `${message.chatId}/${message.id}`;
      const before = messages.get(key);
      const kept = before ? newerCopy(before, message) : message;
      if (kept === before) continue;
      messages.set(key, kept);
      added++;
    }
    localStorage.setItem(KEY, JSON.stringify([...messages.values()]));
    return added;
  },
};

installHistoryArchive(history);
