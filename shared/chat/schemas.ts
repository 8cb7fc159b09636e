import { z } from "@hono/zod-openapi";
import { ActiveGroupCallSchema } from "../calls/group-call-schema";
import { MessageRelationSchema } from "./message-relation";

// The chat module's OpenAPI schemas (REST answers and the AsyncAPI document). Apart from
// ./model.ts, which derives its types from them, so that what only reads the types (the chat
// room, the chat list sync) does not build them at startup (bench:startup).

export const AttachmentSchema = z
  .object({
    id: z.string().openapi({ description: "File id (GET /v1/files/{id})" }),
    name: z.string().optional(),
    contentType: z.string().nullable(),
    size: z.number().int(),
    durationMs: z.number().int().optional().openapi({ description: "A voice message's length" }),
    waveform: z.string().optional().openapi({ description: "A voice message's loudness for display: one base-32 digit (0-31) per slice" }),
  })
  .openapi("ChatAttachment");

export const ReactionSchema = z.object({ emoji: z.string(), count: z.number().int(), userIds: z.array(z.string()) }).openapi("ChatReaction");

/** What a reply shows of the message it answers: read with the reply, so it is current after an edit or a delete. */
export const QuoteSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    senderId: z.string().nullable(),
    text: z.string().openapi({ description: "The first 200 characters of the original's current text; empty once it is deleted" }),
    hasAttachments: z.boolean(),
    editedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .openapi("ChatQuote");

/** Where a forwarded message was first written: its sender and chat (a forward of a forward keeps the first origin). */
export const ForwardOriginSchema = z
  .object({
    senderId: z.string().nullable().openapi({ description: "Who wrote the original; null once they deleted their account" }),
    chatId: z.string().openapi({ description: "The chat the original was written in" }),
  })
  .openapi("ChatForwardOrigin");

export const MessageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    seq: z.number().int().openapi({ description: "1, 2, 3... within the chat" }),
    senderId: z.string().nullable().openapi({ description: "null once the sender deleted their account" }),
    clientId: z.string(),
    text: z.string().openapi({ description: "Empty once deleted" }),
    attachments: z.array(AttachmentSchema),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
    reactions: z.array(ReactionSchema),
    replyTo: QuoteSchema.nullable().openapi({ description: "The message this one answers, as it is now (null: not a reply)" }),
    mentions: z.array(z.string()).openapi({ description: "Ids of the members this message mentions (`@name` in the text)" }),
    forwardedFrom: ForwardOriginSchema.optional().openapi({ description: "Only on a forwarded message: whom and which chat it was forwarded from" }),
    mls: z.string().optional().openapi({
      description:
        "An encrypted chat's message (docs/e2ee.md): its MLS PrivateMessage, base64url, which only member devices open; `text` is then empty. Gone once deleted",
    }),
    relatesTo: MessageRelationSchema.optional().openapi({
      description:
        "Only in encrypted chats: this is an edit or a reaction of another message, encrypted in `mls`; readers fold it into that message. Not pushed, not the chat's last message",
    }),
  })
  .openapi("ChatMessage");

/** A pinned message of a chat, with who pinned it and when. */
export const PinSchema = z.object({ message: MessageSchema, pinnedBy: z.string().nullable(), pinnedAt: z.string() }).openapi("ChatPin");

export const LastMessageSchema = z
  .object({ id: z.string(), seq: z.number().int(), senderId: z.string().nullable(), text: z.string(), createdAt: z.string(), deletedAt: z.string().nullable() })
  .openapi("ChatLastMessage");

/** What a client shows for a person: their chosen name and picture (a public profile card). */
export const PersonSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable().openapi({ description: "The person's picture, or null (clients draw initials)" }),
  })
  .openapi("Person");

export const ChatSchema = z
  .object({
    id: z.string(),
    type: z.enum(["general", "direct", "group"]),
    encrypted: z.boolean().openapi({
      description: "End-to-end encrypted (docs/e2ee.md): messages travel as MLS ciphertext over the chat socket's `mls.*` frames; plain text is refused",
    }),
    encryptedFrom: z
      .object({
        seq: z.number().int().openapi({ description: "The first message seq that is MLS-only; every earlier message stays as it was (readable)" }),
        at: z.string().openapi({ description: "When encryption was turned on" }),
      })
      .nullable()
      .openapi({
        description:
          "Set when an existing chat turned encryption on (`POST /v1/chats/{id}/encryption`): where clients draw the line \"messages from here on are end-to-end encrypted\". Null for chats encrypted since creation and for plain chats",
      }),
    title: z.string().nullable(),
    ownerId: z.string().nullable(),
    memberIds: z
      .array(z.string())
      .optional()
      .openapi({ description: "Not sent for the general chat (every user is in it): page `GET /v1/chats/{id}/members` instead" }),
    memberCount: z.number().int(),
    peer: PersonSchema.nullable().openapi({ description: "A direct chat's other member (null in other chats, and once they deleted their account)" }),
    lastMessage: LastMessageSchema.nullable(),
    lastSeq: z.number().int(),
    readSeq: z.number().int().openapi({ description: "The caller's read position" }),
    unreadCount: z.number().int(),
    unreadMentionCount: z.number().int().openapi({ description: "Unread messages that mention the caller" }),
    activeCall: ActiveGroupCallSchema.nullable()
      .optional()
      .openapi({ description: "The group call running on this chat and who is in it (join with `GET /v1/group-calls/{id}/ws`); null when none" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Chat");

export const ChatMemberSchema = z
  .object({ userId: z.string(), displayName: z.string(), avatarUrl: z.string().nullable(), role: z.enum(["owner", "member"]), joinedAt: z.string() })
  .openapi("ChatMember");
