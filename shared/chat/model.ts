import { z } from "@hono/zod-openapi";

/** The one chat every user belongs to. A fixed id makes creating it idempotent. */
export const GENERAL_CHAT_ID = "general";
export const GENERAL_CHAT_TITLE = "General";

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
  .regex(/^[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f\u20e3]+$/u, "Must be an emoji");

export const AttachmentSchema = z
  .object({ id: z.string().openapi({ description: "File id (GET /v1/files/{id})" }), name: z.string().optional(), contentType: z.string().nullable(), size: z.number().int() })
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

export const ChatSchema = z
  .object({
    id: z.string(),
    type: z.enum(["general", "direct", "group"]),
    title: z.string().nullable(),
    ownerId: z.string().nullable(),
    memberIds: z.array(z.string()).optional().openapi({ description: "Not sent for the general chat (every user is in it): page `GET /v1/chats/{id}/members` instead" }),
    memberCount: z.number().int(),
    lastMessage: LastMessageSchema.nullable(),
    lastSeq: z.number().int(),
    readSeq: z.number().int().openapi({ description: "The caller's read position" }),
    unreadCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Chat");
export type Chat = z.infer<typeof ChatSchema>;

export const ChatMemberSchema = z
  .object({ userId: z.string(), role: z.enum(["owner", "member"]), joinedAt: z.string() })
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
