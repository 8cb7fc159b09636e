import { describe, expect, it } from "vitest";
import { ChatChannel, type ChatChannelEvents } from "../../client/chat-channel";
import { backoffDelay, type LiveSocket } from "../../client/live-socket";
import { expandMessage, expandPin } from "../../client/chat-frames";
import { wireMessage, wirePin } from "../../shared/chat/message-frame";
import type { Message } from "../../shared/chat/model";

const message = (seq: number, senderId = "other", clientId = `c${seq}`): Message => ({
  id: `m${seq}`,
  chatId: "chat",
  seq,
  senderId,
  clientId,
  text: `text ${seq}`,
  attachments: [],
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  deletedAt: null,
  reactions: [],
  replyTo: null,
  mentions: [],
});

function channelWith(stored: Message[], events: ChatChannelEvents = {}) {
  const asked: number[] = [];
  const channel = new ChatChannel(
    "chat",
    {
      async after(seq) {
        asked.push(seq);
        return stored.filter((m) => m.seq > seq);
      },
      async before(before, limit) {
        const older = stored.filter((m) => before === undefined || m.seq < before).reverse();
        return { items: older.slice(0, limit), more: older.length > limit };
      },
    },
    events,
    { selfId: "me", pageSize: 2 },
  );
  return { channel, asked };
}

describe("ChatChannel", () => {
  it("is loaded once its newest page is in, so an empty chat is told apart from one still loading", async () => {
    const empty = channelWith([]).channel;
    expect(empty.loaded).toBe(false);
    await empty.loadInitial();
    expect(empty.loaded).toBe(true);
    expect(empty.messages).toEqual([]);
    let answer: (() => void) | undefined;
    const slow = new ChatChannel(
      "chat",
      {
        after: async () => [],
        before: () => new Promise((resolve) => (answer = () => resolve({ items: [message(1)], more: false }))),
      },
      {},
      { selfId: "me" },
    );
    const loading = slow.loadInitial();
    expect(slow.loaded).toBe(false);
    answer?.();
    await loading;
    expect(slow.loaded).toBe(true);
    expect(slow.messages.map((m) => m.seq)).toEqual([1]);
  });

  it("holds each seq once whether it came live, in a catch-up page or twice", async () => {
    const stored = [1, 2, 3, 4, 5].map((seq) => message(seq));
    const { channel, asked } = channelWith(stored);
    await channel.loadInitial(); // seq 4 and 5
    channel.handleFrame({ type: "message.new", message: message(5) });
    channel.handleFrame({ type: "message.new", message: message(7) }); // 6 not seen yet: a gap
    expect(channel.lastSeq).toBe(5);
    stored.push(message(6), message(7));
    channel.handleFrame({ type: "hello", lastSeq: 7 });
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([5]);
    expect(channel.lastSeq).toBe(7);
    await channel.loadOlder();
    await channel.loadOlder();
    expect(channel.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(channel.hasOlder).toBe(false);
  });

  it("an acknowledged send leaves the outbox; a refused one is marked failed and can be retried", () => {
    const { channel } = channelWith([]);
    const sent = channel.send("hi");
    const refused = channel.send("too fast");
    channel.handleFrame({ type: "message.ack", clientId: sent.clientId, message: message(1, "me", sent.clientId) });
    channel.handleFrame({ type: "error", code: "rate_limited", detail: "Slow down", clientId: refused.clientId });
    expect(channel.outbox.map((p) => [p.clientId, p.status])).toEqual([[refused.clientId, "failed"]]);
    channel.retry(refused.clientId);
    expect(channel.outbox[0]!.status).toBe("sending");
    channel.discard(refused.clientId);
    expect(channel.outbox).toEqual([]);
  });
});

describe("ChatChannel send timeout", () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  function timedChannel() {
    const frames: Record<string, unknown>[] = [];
    let open = false;
    const channel = new ChatChannel(
      "chat",
      { after: async () => [], before: async () => ({ items: [], more: false }) },
      {},
      { selfId: "me", sendTimeoutMs: 30 },
    );
    channel.attach({ send: (frame: Record<string, unknown>) => open && frames.push(frame) > 0 } as unknown as LiveSocket);
    const connect = async () => {
      open = true;
      channel.handleState("open");
      channel.handleFrame({ type: "hello", lastSeq: 0 });
      await wait(0);
    };
    const drop = () => {
      open = false;
      channel.handleState("waiting");
    };
    return { channel, frames, connect, drop };
  }

  it("a send before the room's hello stays sending past the timeout and goes out on the hello", async () => {
    const { channel, frames, connect } = timedChannel();
    const pending = channel.send("early");
    await wait(60);
    expect(channel.outbox.map((p) => p.status)).toEqual(["sending"]);
    await connect();
    expect(frames).toEqual([{ type: "message.send", clientId: pending.clientId, text: "early" }]);
    channel.handleFrame({ type: "message.ack", clientId: pending.clientId, message: message(1, "me", pending.clientId) });
    expect(channel.outbox).toEqual([]);
  });

  it("a send the room does not answer fails after the timeout; one cut off by a drop waits for the next hello", async () => {
    const { channel, frames, connect, drop } = timedChannel();
    await connect();
    const unanswered = channel.send("into the void");
    await wait(60);
    expect(channel.outbox.map((p) => [p.text, p.status, p.error])).toEqual([["into the void", "failed", "Not delivered"]]);
    channel.discard(unanswered.clientId);

    const cutOff = channel.send("cut off");
    drop();
    await wait(60);
    expect(channel.outbox.map((p) => p.status)).toEqual(["sending"]);
    await connect();
    expect(frames.filter((f) => f.clientId === cutOff.clientId)).toHaveLength(2);
    await wait(60);
    expect(channel.outbox.map((p) => p.status)).toEqual(["failed"]);
  });
});

describe("ChatChannel with a transport of its own", () => {
  it("hands each send to the transport, and tells it when a pending message is deleted", () => {
    const transmitted: string[] = [];
    const discarded: string[] = [];
    const channel = new ChatChannel(
      "chat",
      { after: async () => [], before: async () => ({ items: [], more: false }) },
      {},
      { selfId: "me", transmit: (pending) => transmitted.push(pending.clientId), discard: (clientId) => discarded.push(clientId) },
    );
    const kept = channel.send("kept");
    const dropped = channel.send("dropped");
    expect(transmitted).toEqual([kept.clientId, dropped.clientId]);
    channel.discard(dropped.clientId);
    expect(discarded).toEqual([dropped.clientId]);
    expect(channel.outbox.map((p) => p.text)).toEqual(["kept"]);
    // A message no longer pending (or never sent) is nothing to drop.
    channel.discard(dropped.clientId);
    channel.discard("unknown");
    expect(discarded).toEqual([dropped.clientId]);
  });
});

describe("ChatChannel replies", () => {
  it("a reply held here quotes the original as it is now: an edit or a delete of it changes the quote", async () => {
    const original = message(1);
    const reply = {
      ...message(2),
      replyTo: { id: original.id, seq: 1, senderId: original.senderId, text: original.text, hasAttachments: false, editedAt: null, deletedAt: null },
    };
    const { channel } = channelWith([original, reply]);
    await channel.loadInitial();
    const edited = { ...original, text: "changed", editedAt: new Date(1).toISOString() };
    channel.handleFrame({ type: "message.updated", message: edited });
    expect(channel.messages.find((m) => m.seq === 2)!.replyTo).toMatchObject({ text: "changed", editedAt: edited.editedAt });
    channel.handleFrame({ type: "message.updated", message: { ...edited, text: "", deletedAt: new Date(2).toISOString() } });
    expect(channel.messages.find((m) => m.seq === 2)!.replyTo).toMatchObject({ text: "", deletedAt: new Date(2).toISOString() });
  });

  it("a send carries the id it answers and the members it mentions", () => {
    const sent: unknown[] = [];
    const { channel } = channelWith([]);
    const socket = {
      send(frame: unknown) {
        sent.push(frame);
        return true;
      },
    };
    channel.attach(socket as unknown as LiveSocket);
    const pending = channel.send("@Ann yes", [], { replyTo: message(3), mentions: ["ann"] });
    expect(pending.replyTo).toMatchObject({ id: "m3", text: "text 3" });
    expect(sent).toEqual([{ type: "message.send", clientId: pending.clientId, text: "@Ann yes", replyTo: "m3", mentions: ["ann"] }]);
  });
});

describe("ChatChannel attachments", () => {
  it("a send carries the ids of its uploaded files; the outbox keeps the files for display and for the resend", () => {
    const { channel } = channelWith([]);
    const frames: Record<string, unknown>[] = [];
    channel.attach({ send: (frame: Record<string, unknown>) => frames.push(frame) > 0 } as unknown as LiveSocket);
    const photo = { id: "f-photo", name: "cat.png", contentType: "image/png", size: 1234 };
    const pending = channel.send("look", [photo]);
    channel.send("no files");
    expect(channel.outbox[0]!.attachments).toEqual([photo]);
    expect(frames).toEqual([
      { type: "message.send", clientId: pending.clientId, text: "look", attachments: ["f-photo"] },
      { type: "message.send", clientId: channel.outbox[1]!.clientId, text: "no files" },
    ]);
    channel.handleFrame({ type: "error", code: "unknown_attachment", detail: "No file f-photo of yours", clientId: pending.clientId });
    channel.retry(pending.clientId);
    expect(frames.at(-1)).toEqual({ type: "message.send", clientId: pending.clientId, text: "look", attachments: ["f-photo"] });
  });
});

describe("backoffDelay", () => {
  it("waits a uniform share of base * 2^attempt, capped", () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, backoff, () => 1)).toBe(100);
    expect(backoffDelay(3, backoff, () => 1)).toBe(800);
    expect(backoffDelay(10, backoff, () => 1)).toBe(1000);
    expect(backoffDelay(10, backoff, () => 0)).toBe(0);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(200);
  });
});

describe("ChatChannel reads messages in their socket form (client/chat-frames.ts)", () => {
  // A UUIDv7 made at 2026-11-25T06:00:00.000Z: the socket leaves createdAt out, the id says it.
  const hex = Date.UTC(2026, 10, 25, 6).toString(16).padStart(12, "0");
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7abc-8def-0123456789ab`;

  it("a message.new without chatId, clientId, nulls, empty arrays and createdAt is held and announced as the whole message", async () => {
    const announced: Message[] = [];
    const { channel } = channelWith([], { message: (m) => announced.push(m) });
    await channel.loadInitial();
    channel.handleFrame({ type: "message.new", message: { id: messageId, seq: 1, text: "t123.456", senderId: "other" } });
    const whole: Message = {
      id: messageId,
      chatId: "chat",
      seq: 1,
      senderId: "other",
      clientId: "",
      text: "t123.456",
      attachments: [],
      createdAt: "2026-11-25T06:00:00.000Z",
      editedAt: null,
      deletedAt: null,
      reactions: [],
      replyTo: null,
      mentions: [],
    };
    expect(channel.messages).toEqual([whole]);
    expect(announced).toEqual([whole]);
  });

  it("the ack gives the sender's message its clientId; a later message.updated keeps it", () => {
    const { channel } = channelWith([]);
    const sent = channel.send("mine");
    channel.handleFrame({ type: "message.ack", clientId: sent.clientId, message: { id: messageId, seq: 1, text: "mine", senderId: "me" } });
    expect(channel.outbox).toEqual([]);
    expect(channel.messages[0]).toMatchObject({ clientId: sent.clientId, senderId: "me", chatId: "chat" });
    channel.handleFrame({
      type: "message.updated",
      message: {
        id: messageId,
        seq: 1,
        text: "mine!",
        senderId: "me",
        editedAt: "2026-11-25T06:01:00.000Z",
        reactions: [{ emoji: "👍", count: 1, userIds: ["other"] }],
      },
    });
    expect(channel.messages[0]).toMatchObject({ clientId: sent.clientId, text: "mine!", editedAt: "2026-11-25T06:01:00.000Z", reactions: [{ emoji: "👍" }] });
  });

  it("what the server leaves out, the client puts back: every field of every kind of message survives the trip", () => {
    const shapes: Message[] = [
      { ...message(1), id: messageId, createdAt: "2026-11-25T06:00:00.000Z" },
      // An id that is not a UUIDv7 (or one whose instant differs) keeps its createdAt on the wire.
      { ...message(2), createdAt: "2026-11-25T06:00:00.001Z" },
      { ...message(3), id: messageId, createdAt: "2026-11-25T06:00:00.001Z" },
      // The sender deleted their account; a deleted reply to a quoted message with files; mentions; reactions.
      { ...message(4), senderId: null, text: "", deletedAt: "2026-11-25T06:02:00.000Z", editedAt: "2026-11-25T06:01:00.000Z" },
      {
        ...message(5),
        attachments: [{ id: "f1", name: "a.ogg", contentType: "audio/ogg", size: 10, durationMs: 1200, waveform: "0v" }],
        reactions: [{ emoji: "🎉", count: 2, userIds: ["a", "b"] }],
        mentions: ["a"],
        replyTo: { id: "m1", seq: 1, senderId: null, text: "", hasAttachments: true, editedAt: null, deletedAt: "2026-11-25T06:02:00.000Z" },
      },
      { ...message(6), replyTo: { id: "m2", seq: 2, senderId: "x", text: "q", hasAttachments: false, editedAt: "2026-11-25T06:03:00.000Z", deletedAt: null } },
    ];
    for (const shape of shapes) {
      const onWire = JSON.parse(JSON.stringify(wireMessage(shape)));
      expect(onWire).not.toHaveProperty("chatId");
      expect(onWire).not.toHaveProperty("clientId");
      expect(expandMessage(onWire, shape.chatId, shape.clientId)).toEqual(shape);
    }
    const pin = { message: shapes[4]!, pinnedBy: null, pinnedAt: "2026-11-25T06:04:00.000Z" };
    const pinOnWire = JSON.parse(JSON.stringify(wirePin(pin)));
    expect(expandPin(pinOnWire, "chat")).toEqual({ ...pin, message: { ...pin.message, clientId: "" } });
  });
});
