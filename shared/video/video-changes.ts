import type { SQL } from "drizzle-orm";
import { newId } from "../ids";
import { ownerVideoView } from "./model";
import { changeVideo, type NewVideoRecord, setSignedPlayback, type VideoRecord } from "./records";
import { statusesBefore, type VideoStatus } from "./status-machine";
import { isVisibleToEveryone } from "./visibility";
import type { Deps } from "../platform/deps-types";

/** Who made a change, as the audit log names them: a user id, or `stream` / `cron` for the platform. */
export type Actor = string;

/**
 * Moves a video to `to` if the status machine allows it from where it is, audit logged with who
 * and why in the same batch; the owner's hub hears of it and Stream's signed-URL requirement
 * follows the new visibility. Undefined when the video was not in a status that may move there.
 */
export async function moveVideo(
  deps: Deps,
  video: VideoRecord,
  to: VideoStatus,
  by: Actor,
  reason: string | null,
  changes: Partial<NewVideoRecord> = {},
): Promise<VideoRecord | undefined> {
  const now = deps.clock.now();
  const changed = await changeVideo(
    deps.db,
    video.id,
    statusesBefore(to),
    { ...changes, status: to, updatedAt: new Date(now) },
    {
      type: "video.status_changed",
      detail: { videoId: video.id, from: video.status, to, by, reason },
      auditId: newId(now),
      changeId: newId(now),
      at: new Date(now),
    },
  );
  if (changed) await afterChange(deps, changed);
  return changed;
}

/**
 * A change that is not a status move but still audit logged (archive, hide, review, revisions),
 * made only while `only.where` holds; `only.tags` replace the tags in the same batch.
 */
export async function auditedChange(
  deps: Deps,
  video: VideoRecord,
  type: string,
  by: Actor,
  reason: string | null,
  changes: Partial<NewVideoRecord>,
  from: readonly VideoStatus[] = [],
  only: { where?: SQL; tags?: readonly string[] } = {},
): Promise<VideoRecord | undefined> {
  const now = deps.clock.now();
  const changed = await changeVideo(
    deps.db,
    video.id,
    from,
    { ...changes, updatedAt: new Date(now) },
    { type, detail: { videoId: video.id, by, reason }, auditId: newId(now), changeId: newId(now), at: new Date(now) },
    only.where,
    only.tags,
  );
  if (changed) await afterChange(deps, changed);
  return changed;
}

export async function afterChange(deps: Deps, video: VideoRecord): Promise<void> {
  await Promise.all([notifyOwner(deps, video), syncPlaybackAccess(deps, video)]);
}

/** `video.updated` to every device of the owner; a hub that cannot be reached does not undo the change. */
export async function notifyOwner(deps: Deps, video: VideoRecord): Promise<void> {
  try {
    await deps.objects.userHub(video.ownerId).notify({ type: "video.updated", video: ownerVideoView(video) });
  } catch (error) {
    deps.log("warn", "video.updated not delivered", { videoId: video.id, error: String(error) });
  }
}

/**
 * Stream serves a video without a token only while everyone may see it. When the update fails,
 * the row keeps saying what Stream has, and the cron tries again.
 */
export async function syncPlaybackAccess(deps: Deps, video: VideoRecord): Promise<void> {
  const signed = !isVisibleToEveryone(video, deps.clock.now());
  if (!video.streamUid || !deps.videoHost || video.signedPlayback === signed) return;
  try {
    await deps.videoHost.update(video.streamUid, { requireSignedURLs: signed });
    await setSignedPlayback(deps.db, video.id, signed);
  } catch (error) {
    deps.log("warn", "video playback access not synced", { videoId: video.id, error: String(error) });
  }
}
