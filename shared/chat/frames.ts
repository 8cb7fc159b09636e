import { z } from "zod";
import { type FrameOf, type FrameParseResult, parseFrame } from "../realtime/frames";
import { EncryptedClientFrames } from "./mls-frames";
import { MAX_CHAT_FRAME_CHARS, MessageActionFields, MessageId, plainSendFrame } from "./message-rules";

/** What a client may send on `GET /v1/chats/:id/ws`, by frame type: the REST inputs (message-rules.ts) with their `type`. */
export const ChatClientFrames = {
  "message.send": z.object({ type: z.literal("message.send"), ...MessageActionFields.send }),
  typing: z.object({ type: z.literal("typing") }),
  read: z.object({ type: z.literal("read"), ...MessageActionFields.read }),
  "message.edit": z.object({ type: z.literal("message.edit"), id: MessageId, ...MessageActionFields.edit }),
  "message.delete": z.object({ type: z.literal("message.delete"), id: MessageId }),
  reaction: z.object({ type: z.literal("reaction"), id: MessageId, ...MessageActionFields.reaction }),
  ping: z.object({ type: z.literal("ping") }),
  ...EncryptedClientFrames,
};

export type ChatClientFrame = FrameOf<typeof ChatClientFrames>;

/** The per-user frame budgets of a chat socket (`config.rateLimits.chatFrames`). */
export type ChatFrameBudget = "typing" | "read" | "edit" | "reaction" | "ping";

/** The budget each frame draws on; `message.send` and `mls.send` have the room's send limit instead. */
export const CHAT_FRAME_BUDGET: Record<Exclude<ChatClientFrame["type"], "message.send" | "mls.send">, ChatFrameBudget> = {
  typing: "typing",
  read: "read",
  "message.edit": "edit",
  "message.delete": "edit",
  reaction: "reaction",
  ping: "ping",
  // Commits are rare (members and devices changing); catching up and Welcomes are reads.
  "mls.commit": "edit",
  "mls.commits": "read",
  "mls.welcomes": "read",
  "mls.welcome.ack": "read",
};

/** A client frame of at most MAX_CHAT_FRAME_CHARS; the hot `message.send` is checked without zod (the schema still explains anything it refuses). */
export function parseChatFrame(message: string | ArrayBuffer): FrameParseResult<ChatClientFrame> {
  if (typeof message === "string" && message.length <= MAX_CHAT_FRAME_CHARS && message.startsWith('{"type":"message.send"')) {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      json = undefined;
    }
    const frame = plainSendFrame(json);
    if (frame) return { ok: true, frame };
  }
  return parseFrame(message, ChatClientFrames, MAX_CHAT_FRAME_CHARS);
}
