// The chat socket carries messages without what the receiver knows or what is empty
// (docs/socket-protocols.md#messages-on-the-wire, made by shared/chat/message-frame.ts); these
// rebuild the REST shape, so everything past the channel reads the same `Message` as from REST.
// The client loads nothing from shared/ at run time, hence its own copy of the UUIDv7 reading.
import type { ForwardOrigin, Message, MessageRelation, Pin, Quote } from "../shared/chat/model";

type Wire = Record<string, unknown>;

/** The millisecond a UUIDv7 was made at (its first 48 bits), or null for any other id. */
function uuidV7Time(id: string): number | null {
  if (id.length !== 36 || id[14] !== "7" || id[8] !== "-" || id[13] !== "-") return null;
  const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return Number.isNaN(ms) ? null : ms;
}

const orNull = (value: unknown): string | null => (typeof value === "string" ? value : null);
const orEmpty = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

function expandQuote(wire: Wire): Quote {
  return {
    id: String(wire.id),
    seq: Number(wire.seq),
    senderId: orNull(wire.senderId),
    text: String(wire.text ?? ""),
    hasAttachments: wire.hasAttachments === true,
    editedAt: orNull(wire.editedAt),
    deletedAt: orNull(wire.deletedAt),
  };
}

/**
 * A socket message in its REST shape. `clientId` is the sender's (from `message.ack`) when this
 * socket sent it, else empty: the socket tells nobody else a sender's clientId.
 */
export function expandMessage(wire: Wire, chatId: string, clientId = ""): Message {
  const id = String(wire.id);
  const createdMs = typeof wire.createdAt === "string" ? null : uuidV7Time(id);
  return {
    id,
    chatId,
    seq: Number(wire.seq),
    senderId: orNull(wire.senderId),
    clientId,
    text: String(wire.text ?? ""),
    attachments: orEmpty(wire.attachments),
    createdAt: createdMs === null ? String(wire.createdAt ?? "") : new Date(createdMs).toISOString(),
    editedAt: orNull(wire.editedAt),
    deletedAt: orNull(wire.deletedAt),
    reactions: orEmpty(wire.reactions),
    replyTo: wire.replyTo && typeof wire.replyTo === "object" ? expandQuote(wire.replyTo as Wire) : null,
    mentions: orEmpty(wire.mentions),
    ...(wire.forwardedFrom && typeof wire.forwardedFrom === "object" ? { forwardedFrom: expandOrigin(wire.forwardedFrom as Wire) } : {}),
    ...(typeof wire.mls === "string" ? { mls: wire.mls } : {}),
    ...(wire.relatesTo && typeof wire.relatesTo === "object" ? { relatesTo: wire.relatesTo as MessageRelation } : {}),
  };
}

function expandOrigin(wire: Wire): ForwardOrigin {
  return { senderId: orNull(wire.senderId), chatId: String(wire.chatId ?? "") };
}

export function expandPin(wire: Wire, chatId: string): Pin {
  return { message: expandMessage(wire.message as Wire, chatId), pinnedBy: orNull(wire.pinnedBy), pinnedAt: String(wire.pinnedAt) };
}
