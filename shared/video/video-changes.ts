import type { SQL } from "drizzle-orm";
import { clock } from "../clock";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { newId } from "../ids";
import { logEvent } from "../observability/log";
import { traced } from "../observability/traced-stub";
import { ownerVideoView } from "./model";
import { changeVideo, type NewVideoRecord, setSignedPlayback, type VideoRecord } from "./records";
import { statusesBefore, type VideoStatus } from "./status-machine";
import type { VideoHost } from "./video-host";
import { isVisibleToEveryone } from "./visibility";

/** What every piece of the video module works with. */
export interface VideoDeps {
  env: Env;
  db: Database;
  /** Null when no STREAM binding exists (then anything that needs Stream answers 503). */
  host: VideoHost | null;
}

/** Who made a change, as the audit log names them: a user id, or `stream` / `cron` for the platform. */
export type Actor = string;

/**
 * Moves a video to `to` if the status machine allows it from where it is, audit logged with who
 * and why in the same batch; the owner's hub hears of it and Stream's signed-URL requirement
 * follows the new visibility. Undefined when the video was not in a status that may move there.
 */
export async function moveVideo(deps: VideoDeps, video: VideoRecord, to: VideoStatus, by: Actor, reason: string | null, changes: Partial<NewVideoRecord> = {}): Promise<VideoRecord | undefined> {
  const now = clock.now();
  const changed = await changeVideo(deps.db, video.id, statusesBefore(to), { ...changes, status: to, updatedAt: new Date(now) }, {
    type: "video.status_changed",
    detail: { videoId: video.id, from: video.status, to, by, reason },
    auditId: newId(now),
    changeId: newId(now),
    at: new Date(now),
  });
  if (changed) await afterChange(deps, changed);
  return changed;
}

/**
 * A change that is not a status move but still audit logged (archive, hide, review, revisions),
 * made only while `only.where` holds; `only.tags` replace the tags in the same batch.
 */
export async function auditedChange(
  deps: VideoDeps,
  video: VideoRecord,
  type: string,
  by: Actor,
  reason: string | null,
  changes: Partial<NewVideoRecord>,
  from: readonly VideoStatus[] = [],
  only: { where?: SQL; tags?: readonly string[] } = {},
): Promise<VideoRecord | undefined> {
  const now = clock.now();
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

export async function afterChange(deps: VideoDeps, video: VideoRecord): Promise<void> {
  await Promise.all([notifyOwner(deps.env, video), syncPlaybackAccess(deps, video)]);
}

/** `video.updated` to every device of the owner; a hub that cannot be reached does not undo the change. */
export async function notifyOwner(env: Env, video: VideoRecord): Promise<void> {
  try {
    await traced(env.USER_HUB.getByName(video.ownerId)).notify({ type: "video.updated", video: ownerVideoView(video) });
  } catch (error) {
    logEvent("warn", "video.updated not delivered", { videoId: video.id, error: String(error) });
  }
}

/**
 * Stream serves a video without a token only while everyone may see it. When the update fails,
 * the row keeps saying what Stream has, and the cron tries again.
 */
export async function syncPlaybackAccess(deps: VideoDeps, video: VideoRecord): Promise<void> {
  const signed = !isVisibleToEveryone(video, clock.now());
  if (!video.streamUid || !deps.host || video.signedPlayback === signed) return;
  try {
    await deps.host.update(video.streamUid, { requireSignedURLs: signed });
    await setSignedPlayback(deps.db, video.id, signed);
  } catch (error) {
    logEvent("warn", "video playback access not synced", { videoId: video.id, error: String(error) });
  }
}
