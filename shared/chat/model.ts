import type { z } from "zod";
import type {
  AttachmentSchema,
  QuoteSchema,
  ForwardOriginSchema,
  MessageSchema,
  PinSchema,
  LastMessageSchema,
  PersonSchema,
  ChatSchema,
  ChatMemberSchema,
} from "./schemas";
import type { MessageRelationSchema } from "./message-relation";

/** The one chat every user belongs to. A fixed id makes creating it idempotent. */
export const GENERAL_CHAT_ID = "general";
export const GENERAL_CHAT_TITLE = "General";

export type Quote = z.infer<typeof QuoteSchema>;

export type ForwardOrigin = z.infer<typeof ForwardOriginSchema>;

export type MessageRelation = z.infer<typeof MessageRelationSchema>;

export type Pin = z.infer<typeof PinSchema>;

export type Message = z.infer<typeof MessageSchema>;

/** How much of the original a reply quotes. */
const QUOTE_CHARS = 200;

/** What a reply shows of the message it answers. */
export function quoteOf(message: Message): Quote {
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    text: message.text.slice(0, QUOTE_CHARS),
    hasAttachments: message.attachments.length > 0,
    editedAt: message.editedAt,
    deletedAt: message.deletedAt,
  };
}

export type Attachment = z.infer<typeof AttachmentSchema>;

export type LastMessage = z.infer<typeof LastMessageSchema>;

export type Person = z.infer<typeof PersonSchema>;

export type Chat = z.infer<typeof ChatSchema>;

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
