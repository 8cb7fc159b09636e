import { newId } from "../ids";
import { recordAuditEvent } from "../identity/audit/events";
import { findVideo, listDuePublications, listPlaybackMismatches, markPublicationNotified } from "./records";
import { notifyOwner, syncPlaybackAccess } from "./video-changes";
import { pollStuckVideos } from "./processing";
import type { Deps } from "../platform/deps-types";

export interface VideoHousekeeping {
  polled: number;
  movedByPoll: number;
  published: number;
  playbackSynced: number;
  failures: string[];
}

/**
 * Scheduled publication: a video is visible from its `publishAt` on (reads compare the time);
 * this tells the owner's hub once, audit logged, and lets Stream serve it without a token.
 */
export async function publishDueVideos(deps: Deps, now: number, limit = 100): Promise<{ published: number; failures: string[] }> {
  const due = await listDuePublications(deps.db, now, limit);
  const failures: string[] = [];
  let published = 0;
  for (const video of due) {
    try {
      if (!(await markPublicationNotified(deps.db, video.id, now))) continue;
      await recordAuditEvent(deps.db, {
        userId: video.ownerId,
        type: "video.published",
        detail: { videoId: video.id, by: "cron", publishAt: video.publishAt?.toISOString(), eventId: newId(now) },
      });
      const current = (await findVideo(deps.db, video.id)) ?? video;
      await Promise.all([notifyOwner(deps, current), syncPlaybackAccess(deps, current)]);
      published++;
    } catch (error) {
      failures.push(`${video.id}: ${String(error).slice(0, 200)}`);
    }
  }
  return { published, failures };
}

/** Stream's signed-URL requirement brought in line where an earlier update failed or time changed visibility. */
export async function syncPlaybackMismatches(deps: Deps, now: number, limit = 100): Promise<number> {
  const mismatched = await listPlaybackMismatches(deps.db, now, limit);
  for (const video of mismatched) await syncPlaybackAccess(deps, video);
  return mismatched.length;
}

/** The video module's cron work: poll Stream for stuck videos, publish scheduled ones, fix playback access. */
export async function videoHousekeeping(deps: Deps, now: number): Promise<VideoHousekeeping> {
  const poll = await pollStuckVideos(deps, now);
  const publication = await publishDueVideos(deps, now);
  const playbackSynced = await syncPlaybackMismatches(deps, now);
  return {
    polled: poll.checked,
    movedByPoll: poll.moved,
    published: publication.published,
    playbackSynced,
    failures: [...poll.failures, ...publication.failures],
  };
}
