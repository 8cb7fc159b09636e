import { describe, expect, it } from "vitest";
import { ChatChannel } from "../../client/chat-channel";
import { backoffDelay, type LiveSocket } from "../../client/live-socket";
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

function channelWith(stored: Message[]) {
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
    {},
    { selfId: "me", pageSize: 2 },
  );
  return { channel, asked };
}

describe("ChatChannel", () => {
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
