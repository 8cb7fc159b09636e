import { z } from "@hono/zod-openapi";
import { type Refusal, type Result, refusal } from "../platform/result";
import type { Message, MessageRelation, Sender } from "./model";

/**
 * The rules of a chat message, in one place for the REST routes (`workers/api/routes/chats.ts`)
 * and the ChatRoom's socket (`frames.ts`): what a message and each action on it carry, how big
 * they may be, and who may edit, delete or react. Membership (who may act in the chat at all) is
 * `chats.ts`'s, the send limit `SendLimit`'s.
 */

export const MESSAGE_TEXT_MAX = 4000;
export const MAX_ATTACHMENTS = 10;
/** 4000 characters of up to 4 UTF-8 bytes plus JSON overhead fit; bigger frames are refused. */
export const MAX_CHAT_FRAME_CHARS = 24 * 1024;

/** Text of 1..4000 characters (code points), not blank. */
export const MessageText = z
  .string()
  .refine((text) => text.trim().length > 0, "Text must not be blank")
  .refine((text) => [...text].length <= MESSAGE_TEXT_MAX, `Text is at most ${MESSAGE_TEXT_MAX} characters`)
  .openapi({ example: "Hello!" });

export const ClientId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, "Letters, digits and . _ : - only")
  .openapi({ description: "Chosen by the client; sending the same clientId again returns the first message" });

export const AttachmentIds = z
  .array(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "An attachment is the id of a file you uploaded (POST /v1/files)"))
  .max(MAX_ATTACHMENTS);

export const Emoji = z
  .string()
  .min(1)
  .max(32)
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: one or more emoji code points in a row, joiners included, is what this matches
  .regex(/^[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f\u20e3]+$/u, "Must be an emoji");

export const MessageId = z.string().min(1).max(64);

/** Most members one message mentions. */
export const MAX_MENTIONS = 50;

export const Mentions = z
  .array(z.string().min(1).max(64))
  .max(MAX_MENTIONS)
  .openapi({ description: "Ids of the members the text mentions (`@name`); ids of non-members are dropped" });

/** A read position: the seq of the newest message read. */
export const ReadSeq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * What each action on messages carries, field by field: the REST bodies and the socket frames
 * (which add their `type`) are built from these, so both accept exactly the same.
 */
export const MessageActionFields = {
  send: {
    clientId: ClientId,
    text: MessageText,
    attachments: AttachmentIds.optional(),
    replyTo: MessageId.optional().openapi({ description: "The id of the message this one answers (a message of the same chat, not deleted)" }),
    mentions: Mentions.optional(),
  },
  edit: { text: MessageText },
  reaction: { emoji: Emoji, remove: z.boolean().optional() },
  read: { seq: ReadSeq },
};

/** A message to send, as the route and the socket pass it to the room. */
export interface NewMessage {
  clientId: string;
  text: string;
  attachments?: string[];
  replyTo?: string;
  mentions?: string[];
  /** An encrypted chat's message: the MLS PrivateMessage, base64url, checked by the room (`text` is empty). */
  mls?: string;
  /** An encrypted chat's edit or reaction: the message it changes (from the message's authenticated data). */
  relatesTo?: MessageRelation;
}

export interface PlainSendFrame {
  type: "message.send";
  clientId: string;
  text: string;
}

/** The `ClientId` schema's rule (1..64 of letters, digits, `.`, `_`, `:`, `-`) as one expression. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The hot frame without zod: a `message.send` with a valid clientId, non-blank text of at most
 * MESSAGE_TEXT_MAX UTF-16 units (so certainly at most that many code points) and no
 * attachments, reply or mentions. Accepts only what the zod schema accepts, and returns the same shape (unknown keys
 * dropped); anything else is null and goes through the schema, which also says what is wrong.
 * Zod's parse was about 5% of the room's CPU per message at its ceiling (CPU profile of bench:chat).
 */
export function plainSendFrame(json: unknown): PlainSendFrame | null {
  if (typeof json !== "object" || json === null) return null;
  const { type, clientId, text, attachments, replyTo, mentions } = json as Record<string, unknown>;
  if (type !== "message.send" || attachments !== undefined || replyTo !== undefined || mentions !== undefined) return null;
  if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) return null;
  if (typeof text !== "string" || text.length > MESSAGE_TEXT_MAX || text.trim().length === 0) return null;
  return { type, clientId, text };
}

/** Moderators and admins may delete anyone's message. */
export const moderates = (role: Sender["role"]): boolean => role === "moderator" || role === "admin";

const notFound = () => refusal(404, "message_not_found", "No such message in this chat");

/** Only its sender edits a message, and not once it is deleted. */
export function mayEdit(message: Message | null, actor: Sender): Result<Message> {
  if (!message) return notFound();
  if (message.senderId !== actor.userId) return refusal(403, "not_message_sender", "Only the sender edits a message");
  if (message.deletedAt) return refusal(409, "message_deleted", "A deleted message cannot be edited");
  return { ok: true, value: message };
}

/** Its sender or a moderator deletes a message. A deleted message may be deleted again: the answer is the message as it is. */
export function mayDelete(message: Message | null, actor: Sender): Result<Message> {
  if (!message) return notFound();
  if (message.senderId !== actor.userId && !moderates(actor.role))
    return refusal(403, "not_message_sender", "Only the sender or a moderator deletes a message");
  return { ok: true, value: message };
}

/** Any member reacts to a message, but not to a deleted one. */
export function mayReact(message: Message | null): Result<Message> {
  if (!message) return notFound();
  if (message.deletedAt) return refusal(409, "message_deleted", "A deleted message takes no reactions");
  return { ok: true, value: message };
}

/**
 * An encrypted edit or reaction changes a live message of the chat that is not itself an edit or
 * a reaction; an edit only its sender's own (as `mayEdit`).
 */
export function mayRelateTo(message: Message | null, relation: MessageRelation, actor: Sender): Result<Message> {
  if (!message || message.relatesTo) return notFound();
  return relation.kind === "edit" ? mayEdit(message, actor) : mayReact(message);
}

/** A reply answers a live message of the same chat. */
export function mayReplyTo(message: Message | null): Result<Message> {
  if (!message) return refusal(404, "message_not_found", "The message replied to is not in this chat");
  if (message.deletedAt) return refusal(409, "message_deleted", "A deleted message cannot be replied to");
  return { ok: true, value: message };
}

/** A member forwards any live message of the chat (not a deleted one). */
export function mayForward(message: Message | null): Result<Message> {
  if (!message) return notFound();
  if (message.deletedAt) return refusal(409, "message_deleted", "A deleted message cannot be forwarded");
  return { ok: true, value: message };
}

/** A message forwarded into a chat: the original's text and files, and where it was first written. */
export interface ForwardedMessage {
  clientId: string;
  text: string;
  attachments: Message["attachments"];
  forwardedFrom: NonNullable<Message["forwardedFrom"]>;
  /** The chat it is forwarded from (which grants its files), not necessarily where it was first written. */
  fromChatId: string;
}

/** Most pinned messages of one chat. */
export const MAX_PINS = 50;

/**
 * Who pins: any member of a direct or group chat; in the general chat (every user) only
 * moderators, so one person cannot fill everybody's pinned bar. A deleted message is not pinned.
 */
export function mayPin(message: Message | null, actor: Sender, inGeneralChat: boolean): Result<Message> {
  if (!message) return notFound();
  if (inGeneralChat && !moderates(actor.role)) return refusal(403, "pin_not_allowed", "Only moderators pin messages in the general chat");
  if (message.deletedAt) return refusal(409, "message_deleted", "A deleted message cannot be pinned");
  return { ok: true, value: message };
}

/** A read position goes at most up to the newest message. */
export function readPositionRefusal(seq: number, lastSeq: number): Refusal | null {
  return seq > lastSeq ? refusal(400, "invalid_seq", `seq ${seq} is past the newest message (${lastSeq})`) : null;
}
