import { withStub } from "../platform/rpc-stub";
import type { HostedCaptionState, HostedDownload, HostedUploadOptions, HostedVideo, VideoHost } from "./video-host";
import { hostedState, percentOf } from "./video-host";

/** Stream's own errors carry a numeric code; 10003 (and the emulation's NotFoundError) is "no such video". */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: number; statusCode?: number; message?: string } | null;
  // Across RPC the emulation's NotFoundError arrives as a plain Error named in its message.
  return e?.name === "NotFoundError" || e?.code === 10003 || e?.statusCode === 404 || /^NotFoundError\b/.test(e?.message ?? "");
}

function toHosted(video: StreamVideo): HostedVideo {
  const state = hostedState(video.status?.state, video.readyToStream);
  return {
    uid: video.id,
    state,
    errorReasonCode: video.status?.errorReasonCode || undefined,
    errorReasonText: video.status?.errorReasonText || undefined,
    durationSeconds: typeof video.duration === "number" && video.duration >= 0 ? video.duration : null,
    thumbnailUrl: video.thumbnail || null,
    hlsUrl: video.hlsPlaybackUrl || null,
    dashUrl: video.dashPlaybackUrl || null,
    percentComplete: percentOf(video.status?.pctComplete),
  };
}

/**
 * The binding's `upload` is typed for a URL; the runtime also takes the bytes themselves, which is
 * how development uploads reach the local emulation (a URL upload would need the network).
 */
interface ByteUpload {
  upload(body: ReadableStream<Uint8Array>, params?: StreamUrlUploadParams): Promise<StreamVideo>;
}

/** tus direct uploads are not in the binding: Stream's REST API creates them. */
export interface StreamApiAccess {
  accountId: string;
  apiToken: string;
  fetch?: typeof fetch;
}

/** VideoHost on the Stream Workers binding (`stream = { binding = "STREAM" }`). */
export class StreamVideoHost implements VideoHost {
  constructor(
    private readonly stream: StreamBinding,
    private readonly api?: StreamApiAccess,
  ) {}

  async createDirectUpload(options: HostedUploadOptions): Promise<{ uid: string; url: string }> {
    const upload = await this.stream.createDirectUpload({
      maxDurationSeconds: options.maxDurationSeconds,
      requireSignedURLs: options.requireSignedURLs,
      creator: options.ownerId,
      meta: { videoId: options.videoId },
      ...(options.watermarkId ? { watermark: { id: options.watermarkId } } : {}),
    });
    return { uid: upload.id, url: upload.uploadURL };
  }

  async createTusUpload(options: HostedUploadOptions & { length: number }): Promise<{ uid: string; url: string }> {
    if (!this.api) throw new Error("tus uploads need CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_STREAM_API_TOKEN");
    const b64 = (text: string) => btoa(text);
    const metadata = [
      `maxDurationSeconds ${b64(String(options.maxDurationSeconds))}`,
      ...(options.requireSignedURLs ? ["requiresignedurls"] : []),
      ...(options.watermarkId ? [`watermark ${b64(options.watermarkId)}`] : []),
      `name ${b64(options.videoId)}`,
    ].join(",");
    const response = await (this.api.fetch ?? fetch)(
      `https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(this.api.accountId)}/stream?direct_user=true`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.api.apiToken}`,
          "tus-resumable": "1.0.0",
          "upload-length": String(options.length),
          "upload-metadata": metadata,
          "upload-creator": options.ownerId,
        },
      },
    );
    const url = response.headers.get("location");
    const uid = response.headers.get("stream-media-id");
    if (!response.ok || !url || !uid) throw new Error(`Stream refused the tus upload: ${response.status}`);
    return { uid, url };
  }

  async uploadBytes(body: ReadableStream<Uint8Array>, options: HostedUploadOptions): Promise<HostedVideo> {
    const video = await (this.stream as unknown as ByteUpload).upload(body, {
      creator: options.ownerId,
      meta: { videoId: options.videoId },
      requireSignedURLs: options.requireSignedURLs,
      ...(options.watermarkId ? { watermarkId: options.watermarkId } : {}),
    });
    return toHosted(video);
  }

  async details(uid: string): Promise<HostedVideo | null> {
    try {
      return toHosted(await withStub(this.stream.video(uid), (video) => video.details()));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async update(uid: string, changes: { requireSignedURLs?: boolean; thumbnailTimestampPct?: number }): Promise<void> {
    await withStub(this.stream.video(uid), (video) => video.update(changes));
  }

  async delete(uid: string): Promise<void> {
    try {
      await withStub(this.stream.video(uid), (video) => video.delete());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async requestDownload(uid: string): Promise<HostedDownload> {
    const downloads = await withStub(this.stream.video(uid), (video) => withStub(video.downloads, (scoped) => scoped.generate("default")));
    const download = (downloads as Record<string, { status?: string; percentComplete?: number; url?: string } | undefined>).default;
    const status = download?.status === "ready" || download?.status === "error" ? download.status : "inprogress";
    return { status, percentComplete: download?.percentComplete ?? 0, url: download?.url ?? null };
  }

  /**
   * Captions are Stream's REST API (`/stream/{uid}/captions/{language}`, `.../generate`,
   * `.../vtt`): the binding can start them but not hand out the WebVTT, so without an API token
   * this host makes none.
   */
  async generateCaptions(uid: string, language: string): Promise<HostedCaptionState | null> {
    if (!this.api) return null;
    const existing = await this.captionsCall(uid, language, "", "GET");
    if (existing.status !== 404) return captionStateOf(await resultOf(existing, "Stream refused the captions lookup"));
    const started = await this.captionsCall(uid, language, "/generate", "POST");
    return captionStateOf(await resultOf(started, "Stream refused to generate captions"));
  }

  async captionsVtt(uid: string, language: string): Promise<string | null> {
    if (!this.api) return null;
    const response = await this.captionsCall(uid, language, "/vtt", "GET");
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`Stream refused the captions file: ${response.status}`);
    return response.text();
  }

  private captionsCall(uid: string, language: string, suffix: "" | "/generate" | "/vtt", method: "GET" | "POST"): Promise<Response> {
    const api = this.api!;
    const url = `https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(api.accountId)}/stream/${encodeURIComponent(uid)}/captions/${encodeURIComponent(language)}${suffix}`;
    return (api.fetch ?? fetch)(url, { method, headers: { authorization: `Bearer ${api.apiToken}` } });
  }
}

async function resultOf(response: Response, refusal: string): Promise<{ status?: string } | null> {
  if (!response.ok) throw new Error(`${refusal}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as { result?: { status?: string } | { status?: string }[] | null };
  return Array.isArray(body.result) ? (body.result[0] ?? null) : (body.result ?? null);
}

/** Stream omits `status` on captions it did not generate (uploaded ones are ready). */
function captionStateOf(caption: { status?: string } | null): HostedCaptionState {
  return caption?.status === "inprogress" || caption?.status === "error" ? caption.status : "ready";
}
