import { describe, expect, it, vi } from "vitest";
import { ChatListSync, type ChatListSyncHost } from "../../shared/chat/chat-list-sync";
import type { LastMessage } from "../../shared/chat/model";
import { SendLimit } from "../../shared/chat/send-limit";
import { testDeps } from "../kit/deps";
import { connectHub, getChat, usersAndGroup } from "./fixtures";

describe("SendLimit (a room's per-sender message limit)", () => {
  it("allows `limit` sends per window for each sender separately, then 429 with the wait", () => {
    const limit = new SendLimit();
    const policy = { limit: 2, windowSeconds: 10 };
    expect(limit.take("a", policy, 1_000)).toBeNull();
    expect(limit.take("a", policy, 2_000)).toBeNull();
    expect(limit.take("b", policy, 2_000)).toBeNull();
    expect(limit.take("a", policy, 3_000)).toEqual({
      ok: false,
      status: 429,
      code: "rate_limited",
      detail: "At most 2 messages per 10 s in one chat",
      retryAfterSeconds: 8,
    });
    // The window slides: the send at 1 000 leaves it at 11 000.
    expect(limit.take("a", policy, 11_001)).toBeNull();
  });
});

function fakeHost(chatId: string, newest: () => LastMessage | null, everyMemberConnected = () => false) {
  const synced: number[] = [];
  const memberCounts: number[] = [];
  const retries: number[] = [];
  const pending: Promise<unknown>[] = [];
  // When each sync started: the first thing a sync awaits is connectionsKnown.
  const startedAt: number[] = [];
  const host: ChatListSyncHost = {
    chatId: () => chatId,
    newestMessage: newest,
    markSynced: (seq) => void synced.push(seq),
    connectionsKnown: async () => void startedAt.push(Date.now()),
    connectedUserIds: () => new Set(),
    everyMemberConnected,
    membersCounted: (count) => void memberCounts.push(count),
    waitUntil: (promise) => pending.push(promise),
    retryAt: async (at) => void retries.push(at),
  };
  return { host, synced, startedAt, retries, memberCounts, settled: () => Promise.all(pending) };
}

const lastMessage = (seq: number, senderId: string): LastMessage => ({
  id: `m-${seq}`,
  seq,
  senderId,
  text: `message ${seq}`,
  createdAt: new Date(Date.parse("2030-01-01T00:00:00Z") + seq).toISOString(),
  deletedAt: null,
});

describe("ChatListSync (a room's D1 chat-list summary)", () => {
  it("writes the newest message and the sender's read position, and reports what it synced", async () => {
    const { users, chat } = await usersAndGroup(2);
    let newest = lastMessage(3, users[0]!.id);
    const fake = fakeHost(chat.id, () => newest);
    const sync = new ChatListSync(fake.host, testDeps());
    sync.noteRead(users[0]!.id, 3);
    sync.queue();
    await fake.settled();
    expect(fake.synced).toEqual([3]);
    expect(fake.retries).toEqual([]);
    const seenBySender = await getChat(chat.id, users[0]!);
    expect(seenBySender).toMatchObject({ lastSeq: 3, readSeq: 3, unreadCount: 0, lastMessage: { id: "m-3", text: "message 3" } });
    expect(await getChat(chat.id, users[1]!)).toMatchObject({ lastSeq: 3, readSeq: 0, unreadCount: 3 });

    // A late sync of an older message never moves the summary back.
    newest = lastMessage(2, users[0]!.id);
    sync.queue();
    await fake.settled();
    expect((await getChat(chat.id, users[1]!)).lastSeq).toBe(3);
  });

  it("starts at most one sync per 250 ms, even when each one finishes before the next message", async () => {
    const { users, chat } = await usersAndGroup(1);
    let newest = lastMessage(1, users[0]!.id);
    const fake = fakeHost(chat.id, () => newest);
    const sync = new ChatListSync(fake.host, testDeps());
    sync.queue();
    await fake.settled();
    // The next message comes after the first sync finished: it waits for the interval, then syncs.
    newest = lastMessage(2, users[0]!.id);
    sync.queue();
    await fake.settled();
    expect(fake.synced).toEqual([1, 2]);
    // Measured between the starts, which the interval spaces: the ends also move with how long
    // each D1 batch took (a first batch 13 ms slower than the second once put them 237 ms apart).
    expect(fake.startedAt[1]! - fake.startedAt[0]!).toBeGreaterThanOrEqual(250);
  });

  it("does nothing while the room's log is closed", async () => {
    const { users, chat } = await usersAndGroup(1);
    const fake = fakeHost(chat.id, () => null);
    const sync = new ChatListSync(fake.host, testDeps());
    sync.queue();
    await fake.settled();
    expect(fake.synced).toEqual([]);
    expect((await getChat(chat.id, users[0]!)).lastSeq).toBe(0);
  });

  it("reads the members back only while one of them may be away from the room", async () => {
    const { users, chat } = await usersAndGroup(2);
    let newest = lastMessage(1, users[0]!.id);
    let allConnected = false;
    const fake = fakeHost(
      chat.id,
      () => newest,
      () => allConnected,
    );
    const sync = new ChatListSync(fake.host, testDeps());
    sync.queue();
    await fake.settled();
    // Not known to be all connected: the members are read (to notify those away).
    expect(fake.memberCounts).toEqual([2]);

    // Everyone has the room open: the summary moves on, nobody is read back or notified.
    allConnected = true;
    newest = lastMessage(2, users[0]!.id);
    sync.queue();
    await fake.settled();
    expect(fake.synced).toEqual([1, 2]);
    expect(fake.memberCounts).toHaveLength(1);
    expect((await getChat(chat.id, users[1]!)).lastSeq).toBe(2);

    // Someone left the room: the next message reads them back again.
    allConnected = false;
    newest = lastMessage(3, users[0]!.id);
    sync.queue();
    await fake.settled();
    expect(fake.memberCounts).toHaveLength(2);
  });

  it("tells only the members whose hub is open: an update cannot reach anyone else, and a chat of thousands would wake every account", async () => {
    const { users, chat } = await usersAndGroup(3);
    const [, online, offline] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const hub = await connectHub(online);
    const notified: string[] = [];
    const deps = testDeps();
    const userHub = (userId: string) => {
      notified.push(userId);
      return deps.objects.userHub(userId);
    };
    const objects = { ...deps.objects, userHub };
    const fake = fakeHost(chat.id, () => lastMessage(1, users[0]!.id));
    const sync = new ChatListSync(fake.host, { ...deps, objects });
    sync.queue();
    await fake.settled();
    expect(fake.memberCounts).toEqual([3]);
    // Neither the sender nor the third member has a hub open.
    expect(notified).toEqual([online.id]);
    expect(notified).not.toContain(offline.id);
    expect((await hub.next("chat.updated", (f) => f.chat.id === chat.id)).chat).toMatchObject({ lastSeq: 1, unreadCount: 1 });
    hub.close();
    // The last socket closed: offline again, so the next sync tells nobody.
    await vi.waitFor(
      async () => {
        notified.length = 0;
        sync.queue();
        await fake.settled();
        expect(notified).toEqual([]);
      },
      { timeout: 5_000, interval: 300 },
    );
  });
});
