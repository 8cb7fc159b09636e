import { describe, expect, it } from "vitest";
import { newRecoveryKey } from "../../client/e2ee/backup";
import {
  type ArchivedMessage,
  decodeHistoryArchive,
  encodeHistoryArchive,
  type HistoryArchive,
  HistoryArchiveError,
  mergeHistoryArchives,
  newerCopy,
  newestMessages,
} from "../../web/src/e2ee/key-backup-archive";
import { type KeyBackupServer, restoreBackup, setUpBackup, updateBackup } from "../../web/src/e2ee/key-backup-sync";

const message = (chatId: string, seq: number, text: string, extra: Partial<ArchivedMessage> = {}): ArchivedMessage => ({
  chatId,
  id: `${chatId}-m${seq}`,
  seq,
  senderId: "ann",
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
  text,
  ...extra,
});
const texts = (bytes: Uint8Array) => decodeHistoryArchive(bytes).map((m) => `${m.chatId}#${m.seq}:${m.text}${m.deletedAt ? " (deleted)" : ""}`);

/** A device's decrypted history, as web/src/e2ee/history-store.ts keeps it, in memory. */
class MemoryHistory implements HistoryArchive {
  readonly messages = new Map<string, ArchivedMessage>();
  constructor(messages: ArchivedMessage[] = []) {
    for (const m of messages) this.messages.set(`${m.chatId}/${m.id}`, m);
  }
  async exportHistory() {
    return encodeHistoryArchive([...this.messages.values()]);
  }
  async importHistory(bytes: Uint8Array) {
    let added = 0;
    for (const m of decodeHistoryArchive(bytes)) {
      const held = this.messages.get(`${m.chatId}/${m.id}`);
      const kept = held ? newerCopy(held, m) : m;
      if (kept !== held) {
        this.messages.set(`${m.chatId}/${m.id}`, kept);
        added++;
      }
    }
    return added;
  }
}

/** `/v1/e2ee/key-backup` with the server's version rule (shared/e2ee/key-backup.ts) and a size limit. */
class MemoryBackupServer implements KeyBackupServer {
  stored: { version: number; blob: string } | null = null;
  puts = 0;
  /** Runs before a store is decided: another device storing in the same instant. */
  beforeStore?: () => Promise<void>;
  constructor(private readonly maxBlobChars = 1_000_000) {}
  async fetch() {
    return this.stored;
  }
  async store(replaces: number, blob: string) {
    const hook = this.beforeStore;
    this.beforeStore = undefined;
    await hook?.();
    this.puts++;
    if ((this.stored?.version ?? 0) !== replaces) return { ok: false as const, reason: "conflict" as const };
    if (blob.length > this.maxBlobChars) return { ok: false as const, reason: "too_large" as const };
    this.stored = { version: replaces + 1, blob };
    return { ok: true as const, version: replaces + 1 };
  }
}

describe("history archives (web/src/e2ee/key-backup-archive.ts)", () => {
  it("merge by message: each device's messages once, a deletion wins, then the later edit", () => {
    const laptop = encodeHistoryArchive([
      message("c1", 1, "hello"),
      message("c1", 2, "typo", { editedAt: "2026-01-01T00:05:00.000Z", text: "fixed" }),
      message("c1", 3, "kept"),
    ]);
    const phone = encodeHistoryArchive([
      message("c1", 2, "typo"),
      message("c1", 3, "", { deletedAt: "2026-01-01T00:09:00.000Z" }),
      message("c1", 4, "only the phone saw this"),
      message("c2", 1, "another chat"),
    ]);
    expect(texts(mergeHistoryArchives(laptop, phone))).toEqual([
      "c1#1:hello",
      "c1#2:fixed",
      "c1#3: (deleted)",
      "c1#4:only the phone saw this",
      "c2#1:another chat",
    ]);
  });

  it("is commutative and idempotent: either device merging gives the same bytes, merging twice changes nothing", () => {
    const a = encodeHistoryArchive([message("c1", 1, "one"), message("c1", 2, "two, as the laptop has it", { reactions: ["👍"] })]);
    const b = encodeHistoryArchive([message("c1", 2, "two, as the phone has it"), message("c1", 3, "three")]);
    const ab = mergeHistoryArchives(a, b);
    expect(mergeHistoryArchives(b, a)).toEqual(ab);
    expect(mergeHistoryArchives(ab, ab)).toEqual(ab);
    expect(mergeHistoryArchives(ab, a)).toEqual(ab);
  });

  it("keeps the fields the history store adds (file keys, replies) unchanged", () => {
    const withFile = message("c1", 1, "a photo", { files: [{ fileId: "f1", key: "k", iv: "i", sha256: "s" }], replyTo: "c1-m0" });
    expect(decodeHistoryArchive(mergeHistoryArchives(encodeHistoryArchive([withFile]), encodeHistoryArchive([])))).toEqual([withFile]);
  });

  it("refuses bytes that are not a history archive of this version, in words a caller can tell apart", () => {
    expect(() => decodeHistoryArchive(new TextEncoder().encode("{}"))).toThrow(HistoryArchiveError);
    expect(() => decodeHistoryArchive(Uint8Array.of(0xff, 0xfe))).toThrow(HistoryArchiveError);
    expect(() => decodeHistoryArchive(new TextEncoder().encode(JSON.stringify({ format: "edge-platform-history", version: 2, messages: [] })))).toThrow(
      "another version",
    );
  });

  it("the newest messages of an archive, for a backup that must fit the server's limit", () => {
    const all = encodeHistoryArchive([message("c1", 1, "old"), message("c2", 5, "newest"), message("c1", 3, "newer")]);
    const { archive, kept, dropped } = newestMessages(all, 2);
    expect([kept, dropped]).toEqual([2, 1]);
    expect(texts(archive)).toEqual(["c1#3:newer", "c2#5:newest"]);
  });
});

describe("the secure backup's updates (web/src/e2ee/key-backup-sync.ts)", () => {
  it("set up, then an update stores only when the history grew", async () => {
    const server = new MemoryBackupServer();
    const history = new MemoryHistory([message("c1", 1, "hello")]);
    const setUp = await setUpBackup({ server, archive: history, recoveryKey: newRecoveryKey() });
    expect(setUp.outcome).toMatchObject({ kind: "stored", version: 1, messages: 1 });
    const same = await updateBackup({ server, archive: history, key: setUp.key, progress: setUp.progress });
    expect(same.outcome).toEqual({ kind: "unchanged" });
    expect(server.puts).toBe(1);
    await history.importHistory(encodeHistoryArchive([message("c1", 2, "grew")]));
    const grown = await updateBackup({ server, archive: history, key: setUp.key, progress: same.progress });
    expect(grown.outcome).toMatchObject({ kind: "stored", version: 2, messages: 2 });
  });

  it("two devices store at once: the second gets 409, fetches, merges both histories by message and stores the merge; both devices end up with everything", async () => {
    const server = new MemoryBackupServer();
    const recoveryKey = newRecoveryKey();
    const laptop = new MemoryHistory([message("c1", 1, "seen by both"), message("c1", 2, "laptop only")]);
    const setUp = await setUpBackup({ server, archive: laptop, recoveryKey });
    const phone = new MemoryHistory();
    const restored = await restoreBackup({ server, archive: phone, recoveryKey });
    expect(restored).toMatchObject({ kind: "restored", added: 2, total: 2 });
    if (restored.kind !== "restored") return;
    await phone.importHistory(encodeHistoryArchive([message("c1", 3, "phone only, after it joined")]));
    await laptop.importHistory(encodeHistoryArchive([message("c1", 4, "laptop, meanwhile")]));

    // The laptop stores first, in the instant before the phone's upload is decided.
    server.beforeStore = async () => {
      expect((await updateBackup({ server, archive: laptop, key: setUp.key, progress: setUp.progress })).outcome).toMatchObject({ kind: "stored", version: 2 });
    };
    const phoneUpdate = await updateBackup({ server, archive: phone, key: restored.key, progress: restored.progress });
    expect(phoneUpdate.outcome).toMatchObject({ kind: "stored", version: 3, messages: 4 });
    const everything = ["c1#1:seen by both", "c1#2:laptop only", "c1#3:phone only, after it joined", "c1#4:laptop, meanwhile"];
    expect(texts(await phone.exportHistory())).toEqual(everything);
    const again = new MemoryHistory();
    expect(await restoreBackup({ server, archive: again, recoveryKey })).toMatchObject({ kind: "restored", added: 4 });
    expect(texts(await again.exportHistory())).toEqual(everything);
  });

  it("a backup deleted or set up again under another key elsewhere stops this device's updates", async () => {
    const server = new MemoryBackupServer();
    const history = new MemoryHistory([message("c1", 1, "x")]);
    const first = await setUpBackup({ server, archive: history, recoveryKey: newRecoveryKey() });
    await setUpBackup({ server, archive: new MemoryHistory([message("c9", 1, "elsewhere")]), recoveryKey: newRecoveryKey() });
    await history.importHistory(encodeHistoryArchive([message("c1", 2, "y")]));
    expect((await updateBackup({ server, archive: history, key: first.key, progress: first.progress })).outcome).toEqual({ kind: "key_changed" });
    server.stored = null;
    expect((await updateBackup({ server, archive: history, key: first.key, progress: first.progress })).outcome).toEqual({ kind: "deleted_elsewhere" });
  });

  it("a history larger than the server's limit keeps its newest messages; the rest stay on the devices", async () => {
    const server = new MemoryBackupServer(3_000);
    const many = Array.from({ length: 40 }, (_, i) => message("c1", i + 1, `message number ${i + 1} with some words in it`));
    const recoveryKey = newRecoveryKey();
    const setUp = await setUpBackup({ server, archive: new MemoryHistory(many), recoveryKey });
    expect(setUp.outcome).toMatchObject({ kind: "stored", messages: 10, dropped: 30 });
    expect(setUp.progress.dropped).toBe(30);
    const restored = new MemoryHistory();
    expect(await restoreBackup({ server, archive: restored, recoveryKey })).toMatchObject({ kind: "restored", added: 10 });
    expect(texts(await restored.exportHistory())[0]).toBe("c1#31:message number 31 with some words in it");
  });

  it("restoring: no backup, a typo, a wrong key and the right one are told apart", async () => {
    const server = new MemoryBackupServer();
    const device = new MemoryHistory();
    expect(await restoreBackup({ server, archive: device, recoveryKey: newRecoveryKey() })).toEqual({ kind: "no_backup" });
    const recoveryKey = newRecoveryKey();
    await setUpBackup({ server, archive: new MemoryHistory([message("c1", 1, "hi")]), recoveryKey });
    expect(await restoreBackup({ server, archive: device, recoveryKey: "not a key" })).toEqual({ kind: "not_a_key" });
    expect(await restoreBackup({ server, archive: device, recoveryKey: newRecoveryKey() })).toEqual({ kind: "wrong_key" });
    // Typed with other spacing and line breaks: the same key.
    expect(await restoreBackup({ server, archive: device, recoveryKey: recoveryKey.replace(/ /g, "\n  ") })).toMatchObject({ kind: "restored", added: 1 });
  });
});
