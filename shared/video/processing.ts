import { requestModerationHint } from "../moderation-hints/hints";
import { requestCaptions } from "./captions";
import type { NewVideoRecord, VideoRecord } from "./records";
import { fillInDuration, findVideo, findVideoByStreamUid, listStuckProcessing, setProcessingPercent } from "./records";
import { moveVideo, notifyOwner, type Actor } from "./video-changes";
import { type HostedVideo, percentOf } from "./video-host";
import { scheduleCheck } from "./videos";
import type { Deps } from "../platform/deps-types";

/** A direct upload whose bytes never reached Stream within this long has failed. */
export const UPLOAD_ABANDONED_MS = 6 * 3600_000;
/** How many `video.check` jobs follow one worker upload before the cron takes over. */
const MAX_CHECKS = 8;

/**
 * What Stream says about a video moves it along: ready -> `moderation` (with its duration,
 * thumbnail and playback URLs), error -> `failed` with Stream's reason code. Repeated or late
 * news changes nothing: a video only ever moves forward.
 */
export async function applyHostedState(deps: Deps, video: VideoRecord, hosted: HostedVideo, by: Actor): Promise<VideoRecord> {
  if (hosted.state === "ready") {
    let current = video;
    if (current.status === "uploading")
      current = (await moveVideo(deps, current, "processing", by, "received by Stream", { processingSince: deps.clock.date() })) ?? current;
    if (current.status !== "processing") return lateDuration(deps, current, hosted);
    const details: Partial<NewVideoRecord> = {
      durationSeconds: hosted.durationSeconds,
      hlsUrl: hosted.hlsUrl,
      dashUrl: hosted.dashUrl,
      streamThumbnailUrl: hosted.thumbnailUrl,
    };
    const ready = await moveVideo(deps, current, "moderation", by, "ready to stream", details);
    if (ready) await askTheModels(deps, ready);
    return ready ?? current;
  }
  if (hosted.state === "error") {
    if (video.status !== "uploading" && video.status !== "processing") return video;
    const reason = [hosted.errorReasonCode, hosted.errorReasonText].filter(Boolean).join(": ") || "ERR_UNKNOWN";
    return (await moveVideo(deps, video, "failed", by, reason, { failureReason: reason })) ?? video;
  }
  let current = video;
  if (hosted.state === "processing" && current.status === "uploading") {
    current = (await moveVideo(deps, current, "processing", by, "received by Stream", { processingSince: deps.clock.date() })) ?? current;
  }
  return recordProgress(deps, current, hosted);
}

/**
 * Stream can say a video is ready before it knows its length (its local simulator never knows
 * it): a later report that carries the duration fills it in, so cards and the public page can
 * show it. Nothing else of a video past processing changes.
 */
async function lateDuration(deps: Deps, video: VideoRecord, hosted: HostedVideo): Promise<VideoRecord> {
  if (video.durationSeconds !== null || hosted.durationSeconds === null || video.status === "failed") return video;
  return (await fillInDuration(deps.db, video.id, hosted.durationSeconds, deps.clock.date())) ?? video;
}

/**
 * A video that just entered the moderation queue gets its AI moderation hint (advisory, for the
 * moderator) and its captions, both queued; neither can fail the move.
 */
async function askTheModels(deps: Deps, video: VideoRecord): Promise<void> {
  await Promise.all([
    requestModerationHint(deps, {
      kind: "video",
      id: video.id,
      ownerId: video.ownerId,
      title: video.title,
      description: video.description,
      imageUrl: video.streamThumbnailUrl,
    }),
    requestCaptions(deps, video),
  ]);
}

/**
 * How far Stream is with encoding, for the owner's progress bar: kept while the video processes
 * (only forward, so a late report does not move the bar back) and told to the owner's hub when it
 * moves. Not audit logged: it is not a decision, and a status change clears it.
 */
async function recordProgress(deps: Deps, video: VideoRecord, hosted: HostedVideo): Promise<VideoRecord> {
  const percent = hosted.percentComplete ?? null;
  if (video.status !== "processing" || percent === null || percent <= (video.processingPercent ?? -1)) return video;
  const updated = await setProcessingPercent(deps.db, video.id, percent, deps.clock.date());
  if (updated) await notifyOwner(deps, updated);
  return updated ?? video;
}

/** Stream's webhook body: the video object (only the fields used here). */
export interface StreamWebhookBody {
  uid?: unknown;
  readyToStream?: unknown;
  status?: { state?: unknown; pctComplete?: unknown; errorReasonCode?: unknown; errorReasonText?: unknown } | null;
  duration?: unknown;
  thumbnail?: unknown;
  playback?: { hls?: unknown; dash?: unknown } | null;
}

const str = (value: unknown) => (typeof value === "string" && value ? value : null);

export function hostedFromWebhook(body: StreamWebhookBody): HostedVideo | null {
  const uid = str(body.uid);
  if (!uid) return null;
  const state = str(body.status?.state);
  const ready = body.readyToStream === true || state === "ready";
  return {
    uid,
    state: ready ? "ready" : state === "error" ? "error" : "processing",
    errorReasonCode: str(body.status?.errorReasonCode) ?? undefined,
    errorReasonText: str(body.status?.errorReasonText) ?? undefined,
    durationSeconds: typeof body.duration === "number" && body.duration >= 0 ? body.duration : null,
    thumbnailUrl: str(body.thumbnail),
    hlsUrl: str(body.playback?.hls),
    dashUrl: str(body.playback?.dash),
    percentComplete: percentOf(body.status?.pctComplete),
  };
}

/** A verified webhook delivery; a uid the platform does not know is acknowledged and ignored. */
export async function receiveStreamWebhook(deps: Deps, body: StreamWebhookBody): Promise<{ videoId: string | null; status: string | null }> {
  const hosted = hostedFromWebhook(body);
  if (!hosted) return { videoId: null, status: null };
  const video = await findVideoByStreamUid(deps.db, hosted.uid);
  if (!video) return { videoId: null, status: null };
  const after = await applyHostedState(deps, video, hosted, "stream");
  return { videoId: after.id, status: after.status };
}

/** Asks Stream about one video; null details (Stream has no such video yet) changes nothing. */
async function checkWithHost(deps: Deps, video: VideoRecord, by: Actor): Promise<VideoRecord> {
  if (!deps.videoHost || !video.streamUid) return video;
  const hosted = await deps.videoHost.details(video.streamUid);
  if (!hosted) return video;
  return applyHostedState(deps, video, hosted, by);
}

/** The `video.check` job after a worker upload: polls with backoff until Stream is done. */
export async function runVideoCheck(deps: Deps, videoId: string, attempt: number): Promise<void> {
  const video = await findVideo(deps.db, videoId);
  if (!video || (video.status !== "processing" && video.status !== "uploading")) return;
  const after = await checkWithHost(deps, video, "check");
  if ((after.status === "processing" || after.status === "uploading") && attempt + 1 < MAX_CHECKS) await scheduleCheck(deps, videoId, attempt + 1);
}

export interface ProcessingPoll {
  checked: number;
  moved: number;
  failures: string[];
}

/**
 * The cron's poll: every video waiting on Stream for longer than VIDEO_PROCESSING_POLL_AFTER_SECONDS
 * is asked about; a direct upload whose bytes never arrived fails after UPLOAD_ABANDONED_MS.
 */
export async function pollStuckVideos(deps: Deps, now: number, limit = 50): Promise<ProcessingPoll> {
  const since = now - deps.config.video.processingPollAfterMs;
  const stuck = await listStuckProcessing(deps.db, since, limit);
  const result: ProcessingPoll = { checked: 0, moved: 0, failures: [] };
  for (const video of stuck) {
    try {
      result.checked++;
      let after = await checkWithHost(deps, video, "cron");
      if (after.status === "uploading" && now - after.createdAt.getTime() > UPLOAD_ABANDONED_MS) {
        after = (await moveVideo(deps, after, "failed", "cron", "upload_abandoned", { failureReason: "upload_abandoned: no bytes reached Stream" })) ?? after;
      }
      if (after.status !== video.status) result.moved++;
    } catch (error) {
      result.failures.push(`${video.id}: ${String(error).slice(0, 200)}`);
    }
  }
  return result;
}
