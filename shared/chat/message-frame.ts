// A message as the chat socket carries it (docs/socket-protocols.md#messages-on-the-wire): the REST
// shape less what the receiver knows or what is empty. A busy room sends one of these to every
// socket for every message, so each byte left out is left out hundreds of times a second; the
// typed client (client/chat-frames.ts) rebuilds the REST shape, so an app reads `Message` either way.
import type { Message, Pin, Quote } from "./model";

/** The millisecond a UUIDv7 was made at (its first 48 bits), or null for any other id. */
export function uuidV7Time(id: string): number | null {
  if (id.length !== 36 || id.charCodeAt(14) !== 55 /* "7" */ || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45) return null;
  const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return Number.isNaN(ms) ? null : ms;
}

/** createdAt is left out when the id (a UUIDv7) says the same instant: every message the room stores. */
function createdAtImpliedById(id: string, createdAt: string): boolean {
  const ms = uuidV7Time(id);
  return ms !== null && new Date(ms).toISOString() === createdAt;
}

type WireQuote = Pick<Quote, "id" | "seq" | "text"> & Partial<Pick<Quote, "senderId" | "editedAt" | "deletedAt"> & { hasAttachments: true }>;

export type WireMessage = Pick<Message, "id" | "seq" | "text"> &
  Partial<
    Pick<Message, "senderId" | "attachments" | "createdAt" | "editedAt" | "deletedAt" | "reactions" | "mentions" | "forwardedFrom" | "mls" | "relatesTo">
  > & {
    replyTo?: WireQuote;
  };

function wireQuote(quote: Quote): WireQuote {
  const wire: WireQuote = { id: quote.id, seq: quote.seq, text: quote.text };
  if (quote.senderId !== null) wire.senderId = quote.senderId;
  if (quote.hasAttachments) wire.hasAttachments = true;
  if (quote.editedAt !== null) wire.editedAt = quote.editedAt;
  if (quote.deletedAt !== null) wire.deletedAt = quote.deletedAt;
  return wire;
}

/**
 * The socket form of `message`: no `chatId` (the socket is the chat's), no `clientId` (the sender's
 * `message.ack` carries it beside the message; nobody else uses it), nothing null or empty, and no
 * `createdAt` when the id's UUIDv7 time is that instant. Keys in a fixed order, `id` first.
 */
export function wireMessage(message: Message): WireMessage {
  const wire: WireMessage = { id: message.id, seq: message.seq, text: message.text };
  if (message.senderId !== null) wire.senderId = message.senderId;
  if (message.attachments.length > 0) wire.attachments = message.attachments;
  if (!createdAtImpliedById(message.id, message.createdAt)) wire.createdAt = message.createdAt;
  if (message.editedAt !== null) wire.editedAt = message.editedAt;
  if (message.deletedAt !== null) wire.deletedAt = message.deletedAt;
  if (message.reactions.length > 0) wire.reactions = message.reactions;
  if (message.replyTo !== null) wire.replyTo = wireQuote(message.replyTo);
  if (message.mentions.length > 0) wire.mentions = message.mentions;
  if (message.forwardedFrom) wire.forwardedFrom = message.forwardedFrom;
  if (message.mls !== undefined) wire.mls = message.mls;
  if (message.relatesTo) wire.relatesTo = message.relatesTo;
  return wire;
}

export function wirePin(pin: Pin): { message: WireMessage; pinnedBy: string | null; pinnedAt: string } {
  return { message: wireMessage(pin.message), pinnedBy: pin.pinnedBy, pinnedAt: pin.pinnedAt };
}

/** The frames of one stored message: `message.ack` for the sending socket, `message.new` for every other; one serialisation for both. */
export function storedMessageFrames(message: Message, clientId: string): { ack: string; fresh: string } {
  const body = JSON.stringify(wireMessage(message));
  return { ack: `{"type":"message.ack","clientId":${JSON.stringify(clientId)},"message":${body}}`, fresh: `{"type":"message.new","message":${body}}` };
}
