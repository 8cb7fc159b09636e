import { z } from "zod";
import { AttachmentIds, ClientId, Emoji, MessageText } from "./model";

const SeqNumber = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const MessageId = z.string().min(1).max(64);

/** What a client may send on `GET /v1/chats/:id/ws`, by frame type. */
export const ChatClientFrames = {
  "message.send": z.object({ type: z.literal("message.send"), clientId: ClientId, text: MessageText, attachments: AttachmentIds.optional() }),
  typing: z.object({ type: z.literal("typing") }),
  read: z.object({ type: z.literal("read"), seq: SeqNumber }),
  "message.edit": z.object({ type: z.literal("message.edit"), id: MessageId, text: MessageText }),
  "message.delete": z.object({ type: z.literal("message.delete"), id: MessageId }),
  reaction: z.object({ type: z.literal("reaction"), id: MessageId, emoji: Emoji, remove: z.boolean().optional() }),
  ping: z.object({ type: z.literal("ping") }),
};
