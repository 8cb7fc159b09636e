import { configOf } from "../config";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { logEvent } from "../observability/log";
import { StreamVideoHost } from "./stream-video-host";
import type { VideoHost } from "./video-host";

/** The Stream binding as a VideoHost; null when the Worker has no STREAM binding. */
export function videoHostOf(env: Env): VideoHost | null {
  if (!env.STREAM) return null;
  const config = configOf(env).video;
  const api = config.streamAccountId && config.streamApiToken ? { accountId: config.streamAccountId, apiToken: config.streamApiToken } : undefined;
  return new StreamVideoHost(env.STREAM, api);
}

export function requireHost(host: VideoHost | null): VideoHost {
  if (!host) throw new ApiError(503, "video_host_unavailable", "Video hosting (the STREAM binding) is not configured");
  return host;
}

/** Stream failed: its words go to the log, the answer says only that Stream did not answer. */
export function hostFailed(error: unknown): ApiError {
  logEvent("warn", "Stream call failed", { error: error instanceof Error ? error.message.slice(0, 500) : String(error) });
  return new ApiError(503, "video_host_unavailable", "Stream did not answer; try again");
}
