// One call at a time on this device: ringing, placing, answering, the RTCPeerConnection with its
// media and signalling socket, and the screen state the call view renders.
import type { Call, LiveSocket, ServerFrame } from "../../client";
import { ok } from "../../client";
import type { CallKeySource } from "../../client/e2ee/call-keys";
import { CallEncryption, CallNotEncryptable, callKeysFor, encryptedPeerConnectionOptions, preferCodec } from "./call-encryption";
import { reportCallQuality } from "./call-quality";
import { platform } from "./api-client";
import type { CallView } from "./views";
import { store } from "./store";

const FINAL = new Set(["ended", "missed", "rejected", "busy"]);
const ENDED_TEXT: Record<string, string> = { ended: "Call ended", missed: "No answer", rejected: "Call declined", busy: "Busy" };

declare global {
  // Lets tests and the curious read connection statistics of the current call.
  var edgePlatformCall: { peerConnection: RTCPeerConnection; encryption: CallEncryption | null } | undefined;
}

class CallController {
  #view: CallView | null = null;

  /** Whether the call `id` is still the one on screen and not ended (it may end during any await). */
  #stillOn(id: string): boolean {
    return this.#view?.call.id === id && this.#view.phase !== "ended";
  }
  #pc: RTCPeerConnection | null = null;
  #socket: LiveSocket | null = null;
  #media: MediaStream | null = null;
  #audio: HTMLAudioElement | null = null;
  /** What the other side sends (audio and video tracks), and this device's camera. */
  #remote: MediaStream | null = null;
  #camera: MediaStreamTrack | null = null;
  #videoSender: RTCRtpSender | null = null;
  /** The call's SFrame worker when the chat with the other person is encrypted. */
  #encryption: CallEncryption | null = null;

  get remoteStream(): MediaStream | null {
    return this.#remote;
  }

  get cameraStream(): MediaStream | null {
    return this.#camera ? new MediaStream([this.#camera]) : null;
  }
  #pendingCandidates: RTCIceCandidateInit[] = [];
  /** When the call was answered as this device saw it: setup time runs from here to ICE connected. */
  #answeredAt: number | null = null;
  #clearTimer: ReturnType<typeof setTimeout> | null = null;

  get busy(): boolean {
    return this.#view !== null && this.#view.phase !== "ended";
  }

  #publish(patch: Partial<CallView> | null): void {
    this.#view = patch === null ? null : ({ ...this.#view, ...patch } as CallView);
    store.set({ call: this.#view });
  }

  async place(calleeId: string, type: "voice" | "video" = "voice"): Promise<void> {
    if (this.busy) return;
    let keys: CallKeySource | null;
    try {
      // Before the call exists: a call this device cannot seal is not placed at all (nobody rings).
      keys = await callKeysFor({ kind: "direct", peerId: calleeId });
    } catch (error) {
      store.set({ notice: error instanceof CallNotEncryptable ? error.message : "Could not place the call" });
      return;
    }
    try {
      const call = await ok(platform.api.v1.calls.$post({ json: { calleeId, type } }));
      this.#publish({
        call: call as Call,
        role: "caller",
        phase: "calling",
        ice: "new",
        muted: false,
        camera: type === "video",
        remoteVideo: false,
        connectedAt: null,
        endedText: null,
        encrypted: false,
      });
      await this.#connect(call as Call, true, keys);
    } catch (error) {
      store.showError(error, "Could not place the call");
      this.#cleanup();
      this.#publish(null);
    }
  }

  incoming(call: Call): void {
    if (call.status !== "ringing" || call.calleeId !== store.state.me?.id) return;
    if (this.busy) return;
    store.set({ ringing: call });
  }

  /** After a reconnect: a call may have started ringing while the hub was away. */
  async recoverRinging(): Promise<void> {
    const shownBefore = store.state.ringing;
    const { items } = await ok(platform.api.v1.calls.active.$get()).catch(() => ({ items: [] as Call[] }));
    const ringing = (items as Call[]).find((c) => c.status === "ringing" && c.calleeId === store.state.me?.id);
    if (ringing) this.incoming(ringing);
    // Only a ring shown before the request can be stale: one that arrived meanwhile is newer than the list.
    else if (shownBefore && store.state.ringing === shownBefore) store.set({ ringing: null });
  }

  stateChanged(call: Call): void {
    if (store.state.ringing?.id === call.id && call.status !== "ringing") store.set({ ringing: null });
    if (this.#view?.call.id !== call.id) return;
    if (FINAL.has(call.status)) this.#finish(call);
    else {
      if (call.status === "answered") this.#answeredAt ??= Date.now();
      this.#publish({ call });
    }
  }

  async accept(): Promise<void> {
    const ringing = store.state.ringing;
    if (!ringing) return;
    store.set({ ringing: null });
    this.#answeredAt = Date.now();
    this.#publish({
      call: ringing,
      role: "callee",
      phase: "connecting",
      ice: "new",
      muted: false,
      camera: ringing.type === "video",
      remoteVideo: false,
      connectedAt: null,
      endedText: null,
      encrypted: false,
    });
    let keys: CallKeySource | null;
    try {
      // Before answering: a call this device cannot seal is not answered here. Not declined either:
      // another device of this person may still answer it.
      keys = await callKeysFor({ kind: "direct", peerId: ringing.callerId });
    } catch (error) {
      store.set({ notice: error instanceof CallNotEncryptable ? error.message : "Could not answer" });
      this.#cleanup();
      this.#publish(null);
      return;
    }
    // The caller may have hung up while the keys came.
    if (!this.#stillOn(ringing.id)) return;
    try {
      const call = await ok(platform.api.v1.calls[":id"].accept.$post({ param: { id: ringing.id } }));
      this.#publish({ call: call as Call });
      await this.#connect(call as Call, false, keys);
    } catch (error) {
      store.showError(error, "Could not answer");
      this.#cleanup();
      this.#publish(null);
    }
  }

  async reject(): Promise<void> {
    const ringing = store.state.ringing;
    if (!ringing) return;
    store.set({ ringing: null });
    await ok(platform.api.v1.calls[":id"].reject.$post({ param: { id: ringing.id } })).catch(() => undefined);
  }

  async hangUp(): Promise<void> {
    const view = this.#view;
    if (!view || view.phase === "ended") return;
    const call = await ok(platform.api.v1.calls[":id"].end.$post({ param: { id: view.call.id } })).catch(() => null);
    this.#finish((call as Call | null) ?? { ...view.call, status: "ended" });
  }

  toggleMute(): void {
    if (!this.#view) return;
    const muted = !this.#view.muted;
    for (const track of this.#media?.getAudioTracks() ?? []) track.enabled = !muted;
    this.#publish({ muted });
  }

  /**
   * Turns this device's camera on or off during the call, a voice call included: the video
   * transceiver both sides negotiated at the start carries it, so no new offer is needed.
   */
  async toggleCamera(): Promise<void> {
    const view = this.#view;
    if (!view || view.phase === "ended" || !this.#videoSender) return;
    if (view.camera) {
      await this.#videoSender.replaceTrack(null);
      this.#camera?.stop();
      this.#camera = null;
      this.#publish({ camera: false });
      return;
    }
    try {
      const [track] = (await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } })).getVideoTracks();
      if (!track || this.#view?.call.id !== view.call.id) return track?.stop();
      this.#camera = track;
      await this.#videoSender.replaceTrack(track);
      this.#publish({ camera: true });
    } catch {
      store.set({ notice: "The camera is not available." });
    }
  }

  reset(): void {
    this.#cleanup();
    this.#publish(null);
    store.set({ ringing: null });
  }

  /** `keys`: the chat's call keys when it is encrypted (callKeysFor, asked before the call was placed or answered). */
  async #connect(call: Call, makeOffer: boolean, keys: CallKeySource | null): Promise<void> {
    const [{ iceServers }, media] = await Promise.all([
      ok(platform.api.v1.calls["ice-servers"].$get()),
      navigator.mediaDevices.getUserMedia({ audio: true, video: false }),
    ]);
    if (!this.#stillOn(call.id)) {
      for (const track of media.getTracks()) track.stop();
      return;
    }
    this.#media = media;
    // An encrypted chat's call is encrypted end to end (SFrame under the chat's MLS keys); a plain chat's is not.
    const encryption = keys ? await CallEncryption.start(keys) : null;
    if (!this.#stillOn(call.id)) {
      encryption?.stop();
      for (const track of media.getTracks()) track.stop();
      return;
    }
    this.#encryption = encryption;
    if (encryption) this.#publish({ encrypted: true });
    const pc = new RTCPeerConnection({ iceServers: iceServers as RTCIceServer[], ...(encryption ? encryptedPeerConnectionOptions() : {}) });
    this.#pc = pc;
    globalThis.edgePlatformCall = { peerConnection: pc, encryption };
    for (const track of media.getTracks()) {
      const sender = pc.addTrack(track, media);
      encryption?.protectSender(sender, "audio");
    }
    // Every call negotiates a video transceiver, so either side can turn a camera on later without a new offer.
    if (makeOffer) {
      const video = pc.addTransceiver("video", { direction: "sendrecv" });
      this.#videoSender = video.sender;
      if (encryption) {
        encryption.protectSender(video.sender, "video");
        preferCodec(video, "video/VP8");
      }
    }
    // The receivers made with these transceivers (both sides' audio, the offering side's video) are
    // protected now, in the task that made them (CallEncryption.protectReceiver); the answering
    // side's video receiver comes with the offer and is protected at `ontrack`.
    encryption?.protectReceivers(pc);
    this.#remote = new MediaStream();
    pc.ontrack = (event) => {
      encryption?.protectReceiver(event.receiver, event.track.kind === "video" ? "video" : "audio");
      this.#remote?.addTrack(event.track);
      if (event.track.kind === "video") {
        // A video track exists from the start; it has frames only while the other side's camera is on.
        event.track.onunmute = () => this.#publish({ remoteVideo: true });
        event.track.onmute = () => this.#publish({ remoteVideo: false });
        return;
      }
      this.#audio ??= Object.assign(new Audio(), { autoplay: true });
      this.#audio.srcObject = this.#remote;
      void this.#audio.play().catch(() => undefined);
    };
    pc.onicecandidate = (event) => {
      if (event.candidate?.candidate) this.#socket?.send({ type: "ice.candidate", candidate: event.candidate.toJSON() });
    };
    pc.oniceconnectionstatechange = () => {
      const ice = pc.iceConnectionState;
      const connected = ice === "connected" || ice === "completed";
      if (!this.#view || this.#view.phase === "ended") return;
      this.#publish({
        ice,
        phase: connected ? "connected" : this.#view.phase === "calling" ? "calling" : "connecting",
        connectedAt: connected ? (this.#view.connectedAt ?? Date.now()) : this.#view.connectedAt,
      });
    };

    this.#socket = platform.callSocket(call.id, (frame) => void this.#signal(frame));
    this.#socket.start();
    if (makeOffer) {
      if (this.#view?.camera) await this.#startCamera();
      await pc.setLocalDescription(await pc.createOffer());
      await this.#sendWhenOpen({ type: "sdp.offer", sdp: pc.localDescription!.sdp });
    }
  }

  /** The camera of a video call, on from the start (a failure leaves a voice call). */
  async #startCamera(): Promise<void> {
    try {
      const [track] = (await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } })).getVideoTracks();
      if (!track) return;
      this.#camera = track;
      await this.#videoSender?.replaceTrack(track);
    } catch {
      this.#publish({ camera: false });
    }
  }

  /** The server holds frames for a participant not connected yet, but ours must first reach it. */
  async #sendWhenOpen(frame: object): Promise<void> {
    for (let i = 0; i < 200 && this.#socket; i++) {
      if (this.#socket.send(frame)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #signal(frame: ServerFrame): Promise<void> {
    const pc = this.#pc;
    if (!pc) return;
    if (frame.type === "call.state") this.stateChanged(frame.call as Call);
    else if (frame.type === "sdp.offer") {
      await pc.setRemoteDescription({ type: "offer", sdp: String(frame.sdp) });
      // The offer's video transceiver: this side sends on it too (a camera now or later).
      const video = pc.getTransceivers().find((t) => t.receiver.track.kind === "video");
      if (video) {
        video.direction = "sendrecv";
        this.#videoSender = video.sender;
        this.#encryption?.protectSender(video.sender, "video");
        if (this.#view?.camera) await this.#startCamera();
      }
      await this.#flushCandidates();
      await pc.setLocalDescription(await pc.createAnswer());
      await this.#sendWhenOpen({ type: "sdp.answer", sdp: pc.localDescription!.sdp });
    } else if (frame.type === "sdp.answer") {
      await pc.setRemoteDescription({ type: "answer", sdp: String(frame.sdp) });
      await this.#flushCandidates();
    } else if (frame.type === "ice.candidate") {
      const candidate = frame.candidate as RTCIceCandidateInit;
      if (pc.remoteDescription) await pc.addIceCandidate(candidate).catch(() => undefined);
      else this.#pendingCandidates.push(candidate);
    } else if (frame.type === "hangup") {
      // the call.state that follows carries the final status
    }
  }

  async #flushCandidates(): Promise<void> {
    const pending = this.#pendingCandidates.splice(0);
    for (const candidate of pending) await this.#pc?.addIceCandidate(candidate).catch(() => undefined);
  }

  #finish(call: Call): void {
    if (!this.#view || this.#view.phase === "ended") return;
    // The report reads the connection's statistics, then closes it.
    const pc = this.#pc;
    this.#pc = null;
    const { connectedAt } = this.#view;
    if (pc) void reportCallQuality(call.id, [pc], connectedAt !== null && this.#answeredAt !== null ? connectedAt - this.#answeredAt : null);
    this.#cleanup();
    const seconds = call.durationSeconds ?? (this.#view.connectedAt ? (Date.now() - this.#view.connectedAt) / 1000 : null);
    const text = ENDED_TEXT[call.status] ?? "Call ended";
    this.#publish({
      call,
      phase: "ended",
      endedText: call.status === "ended" && seconds !== null && this.#view.connectedAt ? `${text} · ${formatSeconds(seconds)}` : text,
    });
    this.#clearTimer = setTimeout(() => {
      if (this.#view?.phase === "ended") this.#publish(null);
    }, 4000);
  }

  dismiss(): void {
    if (this.#view?.phase === "ended") this.#publish(null);
  }

  #cleanup(): void {
    if (this.#clearTimer) clearTimeout(this.#clearTimer);
    this.#clearTimer = null;
    this.#socket?.stop();
    this.#socket = null;
    for (const track of this.#media?.getTracks() ?? []) track.stop();
    this.#media = null;
    this.#pc?.close();
    this.#pc = null;
    this.#encryption?.stop();
    this.#encryption = null;
    this.#pendingCandidates = [];
    this.#answeredAt = null;
    if (this.#audio) this.#audio.srcObject = null;
    this.#camera?.stop();
    this.#camera = null;
    this.#videoSender = null;
    this.#remote = null;
  }
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export const calls = new CallController();

export type { CallView } from "./views";
