import { z } from "zod";
import { builtOnFirstUse } from "../../realtime/frames";
import { SignallingParts } from "../signalling";
import { MAX_PUBLISHED_TRACKS } from "./sfu-gate";

/** The SFU path's frames, built on first use (a chat room's isolate never parses them). */
const sfuFrames = builtOnFirstUse(() => {
  const { Sdp } = SignallingParts;
  /** Chosen by the client, echoed on the answer (and on an `error` refusing the request), so requests may overlap. */
  const RequestId = z.string().min(1).max(64);
  const SessionId = z.string().min(1).max(128);
  const TrackName = z.string().min(1).max(128);
  const Mid = z.string().min(1).max(32);
  const Kind = z.enum(["audio", "video"]);
  /** Cloudflare's SFU forwards at most 64 tracks per request. */
  const MAX_TRACKS = 64;

  const client = {
    "sfu.session.new": z
      .object({ type: z.literal("sfu.session.new"), id: RequestId })
      .strict()
      .describe("Opens your SFU session (one peer connection to the SFU); a new one retires your earlier one."),
    "sfu.tracks.push": z
      .object({
        type: z.literal("sfu.tracks.push"),
        id: RequestId,
        sessionId: SessionId,
        offer: Sdp,
        tracks: z
          .array(z.object({ mid: Mid, trackName: TrackName, kind: Kind }).strict())
          .min(1)
          .max(MAX_PUBLISHED_TRACKS)
          .describe("Your transceivers to publish; each `trackName` starts with `<your user id>/`"),
      })
      .strict()
      .describe("Publishes local tracks with your offer; answered by `sfu.tracks.pushed` with the SFU's answer."),
    "sfu.tracks.pull": z
      .object({
        type: z.literal("sfu.tracks.pull"),
        id: RequestId,
        sessionId: SessionId,
        tracks: z
          .array(
            z
              .object({
                sessionId: SessionId,
                trackName: TrackName,
                simulcast: z
                  .object({
                    preferredRid: z
                      .string()
                      .min(1)
                      .max(16)
                      .regex(/^[A-Za-z0-9_-]+$/),
                  })
                  .strict()
                  .optional()
                  .describe("The simulcast layer to forward (the publisher's encodings: `h`, `m`, `l`)"),
              })
              .strict(),
          )
          .min(1)
          .max(MAX_TRACKS),
      })
      .strict()
      .describe("Pulls tracks from `sfu.published` into your session; answered by `sfu.tracks.pulled` with the SFU's offer."),
    "sfu.renegotiate": z
      .object({ type: z.literal("sfu.renegotiate"), id: RequestId, sessionId: SessionId, answer: Sdp })
      .strict()
      .describe("Your answer to the SFU's offer after a pull; answered by `sfu.renegotiated`."),
    "sfu.tracks.close": z
      .object({
        type: z.literal("sfu.tracks.close"),
        id: RequestId,
        sessionId: SessionId,
        mids: z.array(Mid).min(1).max(MAX_TRACKS),
        offer: Sdp.optional().describe("Your offer after stopping the transceivers; without it the SFU closes them at once (`force`)"),
      })
      .strict()
      .describe("Stops tracks of your session by `mid` (pulls of tiles gone off screen, or your own publications); answered by `sfu.tracks.closed`."),
  };

  const TrackError = {
    errorCode: z.string().optional().describe("The SFU refused this track (its own code, e.g. `not_found`)"),
    errorDescription: z.string().optional(),
  };

  const Publication = z.object({ userId: z.string(), sessionId: z.string(), trackName: z.string(), kind: Kind });

  const server = {
    "sfu.session": z.object({ type: z.literal("sfu.session"), id: z.string(), sessionId: z.string() }).describe("Your new SFU session."),
    "sfu.tracks.pushed": z
      .object({
        type: z.literal("sfu.tracks.pushed"),
        id: z.string(),
        answer: Sdp.nullable().describe("The SFU's answer to your offer"),
        tracks: z.array(z.object({ trackName: z.string(), mid: z.string().nullable(), ...TrackError })),
      })
      .describe("The SFU accepted the push; published tracks are announced in `sfu.published`."),
    "sfu.tracks.pulled": z
      .object({
        type: z.literal("sfu.tracks.pulled"),
        id: z.string(),
        offer: Sdp.nullable().describe("The SFU's offer: set it as remote description and answer with `sfu.renegotiate`"),
        requiresImmediateRenegotiation: z.boolean(),
        tracks: z.array(z.object({ sessionId: z.string(), trackName: z.string(), mid: z.string().nullable(), ...TrackError })),
      })
      .describe("The pulled tracks with the `mid` each arrives on."),
    "sfu.renegotiated": z.object({ type: z.literal("sfu.renegotiated"), id: z.string() }).describe("The SFU took your answer."),
    "sfu.tracks.closed": z
      .object({
        type: z.literal("sfu.tracks.closed"),
        id: z.string(),
        answer: Sdp.nullable().describe("The SFU's answer to your offer, when you sent one"),
        mids: z.array(z.string()),
      })
      .describe("The tracks are closed."),
    "sfu.published": z
      .object({ type: z.literal("sfu.published"), tracks: z.array(Publication) })
      .describe(
        "Every track published in the call now, sent on joining a call that uses the SFU and after each change (a push, a close, someone leaving): pull what is on screen, close pulls of tracks no longer listed.",
      ),
  };
  return { client, server };
});

/**
 * What a participant sends on the group call socket to reach the SFU (docs/calls.md, "Group calls
 * through the SFU"): one frame per SFU operation, each answered by one frame with the same `id`.
 * The room checks each against the `SfuGate` before the SFU sees it.
 */
export const SfuClientFrames = builtOnFirstUse(() => sfuFrames.client);

export type SfuClientFrame = z.infer<(typeof SfuClientFrames)[keyof typeof SfuClientFrames]>;

/** What the room answers on the SFU path, and what it tells everyone about publications. */
export const SfuServerFrames = builtOnFirstUse(() => sfuFrames.server);

export type SfuServerFrame = z.infer<(typeof SfuServerFrames)[keyof typeof SfuServerFrames]>;

/** Whether a frame of the group call socket is one for the SFU. */
export function isSfuFrame<F extends { type: string }>(frame: F): frame is Extract<F, SfuClientFrame> {
  return Object.hasOwn(SfuClientFrames, frame.type);
}
