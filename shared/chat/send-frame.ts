import { MESSAGE_TEXT_MAX } from "./model";

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
 * attachments. Accepts only what the zod schema accepts, and returns the same shape (unknown keys
 * dropped); anything else is null and goes through the schema, which also says what is wrong.
 * Zod's parse was about 5% of the room's CPU per message at its ceiling (CPU profile of bench:chat).
 */
export function plainSendFrame(json: unknown): PlainSendFrame | null {
  if (typeof json !== "object" || json === null) return null;
  const { type, clientId, text, attachments } = json as Record<string, unknown>;
  if (type !== "message.send" || attachments !== undefined) return null;
  if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) return null;
  if (typeof text !== "string" || text.length > MESSAGE_TEXT_MAX || text.trim().length === 0) return null;
  return { type, clientId, text };
}
