import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MessageLog } from "../../shared/chat/message-log";
import { unique } from "../helpers";

const T0 = Date.parse("2026-01-01T10:00:00Z");

/** Runs `body` with a MessageLog on the SQLite of a fresh ChatRoom object (only its storage is used). */
async function withLog(body: (log: MessageLog, sql: SqlStorage) => void): Promise<void> {
  const chatId = `unit-${unique()}`;
  await runInDurableObject(env.CHAT_ROOM.getByName(chatId), (_room, state) => body(new MessageLog(state.storage.sql, chatId), state.storage.sql));
}

let n = 0;
const append = (log: MessageLog, senderId: string, text: string, at = T0 + n) =>
  log.append({ id: `m-${++n}`, senderId, clientId: `c-${n}`, text, attachments: [], now: at })!;

describe("MessageLog.append", () => {
  it("numbers messages 1, 2, 3 ... and a log opened again on the same storage continues from the last", async () => {
    await withLog((log, sql) => {
      expect(log.lastSeq).toBe(0);
      expect([append(log, "a", "one"), append(log, "b", "two"), append(log, "a", "three")].map((m) => m.seq)).toEqual([1, 2, 3]);
      const reopened = new MessageLog(sql, "same");
      expect(reopened.lastSeq).toBe(3);
      expect(reopened.lastMessage()).toMatchObject({ seq: 3, senderId: "a", text: "three", deletedAt: null });
    });
  });

  it("returns the stored message as readers will see it", async () => {
    await withLog((log) => {
      const message = log.append({
        id: "m-x",
        senderId: "a",
        clientId: "cx",
        text: "hello",
        attachments: [{ id: "f1", contentType: "image/png", size: 3 }],
        now: T0,
      })!;
      expect(message).toEqual({
        id: "m-x",
        chatId: expect.stringMatching(/^unit-/),
        seq: 1,
        senderId: "a",
        clientId: "cx",
        text: "hello",
        attachments: [{ id: "f1", contentType: "image/png", size: 3 }],
        createdAt: new Date(T0).toISOString(),
        editedAt: null,
        deletedAt: null,
        reactions: [],
        replyTo: null,
        mentions: [],
      });
      expect(log.findById("m-x")).toEqual(message);
    });
  });

  it("finds a send again by (sender, clientId): the same clientId of another sender is another message", async () => {
    await withLog((log) => {
      log.append({ id: "m-a", senderId: "a", clientId: "same", text: "from a", attachments: [], now: T0 });
      log.append({ id: "m-b", senderId: "b", clientId: "same", text: "from b", attachments: [], now: T0 });
      expect(log.findByClientId("a", "same")?.id).toBe("m-a");
      expect(log.findByClientId("b", "same")?.id).toBe("m-b");
      expect(log.findByClientId("c", "same")).toBeNull();
    });
  });

  it("refuses a second copy of (sender, clientId) at the storage level: nothing stored, no seq taken", async () => {
    await withLog((log, sql) => {
      log.append({ id: "m-1", senderId: "a", clientId: "dup", text: "x", attachments: [], now: T0 });
      expect(log.append({ id: "m-2", senderId: "a", clientId: "dup", text: "y", attachments: [], now: T0 })).toBeNull();
      expect(log.lastSeq).toBe(1);
      expect(sql.exec("SELECT id, text FROM messages").toArray()).toEqual([{ id: "m-1", text: "x" }]);
      expect(append(log, "a", "next").seq).toBe(2);
    });
  });
});

describe("MessageLog edits, deletes and reactions", () => {
  it("an edit changes the text and editedAt; search finds the new text, not the old", async () => {
    await withLog((log) => {
      const original = append(log, "a", "lunch at noon");
      const edited = log.edit(original.id, "dinner at eight", T0 + 5_000)!;
      expect(edited).toMatchObject({ seq: original.seq, text: "dinner at eight", editedAt: new Date(T0 + 5_000).toISOString() });
      expect(log.page({ limit: 10, q: "lunch" }).items).toEqual([]);
      expect(log.page({ limit: 10, q: "dinner" }).items.map((m) => m.id)).toEqual([original.id]);
    });
  });

  it("a soft delete keeps the seq, clears text, attachments and reactions, and cannot be edited", async () => {
    await withLog((log) => {
      const message = log.append({
        id: "m-d",
        senderId: "a",
        clientId: "cd",
        text: "secret",
        attachments: [{ id: "f", contentType: null, size: 1 }],
        now: T0,
      })!;
      log.react(message.seq, "b", "👍", true, T0);
      const deleted = log.softDelete(message.id, T0 + 1)!;
      expect(deleted).toMatchObject({ seq: 1, text: "", attachments: [], reactions: [], deletedAt: new Date(T0 + 1).toISOString() });
      expect(log.softDelete(message.id, T0 + 2)).toBeNull();
      expect(log.edit(message.id, "back", T0 + 3)).toBeNull();
      expect(log.page({ limit: 10, q: "secret" }).items).toEqual([]);
      expect(log.lastMessage()).toMatchObject({ seq: 1, text: "", deletedAt: new Date(T0 + 1).toISOString() });
    });
  });

  it("reactions group by emoji in the order given; adding twice counts once; removing takes one user's away", async () => {
    await withLog((log) => {
      const message = append(log, "a", "react to me");
      log.react(message.seq, "b", "👍", true, T0 + 1);
      log.react(message.seq, "c", "👍", true, T0 + 2);
      log.react(message.seq, "c", "👍", true, T0 + 3);
      log.react(message.seq, "b", "🎉", true, T0 + 4);
      expect(log.findById(message.id)!.reactions).toEqual([
        { emoji: "👍", count: 2, userIds: ["b", "c"] },
        { emoji: "🎉", count: 1, userIds: ["b"] },
      ]);
      log.react(message.seq, "b", "👍", false, T0 + 5);
      expect(log.findById(message.id)!.reactions).toEqual([
        { emoji: "👍", count: 1, userIds: ["c"] },
        { emoji: "🎉", count: 1, userIds: ["b"] },
      ]);
    });
  });

  it("anonymising a sender unlinks their messages from them and drops their reactions", async () => {
    await withLog((log) => {
      const mine = append(log, "gone", "mine");
      const theirs = append(log, "other", "theirs");
      log.react(theirs.seq, "gone", "👍", true, T0);
      log.react(theirs.seq, "other", "👍", true, T0 + 1);
      log.anonymiseSender("gone");
      expect(log.findById(mine.id)).toMatchObject({ senderId: null, text: "mine" });
      expect(log.findById(theirs.id)!.reactions).toEqual([{ emoji: "👍", count: 1, userIds: ["other"] }]);
      expect(log.bySender("gone")).toEqual([]);
      expect(log.bySender("other").map((m) => m.id)).toEqual([theirs.id]);
    });
  });
});

describe("MessageLog.page", () => {
  it("pages newest first by default, oldest first after a seq, and says where the next page starts", async () => {
    await withLog((log) => {
      for (let i = 1; i <= 5; i++) append(log, "a", `m${i}`);
      const newest = log.page({ limit: 2 });
      expect(newest.items.map((m) => m.seq)).toEqual([5, 4]);
      expect(newest.next).toEqual({ direction: "desc", seq: 4 });
      expect(log.page({ limit: 2, before: 4 }).items.map((m) => m.seq)).toEqual([3, 2]);
      expect(log.page({ limit: 2, before: 2 })).toMatchObject({ next: null });
      const forwards = log.page({ limit: 3, after: 1 });
      expect(forwards.items.map((m) => m.seq)).toEqual([2, 3, 4]);
      expect(forwards.next).toEqual({ direction: "asc", seq: 4 });
      expect(log.page({ limit: 3, after: 5 })).toEqual({ items: [], next: null });
    });
  });

  it("searches by word prefix, newest first, and finds nothing for a query without words", async () => {
    await withLog((log) => {
      append(log, "a", "Café au lait");
      append(log, "a", "lunchtime");
      append(log, "a", "Lunch!");
      expect(log.page({ limit: 10, q: "lunch" }).items.map((m) => m.text)).toEqual(["Lunch!", "lunchtime"]);
      expect(log.page({ limit: 10, q: "cafe" }).items.map((m) => m.text)).toEqual(["Café au lait"]);
      expect(log.page({ limit: 10, q: '" * (' })).toEqual({ items: [], next: null });
    });
  });
});

describe("MessageLog search index (indexed in batches)", () => {
  const ftsRows = (sql: SqlStorage) => sql.exec<{ rowid: number; text: string }>("SELECT rowid, text FROM messages_fts ORDER BY rowid").toArray();

  it("a stored message is not indexed on the send path, yet a search finds it at once", async () => {
    await withLog((log, sql) => {
      const first = append(log, "a", "picnic on sunday");
      expect(ftsRows(sql)).toEqual([]);
      expect(log.page({ limit: 10, q: "picnic" }).items.map((m) => m.id)).toEqual([first.id]);
      expect(ftsRows(sql)).toEqual([{ rowid: 1, text: "picnic on sunday" }]);
      expect(log.indexedSeq).toBe(1);
    });
  });

  it("indexPending indexes every message since the last run once, skipping deleted ones, and remembers where it stopped", async () => {
    await withLog((log, sql) => {
      append(log, "a", "one apple");
      const two = append(log, "b", "two apples");
      append(log, "a", "three apples");
      log.softDelete(two.id, T0);
      log.indexPending();
      log.indexPending();
      expect(ftsRows(sql)).toEqual([
        { rowid: 1, text: "one apple" },
        { rowid: 3, text: "three apples" },
      ]);
      append(log, "b", "four apples");
      const reopened = new MessageLog(sql, "same");
      expect(reopened.indexedSeq).toBe(3);
      expect(reopened.page({ limit: 10, q: "apple" }).items.map((m) => m.seq)).toEqual([4, 3, 1]);
      expect(ftsRows(sql).map((r) => r.rowid)).toEqual([1, 3, 4]);
    });
  });

  it("edits and deletes of messages not indexed yet leave the index to indexPending; of indexed ones, change it at once", async () => {
    await withLog((log, sql) => {
      const indexed = append(log, "a", "old words");
      log.indexPending();
      const fresh = append(log, "a", "fresh words");
      const gone = append(log, "a", "gone words");
      log.edit(indexed.id, "new words", T0);
      log.edit(fresh.id, "fresher words", T0);
      log.softDelete(gone.id, T0);
      expect(ftsRows(sql)).toEqual([{ rowid: 1, text: "new words" }]);
      expect(log.page({ limit: 10, q: "words" }).items.map((m) => m.text)).toEqual(["fresher words", "new words"]);
      expect(log.page({ limit: 10, q: "fresh" }).items.map((m) => m.text)).toEqual(["fresher words"]);
      expect(log.page({ limit: 10, q: "gone" }).items).toEqual([]);
      expect(ftsRows(sql).map((r) => r.rowid)).toEqual([1, 2]);
    });
  });

  it("a room from before batched indexing (every live message already indexed, no watermark) is not indexed twice", async () => {
    await withLog((log, sql) => {
      append(log, "a", "legacy one");
      append(log, "a", "legacy two");
      sql.exec("INSERT INTO messages_fts (rowid, text) SELECT seq, text FROM messages");
      sql.exec("DELETE FROM room_state WHERE key = 'indexed_seq'");
      const reopened = new MessageLog(sql, "same");
      expect(reopened.indexedSeq).toBe(2);
      expect(reopened.page({ limit: 10, q: "legacy" }).items.map((m) => m.seq)).toEqual([2, 1]);
      expect(ftsRows(sql)).toHaveLength(2);
    });
  });
});

describe("MessageLog room state", () => {
  it("keeps small named counters (0 until set)", async () => {
    await withLog((log) => {
      expect(log.getState("synced_seq")).toBe(0);
      log.setState("synced_seq", 7);
      log.setState("synced_seq", 9);
      expect(log.getState("synced_seq")).toBe(9);
    });
  });
});

describe("MessageLog.carriesFile", () => {
  it("is true while a live message carries the file, false once the last one is deleted", async () => {
    await withLog((log) => {
      const file = { id: "f-carried", name: "a.pdf", contentType: "application/pdf", size: 3 };
      const first = log.append({ id: "m-c1", senderId: "a", clientId: "cc1", text: "one", attachments: [file], now: T0 })!;
      const second = log.append({ id: "m-c2", senderId: "a", clientId: "cc2", text: "two", attachments: [file, { ...file, id: "f-other" }], now: T0 + 1 })!;
      append(log, "b", "no files");
      expect(log.carriesFile("f-carried")).toBe(true);
      expect(log.carriesFile("f-nowhere")).toBe(false);
      log.softDelete(first.id, T0 + 2);
      expect(log.carriesFile("f-carried")).toBe(true);
      log.softDelete(second.id, T0 + 3);
      expect(log.carriesFile("f-carried")).toBe(false);
      expect(log.carriesFile("f-other")).toBe(false);
    });
  });
});
