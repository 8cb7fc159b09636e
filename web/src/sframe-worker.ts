// The encoded-transform worker of an encrypted call (built to /app/sframe-worker.js): every audio
// and video frame this device sends is sealed with SFrame under the call's current MLS epoch key,
// and every frame it receives is opened or dropped. One worker per call holds one CallKeyring,
// shared by all the call's senders and receivers, so a stream's CTR never repeats.
// Frames come through RTCRtpScriptTransform (`rtctransform` events) or, where a browser lacks
// it, as the streams of createEncodedStreams posted here.
import { type CallEpochKey, CallKeyring } from "../../client/e2ee/call-keys";
import { type FrameSide, type SframeWorkerMessage, type SframeWorkerStats, unencryptedBytes } from "./sframe-frames";

const keyring = new CallKeyring();
const stats: SframeWorkerStats = { sealed: 0, opened: 0, failed: 0, openedByKind: { audio: 0, video: 0 }, openedFrom: {}, epoch: null };

interface EncodedFrame {
  data: ArrayBuffer;
  type?: "key" | "delta" | "empty";
}

interface TransformOptions {
  side: FrameSide;
  kind: "audio" | "video";
  context: number;
}

function transformer({ side, kind, context }: TransformOptions): TransformStream<EncodedFrame, EncodedFrame> {
  return new TransformStream({
    async transform(frame, controller) {
      const bytes = new Uint8Array(frame.data);
      const prefixLength = Math.min(unencryptedBytes(kind, frame.type), bytes.length);
      // The codec's first bytes stay readable for the packetizer, and are authenticated as SFrame metadata.
      const prefix = bytes.subarray(0, prefixLength);
      try {
        let body: Uint8Array;
        if (side === "send") {
          body = await keyring.seal(context, prefix, bytes.subarray(prefixLength));
          stats.sealed++;
        } else {
          const opened = await keyring.open(prefix, bytes.subarray(prefixLength));
          body = opened.payload;
          stats.opened++;
          stats.openedByKind[kind]++;
          stats.openedFrom[opened.senderIndex] = (stats.openedFrom[opened.senderIndex] ?? 0) + 1;
        }
        const out = new Uint8Array(prefixLength + body.length);
        out.set(prefix);
        out.set(body, prefixLength);
        frame.data = out.buffer;
        controller.enqueue(frame);
      } catch {
        // No key yet (the epoch's key is on its way), or not for us: the frame is dropped, never passed on in clear.
        stats.failed++;
      }
    },
  });
}

function pipe(readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>, options: TransformOptions): void {
  void readable.pipeThrough(transformer(options)).pipeTo(writable);
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<SframeWorkerMessage>) => void) | null;
  onrtctransform:
    | ((event: { transformer: { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame>; options: TransformOptions } }) => void)
    | null;
  postMessage(message: unknown): void;
};

scope.onrtctransform = ({ transformer: t }) => pipe(t.readable, t.writable, t.options);

scope.onmessage = ({ data }) => {
  if (data.type === "epoch") {
    const key: CallEpochKey = data.key;
    keyring.setEpoch(key);
    stats.epoch = String(key.epoch);
  } else if (data.type === "streams") pipe(data.readable as ReadableStream<EncodedFrame>, data.writable as WritableStream<EncodedFrame>, data.options);
  else if (data.type === "stats") scope.postMessage({ type: "stats", id: data.id, stats });
};
