// End-to-end encryption of a call's media (docs/e2ee.md, "Calls (SFrame)"): the call's senders and
// receivers run through the SFrame worker, which holds the keys of the chat's MLS group. The page
// hands the worker each epoch's key as the group moves on; media never leaves this device unsealed.
import type { CallKeySource } from "../../client/e2ee/call-keys";
import { CALL_CONTEXTS } from "../../client/e2ee/call-keys";
import type { FrameSide, SframeWorkerMessage, SframeWorkerStats } from "./sframe-frames";

/** Which chat's call a key source is asked for: a two-party call's (by the other person) or a group call's (by its chat). */
export type CallKeyRequest = { kind: "direct"; peerId: string } | { kind: "group"; chatId: string };

/**
 * The call's chat is end-to-end encrypted, and this device cannot seal its media: the browser
 * cannot transform encoded frames, or the device has no keys of the chat's group yet. The call
 * then does not go ahead on this device (never in the clear); the message is written for people.
 */
export class CallNotEncryptable extends Error {
  override name = "CallNotEncryptable";
}

/**
 * Finds the MLS group of the chat a call belongs to when that chat is encrypted (the
 * encrypted-chat code installs it); a plain chat gets `null` and its call stays as it was. For an
 * encrypted chat whose call this device cannot seal it throws CallNotEncryptable.
 */
export interface CallKeyDirectory {
  keysFor(request: CallKeyRequest): Promise<CallKeySource | null>;
}

declare global {
  // Installed by the encrypted-chat code of this page (or by a test building its own group).
  var edgePlatformCallKeys: CallKeyDirectory | undefined;
}

export function installCallKeyDirectory(directory: CallKeyDirectory): void {
  globalThis.edgePlatformCallKeys = directory;
}

/**
 * The key source of a call's chat, or null when the chat is not encrypted (or no directory is
 * installed). Throws CallNotEncryptable when the chat is encrypted and this device cannot seal
 * the call: a failure here must stop the call, not turn it into a plain one.
 */
export async function callKeysFor(request: CallKeyRequest): Promise<CallKeySource | null> {
  const directory = globalThis.edgePlatformCallKeys;
  if (!directory) return null;
  const keys = await directory.keysFor(request);
  if (keys && !canEncryptCalls()) throw new CallNotEncryptable(BROWSER_CANNOT_ENCRYPT);
  return keys;
}

/** Why a browser without encoded transforms stays out of an encrypted chat's call. */
export const BROWSER_CANNOT_ENCRYPT =
  "This chat's calls are end-to-end encrypted, and this browser cannot encrypt call sound and video. Join from an up-to-date browser.";

/** True where this browser can transform encoded frames: the precondition of an encrypted call. */
export function canEncryptCalls(): boolean {
  return typeof RTCRtpScriptTransform === "function" || "createEncodedStreams" in RTCRtpSender.prototype;
}

/** RTCPeerConnection options an encrypted call needs where only createEncodedStreams exists (older Chromium). */
export function encryptedPeerConnectionOptions(): RTCConfiguration {
  return typeof RTCRtpScriptTransform === "function" ? {} : ({ encodedInsertableStreams: true } as RTCConfiguration);
}

/** Puts `mimeType` first among the transceiver's codecs: encrypted frames keep the clear prefix that codec's packetizer reads (sframe-frames.ts). */
export function preferCodec(transceiver: RTCRtpTransceiver, mimeType: string): void {
  const codecs = RTCRtpReceiver.getCapabilities(transceiver.receiver.track.kind)?.codecs ?? [];
  const preferred = codecs.filter((codec) => codec.mimeType === mimeType);
  if (preferred.length === 0) return;
  transceiver.setCodecPreferences([...preferred, ...codecs.filter((codec) => codec.mimeType !== mimeType)]);
}

type EncodedStreams = { readable: ReadableStream; writable: WritableStream };

export class CallEncryption {
  readonly #worker: Worker;
  readonly #stopWatching: () => void;
  readonly #protected = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  #statsIds = 0;

  private constructor(worker: Worker, source: CallKeySource) {
    this.#worker = worker;
    this.#stopWatching = source.subscribe((key) => this.#post({ type: "epoch", key }));
  }

  /** Starts the call's SFrame worker with the group's current epoch key (frames are dropped until it is there). */
  static async start(source: CallKeySource): Promise<CallEncryption> {
    const worker = new Worker("/app/sframe-worker.js", { type: "module", name: "sframe" });
    const encryption = new CallEncryption(worker, source);
    encryption.#post({ type: "epoch", key: await source.current() });
    return encryption;
  }

  /** Seals everything `sender` sends (set before its first frame: a transform stays across replaceTrack). */
  protectSender(sender: RTCRtpSender, kind: "audio" | "video", context: number = CALL_CONTEXTS[kind]): void {
    this.#protect(sender, "send", kind, context);
  }

  /**
   * Opens what `receiver` gets; frames that do not open are dropped. Set it in the task that
   * made the receiver: right after `addTrack` or `addTransceiver` (either side), or at `ontrack`
   * for a receiver the remote offer made. Set any later, Chromium kept the transform out of the
   * path: the offering side's video receiver, protected only at `ontrack` after the answer,
   * handed its transform no frame, and the answering side's audio receiver (made by `addTrack`
   * before the offer came), protected at `ontrack`, passed the sealed sound to the decoder
   * without the transform ever seeing it.
   */
  protectReceiver(receiver: RTCRtpReceiver, kind: "audio" | "video"): void {
    this.#protect(receiver, "receive", kind, CALL_CONTEXTS[kind]);
  }

  /** Every receiver of `pc`'s transceivers as they are now. */
  protectReceivers(pc: RTCPeerConnection): void {
    for (const transceiver of pc.getTransceivers()) this.protectReceiver(transceiver.receiver, transceiver.receiver.track.kind === "video" ? "video" : "audio");
  }

  /** Frames sealed, opened and dropped so far, and the epoch in use. */
  stats(): Promise<SframeWorkerStats> {
    const id = ++this.#statsIds;
    return new Promise((resolve) => {
      const listener = (event: MessageEvent<{ type: string; id: number; stats: SframeWorkerStats }>) => {
        if (event.data.type !== "stats" || event.data.id !== id) return;
        this.#worker.removeEventListener("message", listener);
        resolve(event.data.stats);
      };
      this.#worker.addEventListener("message", listener);
      this.#post({ type: "stats", id });
    });
  }

  stop(): void {
    this.#stopWatching();
    this.#worker.terminate();
  }

  #protect(end: RTCRtpSender | RTCRtpReceiver, side: FrameSide, kind: "audio" | "video", context: number): void {
    // Once per sender or receiver: a second transform would seal or open every frame twice.
    if (this.#protected.has(end)) return;
    this.#protected.add(end);
    const options = { side, kind, context };
    if (typeof RTCRtpScriptTransform === "function") {
      end.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const { readable, writable } = (end as unknown as { createEncodedStreams(): EncodedStreams }).createEncodedStreams();
    this.#worker.postMessage({ type: "streams", readable, writable, options } satisfies SframeWorkerMessage, [readable, writable] as unknown as Transferable[]);
  }

  #post(message: SframeWorkerMessage): void {
    this.#worker.postMessage(message);
  }
}
