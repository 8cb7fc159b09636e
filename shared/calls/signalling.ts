import { z } from "zod";
import { builtOnFirstUse } from "../realtime/frames";

/** Largest SDP accepted; real offers with audio, video and a data channel stay well below 16 KiB. */
export const MAX_SDP_CHARS = 32 * 1024;

/** Frames held for a participant who has not connected yet (offer, answer, candidates). */
export const MAX_BUFFERED_FRAMES = 200;

/** Parts of the one-to-one and group call frames. */
export const SignallingParts = builtOnFirstUse(() => ({
  Sdp: z
    .string()
    .min(1)
    .max(MAX_SDP_CHARS, `SDP is at most ${MAX_SDP_CHARS} characters`)
    .regex(/^v=0\r?\n/, "SDP must start with v=0"),

  /**
   * RTCIceCandidateInit as browsers and werift serialise it. An empty `candidate` string is the
   * end-of-candidates marker.
   */
  IceCandidate: z
    .object({
      candidate: z
        .string()
        .max(1024)
        .refine((c) => c === "" || /^(a=)?candidate:\S+ \d+ (udp|tcp|UDP|TCP) \d+ \S+ \d+ typ \w+/.test(c), "Not an ICE candidate line"),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    })
    .strict()
    .refine((c) => c.sdpMid != null || c.sdpMLineIndex != null, "A candidate needs sdpMid or sdpMLineIndex"),
}));

export const SignallingFrames = builtOnFirstUse(() => {
  const { Sdp, IceCandidate } = SignallingParts;
  return {
    "sdp.offer": z.object({ type: z.literal("sdp.offer"), sdp: Sdp }).strict(),
    "sdp.answer": z.object({ type: z.literal("sdp.answer"), sdp: Sdp }).strict(),
    "ice.candidate": z.object({ type: z.literal("ice.candidate"), candidate: IceCandidate }).strict(),
    hangup: z.object({ type: z.literal("hangup") }).strict(),
    ping: z.object({ type: z.literal("ping") }).strict(),
  };
});
