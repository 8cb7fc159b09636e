import { z } from "zod";

/**
 * What a device receives in a push (the decrypted Web Push body, or FCM's `data` with every value
 * a string), as zod schemas: the fan-out builds its payloads from these types and /asyncapi.json
 * publishes them (channel `push`). docs/notifications.md, "Payloads".
 */
export const MessagePushSchema = z
  .object({
    type: z.literal("message"),
    chatId: z.string(),
    messageId: z.string(),
    seq: z.number().int().optional(),
    chatTitle: z.string().nullable().optional().describe("The chat's title; the sender's name in a direct chat"),
    senderName: z.string().nullable().optional(),
    excerpt: z.string().max(140).optional().describe("The start of the text, at most 140 characters"),
    sentAt: z.string().optional(),
  })
  .strict()
  .describe(
    "A new message in a chat where this user has no socket open. Content-free pushes (`content: none`) carry only `type`, `chatId` and `messageId`. Topic: one per chat.",
  );

export const CallIncomingPushSchema = z
  .object({
    type: z.literal("call.incoming"),
    callId: z.string(),
    chatId: z.string().optional().describe("A group call: the chat it runs on (join with `GET /v1/group-calls/{callId}/ws`)"),
    callType: z.enum(["voice", "video"]).optional(),
    callerId: z.string().optional(),
    callerName: z.string().nullable().optional(),
    ringsUntil: z.string().optional().describe("When the call stops ringing (the ring timeout)"),
  })
  .strict()
  .describe("Someone is calling: ring until `ringsUntil` or a `call.stop`. `Urgency: high`, TTL the ring timeout. Content-free: `type` and `callId` only.");

export const CallStopPushSchema = z
  .object({
    type: z.literal("call.stop"),
    callId: z.string(),
    chatId: z.string().optional().describe("A group call: the chat it ran on"),
    status: z.enum(["answered", "rejected", "missed", "ended", "busy"]),
    callerName: z.string().nullable().optional(),
  })
  .strict()
  .describe(
    "Stop ringing: the call was answered (on any device), rejected, cancelled (`missed`) or missed at the timeout. Sent to every device the ring reached, with the ring's Topic.",
  );

export const ApplicationPushSchema = z
  .object({
    type: z.literal("application.updated"),
    applicationId: z.string(),
    status: z.enum(["submitted", "reviewing", "interview", "offer", "hired", "rejected", "withdrawn"]).optional(),
    reason: z.enum(["status_changed", "vacancy_closed"]).optional(),
    vacancyTitle: z.string().optional(),
    companyName: z.string().optional(),
  })
  .strict()
  .describe(
    "The jobs board: a company moved this user's application (`status`), or closed the vacancy it is for (`reason: vacancy_closed`). Topic: one per application. Content-free: `type` and `applicationId` only.",
  );

export const PUSH_PAYLOADS = {
  message: MessagePushSchema,
  "call.incoming": CallIncomingPushSchema,
  "call.stop": CallStopPushSchema,
  "application.updated": ApplicationPushSchema,
};

export type MessagePush = z.infer<typeof MessagePushSchema>;
export type CallIncomingPush = z.infer<typeof CallIncomingPushSchema>;
export type CallStopPush = z.infer<typeof CallStopPushSchema>;
export type ApplicationPush = z.infer<typeof ApplicationPushSchema>;
