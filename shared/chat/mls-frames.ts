// The schemas of the chat socket's MLS frames, apart from the room's handling of them
// (encrypted-frames.ts): the socket protocols' list of frames imports these without the room's deps.
import { z } from "zod";
import { AttachmentIds, ClientId } from "./message-rules";

/** Base64url text of at most `max` characters (the chat socket's frames are at most 24 KiB in all). */
const Base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "base64url");

/** The chat socket's MLS frames (docs/socket-protocols.md, "Encrypted chats"); only an encrypted chat takes them. */
export const EncryptedClientFrames = {
  /**
   * An application message: the ciphertext; reply and mention ids (or the message an edit or a
   * reaction changes) come from its authenticated data. `attachments`: the ids of the encrypted
   * files it carries (their keys are inside the ciphertext), kept and released like a plain
   * message's attachments.
   */
  "mls.send": z.object({ type: z.literal("mls.send"), clientId: ClientId, message: Base64Url(20_000), attachments: AttachmentIds.optional() }),
  /** A commit (PublicMessage) for the group's epoch, with the Welcome of the devices it adds. */
  "mls.commit": z.object({ type: z.literal("mls.commit"), commit: Base64Url(12_000), welcome: Base64Url(12_000).optional() }),
  /** The commits ordered from epoch `since` on, to catch up. */
  "mls.commits": z.object({ type: z.literal("mls.commits"), since: z.number().int().min(0) }),
  /** The Welcomes waiting for this socket's device. */
  "mls.welcomes": z.object({ type: z.literal("mls.welcomes") }),
  /** This device joined with the Welcome `id`: the room forgets it. */
  "mls.welcome.ack": z.object({ type: z.literal("mls.welcome.ack"), id: z.number().int().min(1) }),
};

export type EncryptedClientFrame = z.infer<(typeof EncryptedClientFrames)[keyof typeof EncryptedClientFrames]>;
