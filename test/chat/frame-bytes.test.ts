import { describe, expect, it } from "vitest";
import { expandMessage, expandPin } from "../../client/chat-frames";
import { api, json } from "../helpers";
import type { TestSocket } from "../socket-client";
import { ChatServerFrames } from "../../shared/realtime/socket-protocols";
import type { Message } from "../../shared/chat/model";
import { connect, newClientId, usersAndGroup } from "./fixtures";

const bytes = (payload: string) => new TextEncoder().encode(payload).length;

/** The payload of the frame `socket.next` took last of `type` (sockets record every payload in order). */
async function nextPayload(socket: TestSocket, type: string, where?: (frame: Record<string, any>) => boolean): Promise<string> {
  const frame = await socket.next(type, where);
  return socket.payloads[socket.frames.indexOf(frame)]!;
}

describe("chat socket frames on the wire", () => {
  it("message.new for a short text is at most 200 bytes and carries the stored message, less chatId and the sender's clientId", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [sender, receiver] = await Promise.all(users.map((u) => connect(chat.id, u)));
    const clientId = newClientId();
    sender!.send({ type: "message.send", clientId, text: "t123.456" });
    const ack = await nextPayload(sender!, "message.ack");
    const fresh = await nextPayload(receiver!, "message.new");
    expect(bytes(fresh)).toBeLessThanOrEqual(200);
    expect(fresh).not.toContain(chat.id);
    expect(fresh).not.toContain(clientId);
    expect(ack).toContain(clientId);

    // What the typed client rebuilds is what REST returns: nothing was lost on the way.
    const stored = await json<{ items: Message[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: users[1]!.accessToken }));
    expect(expandMessage(JSON.parse(fresh).message, chat.id)).toEqual({ ...stored.items[0], clientId: "" });
    const acked = JSON.parse(ack);
    expect(expandMessage(acked.message, chat.id, acked.clientId)).toEqual(stored.items[0]);
    sender!.close();
    receiver!.close();
  });

  it("an edited, reacted, replied-to and pinned message arrives complete in message.updated and message.pinned", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = await Promise.all(users.map((u) => connect(chat.id, u)));
    ann!.send({ type: "message.send", clientId: "q1", text: "original" });
    const original = (await ann!.next("message.ack")).message;
    ann!.send({ type: "message.send", clientId: "q2", text: "reply", replyTo: original.id, mentions: [users[1]!.id] });
    const reply = (await ann!.next("message.ack")).message;
    ann!.send({ type: "message.edit", id: original.id, text: "edited" });
    await bob!.next("message.updated", (f) => f.message.id === original.id);
    bob!.send({ type: "reaction", id: reply.id, emoji: "👍" });
    const reacted = await bob!.next("message.updated", (f) => f.message.id === reply.id);
    await api(`/v1/chats/${chat.id}/pins`, { method: "POST", token: users[0]!.accessToken, body: { messageId: reply.id } });
    const pinned = await bob!.next("message.pinned");

    const stored = await json<{ items: Message[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: users[1]!.accessToken }));
    const storedReply = stored.items.find((m) => m.id === reply.id)!;
    expect(storedReply.replyTo).toMatchObject({ text: "edited" });
    expect(expandMessage(reacted.message, chat.id)).toEqual({ ...storedReply, clientId: "" });
    expect(expandPin(pinned.pin, chat.id).message).toEqual({ ...storedReply, clientId: "" });
    ann!.close();
    bob!.close();
  });

  it("measures every chat frame type (the table in docs/socket-protocols.md)", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = await Promise.all(users.map((u) => connect(chat.id, u)));
    ann!.send({ type: "message.send", clientId: newClientId(), text: "t123.456" });
    const first = (await ann!.next("message.ack")).message;
    ann!.send({ type: "message.send", clientId: newClientId(), text: "a reply", replyTo: first.id });
    await ann!.next("message.ack");
    ann!.send({ type: "message.edit", id: first.id, text: "t123.457" });
    bob!.send({ type: "typing" });
    bob!.send({ type: "read", seq: 2 });
    bob!.send({ type: "reaction", id: first.id, emoji: "👍" });
    bob!.send({ type: "ping" });
    bob!.send({ type: "no.such.frame" });
    await api(`/v1/chats/${chat.id}/pins`, { method: "POST", token: users[0]!.accessToken, body: { messageId: first.id } });
    await api(`/v1/chats/${chat.id}/pins/${first.id}`, { method: "DELETE", token: users[0]!.accessToken });
    await bob!.next("message.unpinned");
    await bob!.sync();
    await ann!.sync();

    const sizes = new Map<string, number[]>();
    for (const socket of [ann!, bob!])
      socket.frames.forEach((frame, i) => {
        const label = frame.type === "message.new" && frame.message.replyTo ? "message.new (a reply)" : frame.type;
        sizes.set(label, [...(sizes.get(label) ?? []), bytes(socket.payloads[i]!)]);
      });
    // An encrypted chat's mls.* frames carry MLS ciphertext, as large as what it seals: they are sent
    // and checked in test/e2ee/encrypted-chat.test.ts, not in this plain chat.
    for (const type of Object.keys(ChatServerFrames).filter((type) => !type.startsWith("mls."))) expect(sizes.has(type), `${type} measured`).toBe(true);
    expect(Math.max(...sizes.get("message.new")!)).toBeLessThanOrEqual(200);
    const table = [...sizes].map(([type, seen]) => `| \`${type}\` | ${Math.min(...seen)}-${Math.max(...seen)} |`).join("\n");
    console.log(`bytes per chat frame (payload, UTF-8):\n${table}`);
    ann!.close();
    bob!.close();
  });
});
