import { notFound } from "../http/errors";
import type { Deps } from "../platform/deps-types";
import type { VideoView } from "../video/model";
import { findVideo } from "../video/records";
import { videoViewFor } from "../video/videos";
import { canSee } from "../video/visibility";

/**
 * Videos on the jobs board: a profile's introduction and a vacancy's video are ids of the video
 * module's videos. Whoever sets one must own the video; it is shown only while it is approved and
 * visible to the viewer (public, published, not archived or hidden by reports; its owner and
 * moderators see an approved private one too). A deleted video simply stops showing.
 */
export async function requireOwnVideo(deps: Deps, videoId: string, userId: string): Promise<void> {
  const video = await findVideo(deps.db, videoId);
  if (!video || video.ownerId !== userId) throw notFound("No such video");
}

export async function shownVideo(
  deps: Deps,
  videoId: string | null,
  viewer: { userId: string; role: "user" | "moderator" | "admin" } | null,
): Promise<VideoView | null> {
  if (!videoId) return null;
  const video = await findVideo(deps.db, videoId);
  if (video?.status !== "approved" || !canSee(video, viewer, deps.clock.now())) return null;
  return videoViewFor(video, viewer);
}
