import { clock } from "../clock";
import { toHex } from "../media/byte-intake";
import { metrics } from "../observability/metrics";
import type { VideoDeps } from "./video-changes";
import { visibleVideo } from "./videos";
import type { Viewer } from "./visibility";

/**
 * Who is watching: the user, or for anonymous viewers a hash of IP and user agent (salted with
 * the video id, so one viewer's keys cannot be linked across videos and no address is stored).
 */
export async function viewerKey(videoId: string, viewer: Viewer | null, ip: string | null, userAgent: string | null): Promise<string> {
  if (viewer) return `u:${viewer.userId}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${videoId}\n${ip ?? ""}\n${userAgent ?? ""}`));
  return `a:${toHex(digest)}`;
}

/** Counts a view of a video the viewer may see; no D1 write here (the video's VideoViews object batches them). */
export async function recordView(deps: VideoDeps, id: string, viewer: Viewer | null, client: { ip: string | null; userAgent: string | null }): Promise<{ counted: boolean }> {
  await visibleVideo(deps, id, viewer);
  const key = await viewerKey(id, viewer, client.ip, client.userAgent);
  const result = await deps.env.VIDEO_VIEWS.getByName(id).record(id, key, clock.now());
  metrics.count("video_views_total", { result: result.counted ? "counted" : "repeat" });
  return result;
}
