import { z } from "zod";
import { SfuClientFrames } from "./sfu/sfu-frames";
import { SignallingParts } from "./signalling";
import { builtOnFirstUse } from "../realtime/frames";

/**
 * What a participant sends on a group call's socket (`GET /v1/group-calls/:id/ws`). Offer, answer
 * and candidates name their receiver (`to`): each pair of participants negotiates its own peer
 * connection (a mesh), and the room adds `from`. On a call whose topology is `sfu`, the `sfu.*`
 * frames reach the SFU instead, each checked by the room first.
 */
export const GroupSignallingFrames = builtOnFirstUse(() => {
  const { Sdp, IceCandidate } = SignallingParts;
  /** A participant is named by their user id; the room relays a frame only to someone in the call. */
  const To = z.string().min(1).max(64);
  return {
    "sdp.offer": z.object({ type: z.literal("sdp.offer"), to: To, sdp: Sdp }).strict(),
    "sdp.answer": z.object({ type: z.literal("sdp.answer"), to: To, sdp: Sdp }).strict(),
    "ice.candidate": z.object({ type: z.literal("ice.candidate"), to: To, candidate: IceCandidate }).strict(),
    "media.state": z.object({ type: z.literal("media.state"), audio: z.boolean(), video: z.boolean() }).strict(),
    leave: z.object({ type: z.literal("leave") }).strict(),
    ping: z.object({ type: z.literal("ping") }).strict(),
    ...SfuClientFrames,
  };
});

export type GroupSignallingFrame = z.infer<(typeof GroupSignallingFrames)[keyof typeof GroupSignallingFrames]>;
