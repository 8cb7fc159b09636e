import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClientFrames } from "../../shared/chat/frames";
import {
  MAX_ATTACHMENTS,
  MESSAGE_TEXT_MAX,
  MessageActionFields,
  mayDelete,
  mayEdit,
  mayReact,
  moderates,
  readPositionRefusal,
} from "../../shared/chat/message-rules";
import type { Message, Sender } from "../../shared/chat/model";

const ann: Sender = { userId: "ann", role: "user" };
const bob: Sender = { userId: "bob", role: "user" };
const mod: Sender = { userId: "mod", role: "moderator" };
const admin: Sender = { userId: "root", role: "admin" };

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: "m-1",
    chatId: "c-1",
    seq: 1,
    senderId: "ann",
    clientId: "client-1",
    text: "hello",
    attachments: [],
    createdAt: "2030-01-01T00:00:00.000Z",
    editedAt: null,
    deletedAt: null,
    reactions: [],
    replyTo: null,
    mentions: [],
    ...overrides,
  };
}
const deleted = message({ text: "", deletedAt: "2030-01-01T00:01:00.000Z" });

describe("who may act on a message", () => {
  it("moderators and admins moderate, users do not", () => {
    expect([ann, mod, admin].map((actor) => moderates(actor.role))).toEqual([false, true, true]);
  });

  it("only the sender edits, and not a deleted message", () => {
    expect(mayEdit(message(), ann)).toEqual({ ok: true, value: message() });
    expect(mayEdit(message(), bob)).toMatchObject({ ok: false, status: 403, code: "not_message_sender" });
    expect(mayEdit(message(), mod)).toMatchObject({ ok: false, status: 403, code: "not_message_sender" });
    expect(mayEdit(deleted, ann)).toMatchObject({ ok: false, status: 409, code: "message_deleted" });
    expect(mayEdit(null, ann)).toMatchObject({ ok: false, status: 404, code: "message_not_found" });
  });

  it("the sender or a moderator deletes; deleting again answers the deleted message", () => {
    expect(mayDelete(message(), ann)).toEqual({ ok: true, value: message() });
    expect(mayDelete(message(), bob)).toMatchObject({ ok: false, status: 403, code: "not_message_sender" });
    expect(mayDelete(message(), mod)).toMatchObject({ ok: true });
    expect(mayDelete(message(), admin)).toMatchObject({ ok: true });
    expect(mayDelete(deleted, ann)).toEqual({ ok: true, value: deleted });
    expect(mayDelete(null, mod)).toMatchObject({ ok: false, status: 404, code: "message_not_found" });
  });

  it("a sender's deleted account leaves their messages to moderators", () => {
    const orphan = message({ senderId: null });
    expect(mayDelete(orphan, ann)).toMatchObject({ ok: false, code: "not_message_sender" });
    expect(mayDelete(orphan, mod)).toMatchObject({ ok: true });
    expect(mayEdit(orphan, ann)).toMatchObject({ ok: false, code: "not_message_sender" });
  });

  it("anyone reacts, but not to a deleted message", () => {
    expect(mayReact(message())).toEqual({ ok: true, value: message() });
    expect(mayReact(deleted)).toMatchObject({ ok: false, status: 409, code: "message_deleted" });
    expect(mayReact(null)).toMatchObject({ ok: false, status: 404, code: "message_not_found" });
  });

  it("a read position goes up to the newest message", () => {
    expect(readPositionRefusal(0, 0)).toBeNull();
    expect(readPositionRefusal(5, 5)).toBeNull();
    expect(readPositionRefusal(6, 5)).toMatchObject({ ok: false, status: 400, code: "invalid_seq", detail: "seq 6 is past the newest message (5)" });
  });
});

describe("what a message carries, the same over REST and the socket", () => {
  const body = z.object(MessageActionFields.send);
  const frame = ChatClientFrames["message.send"];
  const inputs: unknown[] = [
    { clientId: "c-1", text: "hi" },
    { clientId: "c-1", text: "hi", attachments: ["file-1"] },
    { clientId: "c-1", text: "x".repeat(MESSAGE_TEXT_MAX) },
    { clientId: "c-1", text: "😀".repeat(MESSAGE_TEXT_MAX) },
    { clientId: "c-1", text: "x".repeat(MESSAGE_TEXT_MAX + 1) },
    { clientId: "c-1", text: "  " },
    { clientId: "", text: "hi" },
    { clientId: "a b", text: "hi" },
    { clientId: "c-1", text: "hi", attachments: Array.from({ length: MAX_ATTACHMENTS }, (_, i) => `f-${i}`) },
    { clientId: "c-1", text: "hi", attachments: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `f-${i}`) },
    { clientId: "c-1", text: "hi", attachments: ["../etc"] },
  ];

  it("a send body and a message.send frame accept and refuse the same", () => {
    for (const input of inputs) {
      const asBody = body.safeParse(input);
      const asFrame = frame.safeParse({ type: "message.send", ...(input as object) });
      expect(asFrame.success, JSON.stringify(input).slice(0, 80)).toBe(asBody.success);
      if (asBody.success && asFrame.success) expect(asFrame.data).toEqual({ type: "message.send", ...asBody.data });
    }
  });

  it("edit, reaction and read bodies are their frames without type and id", () => {
    expect(z.object(MessageActionFields.edit).safeParse({ text: " " }).success).toBe(false);
    expect(ChatClientFrames["message.edit"].safeParse({ type: "message.edit", id: "m-1", text: " " }).success).toBe(false);
    expect(z.object(MessageActionFields.reaction).parse({ emoji: "👍", remove: true })).toEqual({ emoji: "👍", remove: true });
    expect(ChatClientFrames.reaction.safeParse({ type: "reaction", id: "m-1", emoji: "not an emoji" }).success).toBe(false);
    expect(z.object(MessageActionFields.read).safeParse({ seq: -1 }).success).toBe(false);
    expect(ChatClientFrames.read.safeParse({ type: "read", seq: 1.5 }).success).toBe(false);
  });
});
