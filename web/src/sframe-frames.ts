// What the page and the call's SFrame worker (sframe-worker.ts) say to each other, and how much of
// each frame stays readable.
import type { CallEpochKey } from "../../client/e2ee/call-keys";

export type FrameSide = "send" | "receive";

export interface SframeWorkerStats {
  /** Frames this device sealed, frames it opened, and received frames that did not open (dropped). */
  sealed: number;
  opened: number;
  failed: number;
  /** Frames opened, by kind: sound and video each reach this device's decoders only through here. */
  openedByKind: { audio: number; video: number };
  /** Frames opened, by the leaf index of the member who sealed them: whose media reaches this device. */
  openedFrom: Record<number, number>;
  /** The MLS epoch frames are sealed under now. */
  epoch: string | null;
}

export type SframeWorkerMessage =
  | { type: "epoch"; key: CallEpochKey }
  | { type: "streams"; readable: ReadableStream; writable: WritableStream; options: { side: FrameSide; kind: "audio" | "video"; context: number } }
  | { type: "stats"; id: number };

/**
 * The leading bytes of a frame left in clear (and authenticated as SFrame metadata): what RTP
 * packetizers and depacketizers read of the payload. VP8's frame tag (3 bytes) and, on a key
 * frame, its start code and size (7 more); Opus's TOC byte. Calls negotiate VP8 and Opus when
 * encrypted (docs/calls.md), so these are the codecs whose layout counts.
 */
export function unencryptedBytes(kind: "audio" | "video", type?: string): number {
  if (kind === "audio") return 1;
  return type === "key" ? 10 : 3;
}
