import { configOf } from "../config";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { logEvent } from "../observability/log";
import { StreamVideoHost } from "./stream-video-host";
import type { VideoHost } from "./video-host";

/**
 * The Stream binding as a VideoHost whose failures are `VideoHostUnavailable`; null when the Worker
 * has no STREAM binding. `fetch` makes its REST calls (tus direct uploads, captions).
 */
export function videoHostOf(env: Env, fetch: typeof globalThis.fetch): VideoHost | null {
  if (!env.STREAM) return null;
  const config = configOf(env).video;
  const api = config.streamAccountId && config.streamApiToken ? { accountId: config.streamAccountId, apiToken: config.streamApiToken, fetch } : undefined;
  return answeringVideoHost(new StreamVideoHost(env.STREAM, api));
}

export function requireHost(host: VideoHost | null): VideoHost {
  if (!host) throw new ApiError(503, "video_host_unavailable", "Video hosting (the STREAM binding) is not configured");
  return host;
}

/**
 * Stream failed: the answer (`503 video_host_unavailable`) says only that Stream did not answer;
 * Stream's own words go to the log and stay on `hostError`, for a video's failure reason.
 */
export class VideoHostUnavailable extends ApiError {
  constructor(readonly hostError: string) {
    super(503, "video_host_unavailable", "Stream did not answer; try again");
  }
}

/** What the host said when it failed (Stream's words), or the error's own text. */
export function hostErrorOf(error: unknown): string {
  if (error instanceof VideoHostUnavailable) return error.hostError;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The host with every failure translated once, here, at the edge where Stream enters: a call
 * that throws becomes `VideoHostUnavailable`, so callers need no try/catch of their own.
 */
export function answeringVideoHost(host: VideoHost): VideoHost {
  const answering = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const hostError = hostErrorOf(error).slice(0, 500);
      logEvent("warn", "Stream call failed", { error: hostError });
      throw new VideoHostUnavailable(hostError);
    }
  };
  return {
    createDirectUpload: (options) => answering(() => host.createDirectUpload(options)),
    createTusUpload: (options) => answering(() => host.createTusUpload(options)),
    uploadBytes: (body, options) => answering(() => host.uploadBytes(body, options)),
    details: (uid) => answering(() => host.details(uid)),
    update: (uid, changes) => answering(() => host.update(uid, changes)),
    delete: (uid) => answering(() => host.delete(uid)),
    requestDownload: (uid) => answering(() => host.requestDownload(uid)),
    generateCaptions: (uid, language) => answering(() => host.generateCaptions(uid, language)),
    captionsVtt: (uid, language) => answering(() => host.captionsVtt(uid, language)),
  };
}
