import { RTCPeerConnection, type RTCIceServer } from "werift";
import type { TestSocket } from "./call-client";

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One side of a call: a werift peer whose offer, answer and ICE candidates travel only through
 * the call's signalling socket. Remote candidates that arrive before the remote description are
 * held until it is set, as a browser app must do too.
 */
export class SignalledPeer {
  readonly pc: RTCPeerConnection;
  readonly localCandidates: string[] = [];
  #pendingRemote: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }[] = [];
  #remoteSet = false;

  constructor(
    readonly signalling: TestSocket,
    options: { iceServers: RTCIceServer[]; iceTransportPolicy: "all" | "relay" },
  ) {
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate?.candidate) return;
      this.localCandidates.push(candidate.candidate);
      signalling.send({
        type: "ice.candidate",
        candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? null, sdpMLineIndex: candidate.sdpMLineIndex ?? null },
      });
    });
    signalling.onFrame((frame) => {
      if (frame.type !== "ice.candidate" || !frame.candidate.candidate) return;
      if (this.#remoteSet) void this.pc.addIceCandidate(frame.candidate);
      else this.#pendingRemote.push(frame.candidate);
    });
  }

  async call(): Promise<void> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.signalling.send({ type: "sdp.offer", sdp: this.pc.localDescription!.sdp });
  }

  async answer(offerSdp: string): Promise<void> {
    await this.#setRemote({ type: "offer", sdp: offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.signalling.send({ type: "sdp.answer", sdp: this.pc.localDescription!.sdp });
  }

  async accept(answerSdp: string): Promise<void> {
    await this.#setRemote({ type: "answer", sdp: answerSdp });
  }

  async #setRemote(description: { type: "offer" | "answer"; sdp: string }): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.#remoteSet = true;
    for (const candidate of this.#pendingRemote.splice(0)) await this.pc.addIceCandidate(candidate);
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
  }
}
