/**
 * The media topology above the mesh: a selective forwarding unit. One interface (the
 * Cloudflare Realtime SFU's contract, `rtc.live.cloudflare.com/v1/apps/{appId}`), implemented by
 * `cloudflareSfu` and, in tests, by a local fake that answers the same requests.
 */
export interface SessionDescription {
  type: "offer" | "answer";
  sdp: string;
}

/** A track as the SFU names it: `local` (pushed from this session's `mid`) or `remote` (pulled from `sessionId`'s `trackName`). */
export interface SfuTrack {
  location: "local" | "remote";
  trackName: string;
  sessionId?: string;
  mid?: string | null;
  /** Pulling a simulcast track: the layer (`rid`) the SFU should forward first; the publisher's encodings name them. */
  simulcast?: { preferredRid: string };
  errorCode?: string;
  errorDescription?: string;
}

export interface TracksAnswer {
  sessionDescription: SessionDescription | null;
  requiresImmediateRenegotiation: boolean;
  tracks: SfuTrack[];
}

export interface Sfu {
  /** A session is one RTCPeerConnection of one participant to the SFU. */
  newSession(offer?: SessionDescription): Promise<{ sessionId: string; sessionDescription: SessionDescription | null }>;
  /** Pushes local tracks (with the participant's offer) or pulls remote ones (the SFU answers with an offer to renegotiate). */
  addTracks(sessionId: string, request: { tracks: SfuTrack[]; sessionDescription?: SessionDescription }): Promise<TracksAnswer>;
  /** The participant's answer to the SFU's offer after a pull. */
  renegotiate(sessionId: string, answer: SessionDescription): Promise<void>;
  /** Stops tracks of the session by `mid`. */
  closeTracks(sessionId: string, request: { mids: string[]; sessionDescription?: SessionDescription; force: boolean }): Promise<TracksAnswer>;
}
