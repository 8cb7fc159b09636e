// The group call this device is in: one RTCPeerConnection per other participant (a mesh), or one
// to the SFU when the call's topology is `sfu` (group-call-sfu.ts), the call's socket for
// signalling, this device's microphone and camera, and who is speaking.
import { type GroupCall, type LiveSocket, ok, type ServerFrame } from "../../client";
import { reportCallQuality } from "./call-quality";
import { CallEncryption, CallNotEncryptable, callKeysFor, encryptedPeerConnectionOptions, preferCodec } from "./call-encryption";
import { SfuMedia } from "./group-call-sfu";
import { platform } from "./api-client";
import type { GroupCallView, GroupTile } from "./views";
import { store } from "./store";

/** One other participant: the pair's peer connection, with the state perfect negotiation needs. */
interface Peer {
  pc: RTCPeerConnection;
  stream: MediaStream;
  /** The side with the smaller user id gives way when two offers cross. */
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  pending: RTCIceCandidateInit[];
}

/** What `sfu.published` lists: the tracks this device may pull. */
type PublishedTracks = Parameters<SfuMedia["published"]>[0];

/** An audio level above this (RMS of the analyser's samples, 0..1) counts as speaking. */
const SPEAKING_LEVEL = 0.02;
const SPEAKING_POLL_MS = 200;

/**
 * The analyser's window: the smallest it may be (a power of two, at most 32768 samples) that spans
 * a whole poll interval, so every sample is read once. A window shorter than the interval only
 * sees its last few milliseconds: a short sound between two reads (a word's first syllable, the
 * fake microphone's 20 ms beep every half second) was missed, and when the reads kept step with
 * the beeps it was missed every time.
 */
function analyserWindow(sampleRate: number): number {
  const wanted = (sampleRate * SPEAKING_POLL_MS) / 1000;
  let size = 32;
  while (size < wanted && size < 32_768) size *= 2;
  return size;
}

declare global {
  // Lets tests and the curious read each pair's statistics: the peer connection by the other participant's id.
  var edgePlatformGroupCall: { peerConnections: Map<string, RTCPeerConnection>; sfu?: RTCPeerConnection; encryption: CallEncryption | null } | undefined;
}

class GroupCallController {
  #view: GroupCallView | null = null;

  /** Whether the call `id` is still the one on screen and not ended (it may end during any await). */
  #stillOn(id: string): boolean {
    return this.#view?.call.id === id && this.#view.phase !== "ended";
  }
  #socket: LiveSocket | null = null;
  #media: MediaStream | null = null;
  #iceServers: RTCIceServer[] = [];
  readonly #peers = new Map<string, Peer>();
  /** The SFU path, once the call's topology is `sfu`: the mesh's peers are gone then. */
  #sfu: SfuMedia | null = null;
  /** The call's SFrame worker when the chat is encrypted: every pair, or the SFU path, runs through it. */
  #encryption: CallEncryption | null = null;
  /** The last `sfu.published`, for an SFU path that starts after it arrived. */
  #published: PublishedTracks = [];
  #meters = new Map<string, { analyser: AnalyserNode; samples: Float32Array<ArrayBuffer> }>();
  #audioContext: AudioContext | null = null;
  #speakingTimer: ReturnType<typeof setInterval> | null = null;
  #speaking = new Set<string>();
  /** Participants this device has already offered to or answered: an offer goes once per pair. */
  #joinedAt: number | null = null;
  #clearTimer: ReturnType<typeof setTimeout> | null = null;
  /** When this device began joining, and when its first pair connected: the setup time it reports. */
  #joinStartedAt: number | null = null;
  #firstConnectedAt: number | null = null;
  /** Pairs that carried media during the call, kept (not closed) until the end-of-call report has read them. */
  #reported: RTCPeerConnection[] = [];

  get active(): boolean {
    return this.#view !== null && this.#view.phase !== "ended";
  }

  /** The media stream of a tile: this device's own, or what that participant sends. */
  streamOf(userId: string): MediaStream | null {
    if (userId === store.state.me?.id) return this.#media;
    if (this.#sfu) return this.#sfu.streamOf(userId);
    return this.#peers.get(userId)?.stream ?? null;
  }

  #publish(patch: Partial<GroupCallView> | null): void {
    if (patch === null) this.#view = null;
    else {
      const next = { ...this.#view, ...patch } as GroupCallView;
      next.tiles = this.#tilesOf(next);
      this.#view = next;
    }
    store.set({ groupCall: this.#view });
  }

  #tilesOf(view: GroupCallView): GroupTile[] {
    const me = store.state.me?.id;
    return view.call.participants.map((p) => ({
      userId: p.userId,
      name: p.displayName,
      self: p.userId === me,
      audio: p.userId === me ? !view.muted : p.audio,
      video: p.userId === me ? view.camera : p.video,
      speaking: this.#speaking.has(p.userId),
    }));
  }

  /** Starts the chat's call, or joins the one running (the server answers with the same call either way). */
  async start(chatId: string, type: "voice" | "video"): Promise<void> {
    if (this.active) return;
    try {
      // Before the call starts: one this device cannot seal is not started (nobody rings) nor joined.
      await callKeysFor({ kind: "group", chatId });
    } catch (error) {
      // The person answered the chat's ringing call by trying to join it: the reason replaces the ring.
      if (error instanceof CallNotEncryptable && store.state.groupRinging?.chatId === chatId) store.set({ groupRinging: null });
      store.set({ notice: error instanceof CallNotEncryptable ? error.message : "Could not start the call" });
      return;
    }
    try {
      const call = (await ok(platform.api.v1.calls.$post({ json: { chatId, type } }))) as GroupCall;
      await this.join(call);
    } catch (error) {
      store.showError(error, "Could not start the call");
    }
  }

  async join(call: GroupCall): Promise<void> {
    if (this.active) return;
    if (store.state.groupRinging?.id === call.id) store.set({ groupRinging: null });
    this.#cleanup();
    this.#joinStartedAt = Date.now();
    this.#publish({ call, phase: "joining", muted: false, camera: call.type === "video", endedText: null, encrypted: false });
    try {
      // An encrypted chat's call is encrypted end to end (SFrame under the chat's MLS keys). Asked
      // first: a device that cannot seal it opens no microphone or camera and joins nothing.
      const keys = await callKeysFor({ kind: "group", chatId: call.chatId });
      if (!this.#stillOn(call.id)) return;
      const [{ iceServers }, media] = await Promise.all([
        ok(platform.api.v1.calls["ice-servers"].$get()),
        navigator.mediaDevices.getUserMedia({ audio: true, video: call.type === "video" ? { width: 640, height: 360 } : false }),
      ]);
      if (!this.#stillOn(call.id)) {
        for (const track of media.getTracks()) track.stop();
        return;
      }
      const encryption = keys ? await CallEncryption.start(keys) : null;
      if (!this.#stillOn(call.id)) {
        encryption?.stop();
        for (const track of media.getTracks()) track.stop();
        return;
      }
      this.#encryption = encryption;
      if (encryption) this.#publish({ encrypted: true });
      this.#iceServers = iceServers as RTCIceServer[];
      this.#media = media;
      this.#meter(store.state.me?.id ?? "self", media);
      globalThis.edgePlatformGroupCall = { peerConnections: new Map(), encryption };
      this.#socket = platform.groupCallSocket(call.id, (frame) => void this.#onFrame(frame), {
        onFinalClose: (code) => this.#finish(code === 4009 ? "The call is full" : code === 4003 ? "You are no longer in this chat" : "Call ended"),
      });
      this.#socket.start();
    } catch (error) {
      if (error instanceof CallNotEncryptable) {
        // Never joined: no call screen to end, only the reason.
        this.#cleanup();
        this.#publish(null);
        store.set({ notice: error.message });
        return;
      }
      store.showError(error, "Could not join the call");
      this.#finish("Could not join");
    }
  }

  async #onFrame(frame: ServerFrame): Promise<void> {
    if (this.#sfu?.answer(frame)) return;
    if (frame.type === "room.state") await this.#roomChanged(frame.call as GroupCall);
    else if (frame.type === "sfu.published") {
      this.#published = frame.tracks as PublishedTracks;
      this.#sfu?.published(this.#published);
    } else if (this.#sfu) return;
    else if (frame.type === "sdp.offer" || frame.type === "sdp.answer") await this.#description(String(frame.from), frame.type, String(frame.sdp));
    else if (frame.type === "ice.candidate") await this.#candidate(String(frame.from), frame.candidate as RTCIceCandidateInit);
  }

  async #roomChanged(call: GroupCall): Promise<void> {
    const view = this.#view;
    if (!view || view.call.id !== call.id) return;
    const me = store.state.me?.id;
    if (call.status === "ended") {
      this.#publish({ call });
      this.#finish("Call ended");
      return;
    }
    const present = new Set(call.participants.map((p) => p.userId));
    for (const [userId, peer] of this.#peers) {
      if (!present.has(userId)) {
        // Its statistics still count for the report at the end; no more media flows on it.
        for (const sender of peer.pc.getSenders()) void sender.replaceTrack(null).catch(() => undefined);
        this.#reported.push(peer.pc);
        this.#dropPeer(userId, peer, false);
      }
    }
    const firstState = this.#joinedAt === null && me !== undefined && present.has(me);
    this.#publish({ call, phase: present.has(me ?? "") ? "in-call" : view.phase });
    if (firstState) {
      this.#joinedAt = Date.now();
      // Whoever joins a mesh offers to everyone already in the call; they answer.
      if (call.topology === "mesh") for (const p of call.participants) if (p.userId !== me) this.#peerFor(p.userId);
      this.#sendMediaState();
    }
    if (call.topology === "sfu" && !this.#sfu && me && present.has(me)) this.#moveToSfu(me);
  }

  /** The call is (or just became) an SFU call: the mesh's pairs stop, one connection to the SFU carries everything. */
  #moveToSfu(me: string): void {
    for (const [userId, peer] of this.#peers) {
      for (const sender of peer.pc.getSenders()) void sender.replaceTrack(null).catch(() => undefined);
      this.#reported.push(peer.pc);
      this.#dropPeer(userId, peer, false);
    }
    const sfu = new SfuMedia(
      this.#iceServers,
      me,
      (frame) => this.#socket?.send(frame) ?? false,
      () => {
        if (this.#view) this.#publish({});
      },
      (userId, stream) => this.#meter(userId, stream),
      this.#encryption,
    );
    this.#sfu = sfu;
    if (globalThis.edgePlatformGroupCall) globalThis.edgePlatformGroupCall.sfu = sfu.pc;
    sfu.pc.oniceconnectionstatechange = () => {
      if (sfu.pc.iceConnectionState === "connected" || sfu.pc.iceConnectionState === "completed") this.#firstConnectedAt ??= Date.now();
    };
    for (const [userId, width] of this.#tileWidths) sfu.tileVisible(userId, width);
    sfu.published(this.#published);
    sfu.start(this.#media ?? new MediaStream()).catch((error) => store.showError(error, "Could not connect to the call's media server"));
  }

  /** Tiles on screen and their width: the SFU path pulls their video in the layer that fits. */
  readonly #tileWidths = new Map<string, number>();

  tileVisible(userId: string, width: number | null): void {
    if (userId === store.state.me?.id) return;
    if (width === null) this.#tileWidths.delete(userId);
    else this.#tileWidths.set(userId, width);
    this.#sfu?.tileVisible(userId, width);
  }

  #peerFor(userId: string): Peer {
    const known = this.#peers.get(userId);
    if (known) return known;
    const me = store.state.me?.id ?? "";
    const encryption = this.#encryption;
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers, ...(encryption ? encryptedPeerConnectionOptions() : {}) });
    const peer: Peer = { pc, stream: new MediaStream(), polite: me < userId, makingOffer: false, ignoreOffer: false, pending: [] };
    this.#peers.set(userId, peer);
    globalThis.edgePlatformGroupCall?.peerConnections.set(userId, pc);
    for (const track of this.#media?.getTracks() ?? []) {
      if (!this.#media) continue;
      const sender = pc.addTrack(track, this.#media);
      encryption?.protectSender(sender, track.kind === "video" ? "video" : "audio");
    }
    if (encryption) for (const transceiver of pc.getTransceivers()) if (transceiver.sender.track?.kind === "video") preferCodec(transceiver, "video/VP8");
    // Either side may offer (perfect negotiation): the receivers made with the tracks are protected now, not at `ontrack`.
    encryption?.protectReceivers(pc);
    pc.ontrack = (event) => {
      encryption?.protectReceiver(event.receiver, event.track.kind === "video" ? "video" : "audio");
      peer.stream.addTrack(event.track);
      if (event.track.kind === "audio") this.#meter(userId, peer.stream);
      // A new track for a tile that is already drawn.
      if (this.#view) this.#publish({});
    };
    pc.onicecandidate = (event) => {
      if (event.candidate?.candidate) this.#socket?.send({ type: "ice.candidate", to: userId, candidate: event.candidate.toJSON() });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === "connected" || pc.iceConnectionState === "completed") this.#firstConnectedAt ??= Date.now();
    };
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.#socket?.send({ type: "sdp.offer", to: userId, sdp: pc.localDescription.sdp });
      } catch {
        // the next negotiationneeded, or the other side's offer, negotiates again
      } finally {
        peer.makingOffer = false;
      }
    };
    return peer;
  }

  /** Perfect negotiation (RFC 8829 glare handling as the W3C example writes it). */
  async #description(from: string, type: "sdp.offer" | "sdp.answer", sdp: string): Promise<void> {
    if (!this.active) return;
    const peer = this.#peerFor(from);
    const { pc } = peer;
    const offer = type === "sdp.offer";
    const collision = offer && (peer.makingOffer || pc.signalingState !== "stable");
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return;
    try {
      await pc.setRemoteDescription({ type: offer ? "offer" : "answer", sdp });
      for (const candidate of peer.pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => undefined);
      if (offer) {
        await pc.setLocalDescription();
        if (pc.localDescription) this.#socket?.send({ type: "sdp.answer", to: from, sdp: pc.localDescription.sdp });
      }
    } catch {
      // an answer that arrives after a rollback: the pair renegotiates on its next offer
    }
  }

  async #candidate(from: string, candidate: RTCIceCandidateInit): Promise<void> {
    const peer = this.#peers.get(from);
    if (!peer) return;
    if (!peer.pc.remoteDescription) {
      peer.pending.push(candidate);
      return;
    }
    await peer.pc.addIceCandidate(candidate).catch(() => {
      if (!peer.ignoreOffer) peer.pending.push(candidate);
    });
  }

  /** `keep`: the pair stays open for the end-of-call report (someone left while the call goes on). */
  #dropPeer(userId: string, peer: Peer, close = true): void {
    if (close) peer.pc.close();
    for (const track of peer.stream.getTracks()) track.stop();
    this.#peers.delete(userId);
    this.#meters.delete(userId);
    this.#speaking.delete(userId);
    globalThis.edgePlatformGroupCall?.peerConnections.delete(userId);
  }

  /** Who is speaking: an analyser per audio stream, read a few times a second. */
  #meter(userId: string, stream: MediaStream): void {
    if (stream.getAudioTracks().length === 0) return;
    try {
      this.#audioContext ??= new AudioContext();
      void this.#audioContext.resume().catch(() => undefined);
      const analyser = this.#audioContext.createAnalyser();
      analyser.fftSize = analyserWindow(this.#audioContext.sampleRate);
      this.#audioContext.createMediaStreamSource(stream).connect(analyser);
      this.#meters.set(userId, { analyser, samples: new Float32Array(analyser.fftSize) });
    } catch {
      return;
    }
    this.#speakingTimer ??= setInterval(() => this.#measure(), SPEAKING_POLL_MS);
  }

  #measure(): void {
    const speaking = new Set<string>();
    for (const [userId, { analyser, samples }] of this.#meters) {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      if (Math.sqrt(sum / samples.length) > SPEAKING_LEVEL) speaking.add(userId);
    }
    const me = store.state.me?.id;
    if (me && this.#view?.muted) speaking.delete(me);
    const changed = speaking.size !== this.#speaking.size || [...speaking].some((id) => !this.#speaking.has(id));
    this.#speaking = speaking;
    if (changed && this.#view) this.#publish({});
  }

  toggleMute(): void {
    if (!this.#view) return;
    const muted = !this.#view.muted;
    for (const track of this.#media?.getAudioTracks() ?? []) track.enabled = !muted;
    this.#publish({ muted });
    this.#sendMediaState();
  }

  /** The camera of a video call: off stops sending frames (the track stays, so turning it on needs no new offer). */
  toggleCamera(): void {
    const view = this.#view;
    const tracks = this.#media?.getVideoTracks() ?? [];
    if (!view || tracks.length === 0) return;
    const camera = !view.camera;
    for (const track of tracks) track.enabled = camera;
    this.#publish({ camera });
    this.#sendMediaState();
  }

  #sendMediaState(): void {
    const view = this.#view;
    if (!view) return;
    this.#socket?.send({ type: "media.state", audio: !view.muted, video: view.camera && (this.#media?.getVideoTracks().length ?? 0) > 0 });
  }

  async leave(): Promise<void> {
    const view = this.#view;
    if (!view || view.phase === "ended") return;
    // The frame is the quick way out; the request makes sure of it when the socket is not open.
    if (!this.#socket?.send({ type: "leave" })) {
      await ok(platform.api.v1["group-calls"][":id"].leave.$post({ param: { id: view.call.id } })).catch(() => undefined);
    }
    this.#finish("You left the call");
  }

  #finish(text: string): void {
    if (!this.#view || this.#view.phase === "ended") return;
    const callId = this.#view.call.id;
    const setupMs = this.#joinStartedAt !== null && this.#firstConnectedAt !== null ? this.#firstConnectedAt - this.#joinStartedAt : null;
    // The pairs still open are read by the report before they close; those of people who left were kept for it.
    const connections = [...this.#reported, ...[...this.#peers.values()].map((peer) => peer.pc), ...(this.#sfu ? [this.#sfu.pc] : [])];
    this.#sfu?.stop();
    this.#sfu = null;
    this.#reported = [];
    for (const [userId, peer] of this.#peers) this.#dropPeer(userId, peer, false);
    void reportCallQuality(callId, connections, setupMs);
    this.#cleanup();
    this.#publish({ phase: "ended", endedText: text });
    this.#clearTimer = setTimeout(() => {
      if (this.#view?.phase === "ended") this.#publish(null);
    }, 3000);
  }

  dismiss(): void {
    if (this.#view?.phase === "ended") this.#publish(null);
  }

  /** A hub frame about a group call on one of this user's chats: the chat list, the ring, and this device's own call. */
  hubFrame(type: "group_call.incoming" | "group_call.state", call: GroupCall): void {
    const me = store.state.me?.id;
    const running = call.status === "active" ? { id: call.id, type: call.type, participants: call.participants } : null;
    store.set({ chats: store.state.chats.map((chat) => (chat.id === call.chatId ? { ...chat, activeCall: running } : chat)) });
    const inCall = call.participants.some((p) => p.userId === me);
    if (type === "group_call.incoming" && !this.active && !inCall) store.set({ groupRinging: call });
    // Joined on another device, or over: this one stops ringing.
    if (store.state.groupRinging?.id === call.id && (inCall || call.status !== "active")) store.set({ groupRinging: null });
  }

  dismissRing(): void {
    store.set({ groupRinging: null });
  }

  reset(): void {
    this.#cleanup();
    this.#publish(null);
    store.set({ groupRinging: null });
  }

  #cleanup(): void {
    if (this.#clearTimer) clearTimeout(this.#clearTimer);
    this.#clearTimer = null;
    this.#socket?.stop();
    this.#socket = null;
    for (const [userId, peer] of this.#peers) this.#dropPeer(userId, peer);
    this.#sfu?.stop();
    this.#sfu?.pc.close();
    this.#sfu = null;
    this.#encryption?.stop();
    this.#encryption = null;
    this.#published = [];
    for (const track of this.#media?.getTracks() ?? []) track.stop();
    this.#media = null;
    if (this.#speakingTimer) clearInterval(this.#speakingTimer);
    this.#speakingTimer = null;
    this.#meters = new Map();
    this.#speaking = new Set();
    void this.#audioContext?.close().catch(() => undefined);
    this.#audioContext = null;
    this.#joinedAt = null;
    for (const pc of this.#reported.splice(0)) pc.close();
    this.#joinStartedAt = null;
    this.#firstConnectedAt = null;
  }
}

export const groupCalls = new GroupCallController();

export type { GroupCallView, GroupTile } from "./views";
