import { z } from "@hono/zod-openapi";
import { ActiveGroupCallSchema } from "../calls/group-call-schema";

/** The one chat every user belongs to. A fixed id makes creating it idempotent. */
export const GENERAL_CHAT_ID = "general";
export const GENERAL_CHAT_TITLE = "General";

export const AttachmentSchema = z
  .object({
    id: z.string().openapi({ description: "File id (GET /v1/files/{id})" }),
    name: z.string().optional(),
    contentType: z.string().nullable(),
    size: z.number().int(),
  })
  .openapi("ChatAttachment");

export const ReactionSchema = z.object({ emoji: z.string(), count: z.number().int(), userIds: z.array(z.string()) }).openapi("ChatReaction");

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
  })
  .openapi("ChatMessage");

export type Message = z.infer<typeof MessageSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;

export const LastMessageSchema = z
  .object({ id: z.string(), seq: z.number().int(), senderId: z.string().nullable(), text: z.string(), createdAt: z.string(), deletedAt: z.string().nullable() })
  .openapi("ChatLastMessage");
export type LastMessage = z.infer<typeof LastMessageSchema>;

/** What a client shows for a person: their chosen name and picture (a public profile card). */
export const PersonSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable().openapi({ description: "The person's picture, or null (clients draw initials)" }),
  })
  .openapi("Person");
export type Person = z.infer<typeof PersonSchema>;

export const ChatSchema = z
  .object({
    id: z.string(),
    type: z.enum(["general", "direct", "group"]),
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
    activeCall: ActiveGroupCallSchema.nullable()
      .optional()
      .openapi({ description: "The group call running on this chat and who is in it (join with `GET /v1/group-calls/{id}/ws`); null when none" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Chat");
export type Chat = z.infer<typeof ChatSchema>;

export const ChatMemberSchema = z
  .object({ userId: z.string(), displayName: z.string(), avatarUrl: z.string().nullable(), role: z.enum(["owner", "member"]), joinedAt: z.string() })
  .openapi("ChatMember");
export type ChatMember = z.infer<typeof ChatMemberSchema>;

export interface Sender {
  userId: string;
  role: "user" | "moderator" | "admin";
}

export interface MessagePageQuery {
  limit: number;
  before?: number;
  after?: number;
  q?: string;
}

export interface MessagePage {
  items: Message[];
  /** Where the next page starts, or null at the end. */
  next: { direction: "asc" | "desc"; seq: number } | null;
}

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
