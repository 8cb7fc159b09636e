// The general chat's sockets live on fan-out shards (shared/chat/fanout.ts, durable-objects/chat-fanout.ts):
// every guarantee of a room's socket holds through them. The test runtime shares the general chat
// with every other file, so nothing here assumes its seq or who else is in it.
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../shared/clock";
import { fanoutShardName, fanoutShardOf } from "../../shared/chat/fanout";
import { GENERAL_CHAT_ID } from "../../shared/chat/model";
import { configOf } from "../../shared/config";
import { api, json, registerUser, type TestSocket, type TestUser } from "../helpers";
import { connect, getChat, type MessageBody, newClientId, postMessage, untilSynced } from "./fixtures";

const SHARDS = configOf(env).chat.fanoutShards;
const shardOf = (user: TestUser) => fanoutShardOf(user.id, SHARDS);

/** `count` new users whose sockets land on `count` different shards. */
async function usersOnDifferentShards(count: number): Promise<TestUser[]> {
  const users: TestUser[] = [];
  while (users.length < count) {
    const user = await registerUser();
    if (!users.some((u) => shardOf(u) === shardOf(user))) users.push(user);
  }
  return users;
}

/** Two more users who share a shard with `user`. */
async function userOnShardOf(user: TestUser): Promise<TestUser> {
  for (;;) {
    const other = await registerUser();
    if (shardOf(other) === shardOf(user)) return other;
  }
}

const closeAll = (sockets: TestSocket[]) => sockets.forEach((socket) => socket.close());

let typingTests = 0;
/**
 * The room counts its typing relays room-wide (5 a second), and earlier tests typed in this same
 * room, some on an advanced clock: each typing test starts a minute past every earlier one's clock.
 */
const pastEarlierTyping = () => clock.advance(++typingTests * 60_000);

afterEach(() => clock.reset());

describe("fan-out shards: the general chat's sockets", () => {
  it("a user's sockets go to one shard, the Worker's choice; shards are spread over users", () => {
    expect(SHARDS).toBeGreaterThan(1);
    const counts = new Array<number>(SHARDS).fill(0);
    for (let i = 0; i < 8000; i++) counts[fanoutShardOf(crypto.randomUUID(), SHARDS)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(8000 / SHARDS / 1.3);
  });

  it("a message reaches sockets on every shard in seq order; the sender gets its ack, its other device message.new", async () => {
    const [alice, bob, carol] = await usersOnDifferentShards(3);
    const sockets = await Promise.all([alice!, alice!, bob!, carol!].map((u) => connect(GENERAL_CHAT_ID, u)));
    const [sender, sendersOtherDevice, ...others] = sockets as [TestSocket, TestSocket, TestSocket, TestSocket];
    for (let n = 0; n < 5; n++) sender.send({ type: "message.send", clientId: `fan-${n}`, text: `to every shard ${n}` });
    const acks = await Promise.all(Array.from({ length: 5 }, () => sender.next("message.ack")));
    const seqs = acks.map((ack) => ack.message.seq as number);
    expect(acks.map((ack) => ack.clientId)).toEqual(["fan-0", "fan-1", "fan-2", "fan-3", "fan-4"]);
    expect(seqs).toEqual(Array.from({ length: 5 }, (_, i) => seqs[0]! + i));
    for (const socket of [sendersOtherDevice, ...others]) {
      const seen: number[] = [];
      for (let n = 0; n < 5; n++) seen.push((await socket.next("message.new", (f) => f.message.senderId === alice!.id)).message.seq);
      expect(seen).toEqual(seqs);
    }
    await sender.sync();
    expect(sender.waiting("message.new").filter((f) => f.message.senderId === alice!.id)).toHaveLength(0);
    closeAll(sockets);
  });

  it("hello tells the room's last seq; a REST send reaches the shards' sockets", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const before = await postMessage(GENERAL_CHAT_ID, alice!, "before bob connects");
    const socket = await connect(GENERAL_CHAT_ID, bob!);
    expect(socket.frames[0]).toMatchObject({ type: "hello", userId: bob!.id });
    expect(socket.frames[0]!.lastSeq).toBeGreaterThanOrEqual(before.seq);
    const sent = await postMessage(GENERAL_CHAT_ID, alice!, "via REST to a shard");
    expect((await socket.next("message.new", (f) => f.message.id === sent.id)).message.seq).toBe(sent.seq);
    socket.close();
  });

  it("a resend of a clientId is acknowledged again with the stored message, and nobody gets it twice", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    const clientId = newClientId();
    a!.send({ type: "message.send", clientId, text: "only once" });
    a!.send({ type: "message.send", clientId, text: "only once" });
    const first = await a!.next("message.ack");
    const second = await a!.next("message.ack");
    expect(second.message.id).toBe(first.message.id);
    await b!.next("message.new", (f) => f.message.id === first.message.id);
    await b!.sync();
    await postMessage(GENERAL_CHAT_ID, alice!, "a later one");
    await b!.next("message.new", (f) => f.message.text === "a later one");
    expect(b!.frames.filter((f) => f.type === "message.new" && f.message.id === first.message.id)).toHaveLength(1);
    closeAll([a!, b!]);
  });

  it("the per-user send limit, counted by the room, answers over a shard with rate_limited and the clientId", async () => {
    const [alice] = await usersOnDifferentShards(1);
    const socket = await connect(GENERAL_CHAT_ID, alice!);
    for (let n = 0; n < 12; n++) socket.send({ type: "message.send", clientId: `limit-${n}`, text: "fast" });
    expect(await socket.next("error")).toMatchObject({ code: "rate_limited", clientId: "limit-10" });
    await socket.sync();
    expect(socket.waiting("message.ack")).toHaveLength(10);
    expect(socket.closed).toBeNull();
    socket.close();
  });

  it("frames are checked on the shard: malformed ones are refused there, budgets count per user", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    a!.send("{not json");
    expect(await a!.next("error")).toMatchObject({ code: "malformed_frame" });
    a!.send({ type: "message.send", clientId: "blank", text: "   " });
    expect(await a!.next("error")).toMatchObject({ code: "invalid_frame" });
    // RATE_LIMIT_CHAT_TYPING is 10 per 10 s: the 11th typing frame is refused by the shard.
    for (let n = 0; n < 11; n++) a!.send({ type: "typing" });
    expect(await a!.next("error")).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
    await a!.sync();
    expect(a!.waiting("error")).toHaveLength(0);
    closeAll([a!, b!]);
  });

  it("typing relays are capped room-wide (5 a second): a few typists cannot cost more than the messages", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    pastEarlierTyping();
    for (let n = 0; n < 8; n++) a!.send({ type: "typing" });
    await a!.sync();
    await b!.sync();
    const relayed = () => b!.frames.filter((f) => f.type === "typing" && f.userId === alice!.id).length;
    expect(relayed()).toBe(5);
    expect(a!.waiting("error")).toHaveLength(0);
    clock.advance(1_100);
    a!.send({ type: "typing" });
    await vi.waitFor(() => expect(relayed()).toBe(6), untilSynced);
    closeAll([a!, b!]);
  });

  it("typing reaches everyone but the typist's own sockets, on every shard", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const neighbour = await userOnShardOf(alice!);
    const sockets = await Promise.all([alice!, alice!, bob!, neighbour].map((u) => connect(GENERAL_CHAT_ID, u)));
    const [typist, typistsOtherTab, other, sameShard] = sockets as [TestSocket, TestSocket, TestSocket, TestSocket];
    pastEarlierTyping();
    typist.send({ type: "typing" });
    await other.next("typing", (f) => f.userId === alice!.id);
    await sameShard.next("typing", (f) => f.userId === alice!.id);
    await typistsOtherTab.sync();
    expect(typistsOtherTab.waiting("typing").filter((f) => f.userId === alice!.id)).toHaveLength(0);
    closeAll(sockets);
  });

  it("a read position is stored and goes to the reader's other sockets only (in a room of thousands, not to everyone)", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const sent = await postMessage(GENERAL_CHAT_ID, bob!, "read me");
    const sockets = await Promise.all([alice!, alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    const [reader, readersOtherTab, other] = sockets as [TestSocket, TestSocket, TestSocket];
    reader.send({ type: "read", seq: sent.seq });
    expect(await readersOtherTab.next("read")).toMatchObject({ userId: alice!.id, seq: sent.seq });
    await vi.waitFor(async () => expect((await getChat(GENERAL_CHAT_ID, alice!)).readSeq).toBeGreaterThanOrEqual(sent.seq), untilSynced);
    await reader.sync();
    await other.sync();
    expect(other.waiting("read").filter((f) => f.userId === alice!.id)).toHaveLength(0);
    expect(reader.waiting("read").filter((f) => f.userId === alice!.id)).toHaveLength(0);
    closeAll(sockets);
  });

  it("edits and reactions from a shard reach every shard as message.updated; only the sender edits", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    a!.send({ type: "message.send", clientId: newClientId(), text: "first draft" });
    const { message } = await a!.next("message.ack");
    b!.send({ type: "message.edit", id: message.id, text: "not yours" });
    expect(await b!.next("error")).toMatchObject({ code: "not_message_sender", id: message.id });
    a!.send({ type: "message.edit", id: message.id, text: "final" });
    expect((await b!.next("message.updated", (f) => f.message.id === message.id)).message.text).toBe("final");
    b!.send({ type: "reaction", id: message.id, emoji: "👍" });
    expect((await a!.next("message.updated", (f) => f.message.id === message.id && f.message.reactions)).message.reactions).toEqual([
      { emoji: "👍", count: 1, userIds: [bob!.id] },
    ]);
    closeAll([a!, b!]);
  });

  it("logging out closes that session's socket on its shard (4001), and its frames are never handled", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    expect((await api("/v1/auth/logout", { method: "POST", token: alice!.accessToken })).status).toBe(204);
    expect((await a!.waitClosed(3000)).code).toBe(4001);
    await b!.sync();
    expect(b!.closed).toBeNull();
    b!.close();
  });

  it("a deleted account's sockets on its shard close (4003) and its messages lose their sender", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const sent = await postMessage(GENERAL_CHAT_ID, alice!, "soon anonymous");
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    const deleted = await api("/v1/me", { method: "DELETE", token: alice!.accessToken, body: { password: alice!.password } });
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    expect([4001, 4003]).toContain((await a!.waitClosed(5000)).code);
    const page = await json<{ items: MessageBody[] }>(
      await api(`/v1/chats/${GENERAL_CHAT_ID}/messages?after=${sent.seq - 1}&limit=1`, { token: bob!.accessToken }),
    );
    expect(page.items[0]).toMatchObject({ id: sent.id, senderId: null });
    b!.close();
  });

  it("a room that was evicted still reaches the sockets its shards hold, and knows who is connected there", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const receiver = await connect(GENERAL_CHAT_ID, bob!);
    await postMessage(GENERAL_CHAT_ID, alice!, "before the eviction");
    await receiver.next("message.new", (f) => f.message.text === "before the eviction");
    await evictDurableObject(env.CHAT_ROOM.getByName(GENERAL_CHAT_ID));
    const sent = await postMessage(GENERAL_CHAT_ID, alice!, "after the eviction");
    expect((await receiver.next("message.new", (f) => f.message.id === sent.id)).message.seq).toBe(sent.seq);
    const shards = await runInDurableObject(env.CHAT_ROOM.getByName(GENERAL_CHAT_ID), (_room, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM fanout_shards")
        .toArray()
        .map((row) => row.name),
    );
    expect(shards).toContain(fanoutShardName(GENERAL_CHAT_ID, shardOf(bob!)));
    receiver.close();
  });

  it("the chat list is kept: the sender's read position moves and the summary names the newest message", async () => {
    const [alice, bob] = await usersOnDifferentShards(2);
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(GENERAL_CHAT_ID, u)));
    a!.send({ type: "message.send", clientId: newClientId(), text: "summarised" });
    const { message } = await a!.next("message.ack");
    await vi.waitFor(async () => {
      const chat = await getChat(GENERAL_CHAT_ID, alice!);
      expect(chat.readSeq).toBeGreaterThanOrEqual(message.seq);
      expect(chat.lastSeq).toBeGreaterThanOrEqual(message.seq);
    }, untilSynced);
    closeAll([a!, b!]);
  });
});
