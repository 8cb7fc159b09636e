/**
 * Where videos are hosted and transcoded: Cloudflare Stream in production and under wrangler dev
 * (its local emulation); tests drive statuses through a double of this interface.
 */
export interface VideoHost {
  /** A one-time URL the client sends the bytes to (multipart POST, up to 200 MB). */
  createDirectUpload(options: HostedUploadOptions): Promise<{ uid: string; url: string }>;
  /** A one-time tus URL for resumable uploads of `length` bytes (files over 200 MB). */
  createTusUpload(options: HostedUploadOptions & { length: number }): Promise<{ uid: string; url: string }>;
  /** Hands the bytes over from the Worker (local development): Stream stores them under a new uid. */
  uploadBytes(body: ReadableStream<Uint8Array>, options: HostedUploadOptions): Promise<HostedVideo>;
  /** The video as the host sees it now; null when the host has no such video. */
  details(uid: string): Promise<HostedVideo | null>;
  update(uid: string, changes: { requireSignedURLs?: boolean; thumbnailTimestampPct?: number }): Promise<void>;
  /** Removes the video and its copies; a video the host no longer has is already deleted. */
  delete(uid: string): Promise<void>;
  /** Asks for an MP4 download; `url` appears once it is ready. */
  requestDownload(uid: string): Promise<HostedDownload>;
  /**
   * Stream's AI captions in `language`: asks for them the first time, then says how far they are.
   * Null when this host cannot make captions (no API token, the local emulation): the platform's
   * transcript model makes them instead.
   */
  generateCaptions(uid: string, language: string): Promise<HostedCaptionState | null>;
  /** The ready captions as WebVTT; null when the host has none in that language. */
  captionsVtt(uid: string, language: string): Promise<string | null>;
}

export type HostedCaptionState = "inprogress" | "ready" | "error";

export interface HostedUploadOptions {
  /** Our video id, kept in the host's metadata so a webhook can be traced back. */
  videoId: string;
  ownerId: string;
  maxDurationSeconds: number;
  requireSignedURLs: boolean;
  watermarkId?: string;
}

export type HostedState = "pending" | "processing" | "ready" | "error";

export interface HostedVideo {
  uid: string;
  state: HostedState;
  /** With `error`: Stream's reason code and text (e.g. ERR_DURATION_EXCEED_CONSTRAINT). */
  errorReasonCode?: string;
  errorReasonText?: string;
  durationSeconds: number | null;
  thumbnailUrl: string | null;
  hlsUrl: string | null;
  dashUrl: string | null;
  /** While Stream encodes: how far it is, 0-100 (its `status.pctComplete`, a numeric string in its API). */
  percentComplete?: number | null;
}

/** Stream's `pctComplete` ("54.000000", 54, or absent) as a whole percentage. */
export function percentOf(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) return null;
  return Math.min(100, Math.max(0, Math.floor(number)));
}

export interface HostedDownload {
  status: "inprogress" | "ready" | "error";
  percentComplete: number;
  url: string | null;
}

/** Stream's `status.state` values mapped onto the four the platform acts on. */
export function hostedState(state: string | undefined, readyToStream: boolean | undefined): HostedState {
  if (readyToStream || state === "ready") return "ready";
  if (state === "error") return "error";
  if (state === "pendingupload" || state === "downloading" || state === "queued" || state === undefined || state === "") return "pending";
  return "processing";
}
