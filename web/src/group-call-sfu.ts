// A group call's media through the SFU (the call's topology is `sfu`): one RTCPeerConnection to
// Cloudflare Realtime SFU, negotiated through the room's `sfu.*` frames. This device pushes its
// microphone and camera (the camera in three simulcast layers), and pulls only what is on screen:
// every participant's audio, and the video of tiles the IntersectionObserver reports visible, in
// the layer that fits the tile. Tiles that leave the screen have their video pull closed.
import type { ServerFrame } from "../../client";
import type { Publication } from "../../shared/calls/sfu/sfu-gate";
import { type CallEncryption, encryptedPeerConnectionOptions, preferCodec } from "./call-encryption";

/** The camera's simulcast layers, as the SFU's pull option names them (`simulcast.preferredRid`). */
const LAYERS: RTCRtpEncodingParameters[] = [
  { rid: "h", maxBitrate: 1_200_000 },
  { rid: "m", maxBitrate: 400_000, scaleResolutionDownBy: 2 },
  { rid: "l", maxBitrate: 150_000, scaleResolutionDownBy: 4 },
];

/** The layer a tile of `width` CSS pixels shows without waste: full size for large tiles, a quarter for thumbnails. */
export function layerFor(width: number): "h" | "m" | "l" {
  const pixels = width * (globalThis.devicePixelRatio || 1);
  return pixels >= 560 ? "h" : pixels >= 280 ? "m" : "l";
}

type Answer = ServerFrame & { id: string };

const REQUEST_TIMEOUT_MS = 10_000;

interface Pull {
  userId: string;
  kind: "audio" | "video";
  key: string;
  mid: string;
}

const keyOf = (publication: Pick<Publication, "sessionId" | "trackName">) => `${publication.sessionId}/${publication.trackName}`;

export class SfuMedia {
  readonly pc: RTCPeerConnection;
  #sessionId: string | null = null;
  #requestIds = 0;
  readonly #waiting = new Map<string, (frame: Answer) => void>();
  /** Negotiations one after another: each changes the one peer connection's descriptions. */
  #chain: Promise<void> = Promise.resolve();
  #published: Omit<Publication, "mid">[] = [];
  /** Pulled tracks by `sessionId/trackName`. */
  readonly #pulls = new Map<string, Pull>();
  readonly #streams = new Map<string, MediaStream>();
  /** Tiles on screen, with their width. */
  readonly #visible = new Map<string, number>();
  #closed = false;

  constructor(
    iceServers: RTCIceServer[],
    private readonly me: string,
    private readonly send: (frame: object) => boolean,
    private readonly changed: () => void,
    /** A participant's audio arrived (the speaking meter listens to it). */
    private readonly heard: (userId: string, stream: MediaStream) => void,
    /** The call's SFrame worker when the chat is encrypted: the SFU then forwards only sealed frames. */
    private readonly encryption: CallEncryption | null = null,
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", ...(encryption ? encryptedPeerConnectionOptions() : {}) });
    this.pc.ontrack = (event) => {
      const pull = [...this.#pulls.values()].find((p) => p.mid === event.transceiver.mid);
      if (!pull) return;
      this.encryption?.protectReceiver(event.receiver, pull.kind);
      const stream = this.streamOf(pull.userId) ?? new MediaStream();
      for (const old of pull.kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks()) stream.removeTrack(old);
      stream.addTrack(event.track);
      this.#streams.set(pull.userId, stream);
      if (pull.kind === "audio") this.heard(pull.userId, stream);
      this.changed();
    };
  }

  streamOf(userId: string): MediaStream | null {
    return this.#streams.get(userId) ?? null;
  }

  /** An answer (or an error carrying an `id`) from the room: settles the request that sent it. */
  answer(frame: ServerFrame): boolean {
    const id = typeof frame.id === "string" ? frame.id : null;
    const resolve = id ? this.#waiting.get(id) : undefined;
    if (!id || !resolve) return false;
    this.#waiting.delete(id);
    resolve(frame as Answer);
    return true;
  }

  async #request(frame: Record<string, unknown>): Promise<Answer> {
    const id = `sfu-${++this.#requestIds}`;
    // A request refused without its id (rate limited, say) is never answered: give up on it, so later ones still run.
    const answered = new Promise<Answer>((resolve) => {
      this.#waiting.set(id, resolve);
      setTimeout(() => this.answer({ type: "error", id, code: "timeout", detail: "The media server did not answer" }), REQUEST_TIMEOUT_MS);
    });
    if (!this.send({ ...frame, id })) {
      this.#waiting.delete(id);
      throw new Error("The call's socket is not open");
    }
    const answer = await answered;
    if (answer.type === "error") throw new Error(`${String(answer.code)}: ${String(answer.detail)}`);
    return answer;
  }

  #serially(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(() => (this.#closed ? undefined : task()));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Opens this device's session and publishes its microphone and camera. */
  start(media: MediaStream): Promise<void> {
    return this.#serially(async () => {
      this.#sessionId = String((await this.#request({ type: "sfu.session.new" })).sessionId);
      const sent: { transceiver: RTCRtpTransceiver; kind: "audio" | "video" }[] = [];
      for (const track of media.getTracks()) {
        const kind = track.kind === "video" ? "video" : "audio";
        const transceiver = this.pc.addTransceiver(track, {
          direction: "sendonly",
          streams: [media],
          ...(kind === "video" ? { sendEncodings: LAYERS } : {}),
        });
        if (this.encryption) {
          this.encryption.protectSender(transceiver.sender, kind);
          if (kind === "video") preferCodec(transceiver, "video/VP8");
        }
        sent.push({ transceiver, kind });
      }
      if (sent.length === 0) return;
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const pushed = await this.#request({
        type: "sfu.tracks.push",
        sessionId: this.#sessionId,
        offer: this.pc.localDescription?.sdp,
        tracks: sent.map(({ transceiver, kind }) => ({ mid: transceiver.mid, trackName: `${this.me}/${kind}`, kind })),
      });
      if (typeof pushed.answer === "string") await this.pc.setRemoteDescription({ type: "answer", sdp: pushed.answer });
      await this.#reconcile();
    });
  }

  /** `sfu.published`: what may be pulled now. */
  published(tracks: Omit<Publication, "mid">[]): void {
    this.#published = tracks.filter((track) => track.userId !== this.me);
    void this.#serially(() => this.#reconcile()).catch(() => undefined);
  }

  /** A tile came on screen (`width` in CSS pixels) or left it (null). */
  tileVisible(userId: string, width: number | null): void {
    if (width === null) this.#visible.delete(userId);
    else this.#visible.set(userId, width);
    void this.#serially(() => this.#reconcile()).catch(() => undefined);
  }

  /** Pulls what is wanted and not pulled, closes what is pulled and no longer wanted. */
  async #reconcile(): Promise<void> {
    if (!this.#sessionId) return;
    // Audio always (a voice is heard off screen too); video only for tiles on screen.
    const wanted = this.#published.filter((track) => track.kind === "audio" || this.#visible.has(track.userId));
    const wantedKeys = new Set(wanted.map(keyOf));
    const stale = [...this.#pulls.values()].filter((pull) => !wantedKeys.has(pull.key));
    if (stale.length > 0) await this.#close(stale);
    const fresh = wanted.filter((track) => !this.#pulls.has(keyOf(track)));
    if (fresh.length > 0) await this.#pull(fresh);
  }

  async #pull(tracks: Omit<Publication, "mid">[]): Promise<void> {
    const pulled = await this.#request({
      type: "sfu.tracks.pull",
      sessionId: this.#sessionId,
      tracks: tracks.map((track) => ({
        sessionId: track.sessionId,
        trackName: track.trackName,
        ...(track.kind === "video" ? { simulcast: { preferredRid: layerFor(this.#visible.get(track.userId) ?? 0) } } : {}),
      })),
    });
    const answered = (pulled.tracks as { sessionId: string; trackName: string; mid: string | null; errorCode?: string }[]) ?? [];
    for (const track of answered) {
      const publication = tracks.find((t) => t.sessionId === track.sessionId && t.trackName === track.trackName);
      if (!publication || !track.mid || track.errorCode) continue;
      this.#pulls.set(keyOf(publication), { userId: publication.userId, kind: publication.kind, key: keyOf(publication), mid: track.mid });
    }
    if (typeof pulled.offer === "string") {
      await this.pc.setRemoteDescription({ type: "offer", sdp: pulled.offer });
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      if (pulled.requiresImmediateRenegotiation) {
        await this.#request({ type: "sfu.renegotiate", sessionId: this.#sessionId, answer: this.pc.localDescription?.sdp });
      }
    }
  }

  async #close(pulls: Pull[]): Promise<void> {
    for (const pull of pulls) {
      this.#pulls.delete(pull.key);
      const stream = this.#streams.get(pull.userId);
      for (const track of (pull.kind === "audio" ? stream?.getAudioTracks() : stream?.getVideoTracks()) ?? []) stream?.removeTrack(track);
      this.pc
        .getTransceivers()
        .find((t) => t.mid === pull.mid)
        ?.stop();
    }
    this.changed();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const closed = await this.#request({
      type: "sfu.tracks.close",
      sessionId: this.#sessionId,
      mids: pulls.map((pull) => pull.mid),
      offer: this.pc.localDescription?.sdp,
    });
    if (typeof closed.answer === "string") await this.pc.setRemoteDescription({ type: "answer", sdp: closed.answer });
  }

  /** Stops pulling and pushing; the peer connection stays open for the end-of-call report, which closes it. */
  stop(): void {
    this.#closed = true;
    for (const resolve of this.#waiting.values()) resolve({ type: "error", id: "", code: "stopped", detail: "The call ended" });
    this.#waiting.clear();
    for (const stream of this.#streams.values()) for (const track of stream.getTracks()) track.stop();
    this.#streams.clear();
  }
}
