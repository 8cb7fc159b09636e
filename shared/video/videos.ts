import { z } from "@hono/zod-openapi";
import { ApiError, badRequest, conflict, notFound } from "../http/errors";
import { recordAuditEvent } from "../identity/audit/events";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { newId } from "../ids";
import { deleteFile } from "../media/files";
import { normalizeTags } from "../media/gallery";
import { ALLOWED_TYPES, detectType, isVideo, TYPE_SNIFF_BYTES } from "../media/media-types";
import { findOwnFileRecord, setFileVisibility } from "../media/records/files";
import { enforceRateLimit } from "../rate-limits";
import { ownerVideoView, type VideoView, videoView } from "./model";
import { playbackToken, signedStreamUrl } from "./playback";
import {
  deleteVideoRow,
  findVideo,
  insertVideo,
  listOwnVideos,
  listVisibleVideos,
  type NewVideoRecord,
  updateVideoMetadata,
  type VideoRecord,
} from "./records";
import { type ReviewedChanges, revise } from "./revisions";
import type { VideoStatus } from "./status-machine";
import { chooseStreamFrame } from "./stream-frames";
import { afterChange, auditedChange, moveVideo } from "./video-changes";
import type { HostedDownload } from "./video-host";
import { hostErrorOf, requireHost } from "./video-host-of";
import { canSee, isModerator, type Viewer } from "./visibility";
import { readHead } from "../http/bounded-read";
import { ftsQuery } from "../fts-query";
import type { Deps } from "../platform/deps-types";

/** Stream's basic direct upload takes up to 200 MB in one request; larger files go by tus. */
export const DIRECT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024;
/** What PUT /v1/videos/:id/content accepts, by magic bytes (MP4, MOV, WebM). */
export const VIDEO_TYPES = ALLOWED_TYPES.asset.filter(isVideo);

export interface NewVideo {
  title: string;
  description?: string;
  tags?: string[];
  isPublic?: boolean;
  publishAt?: string;
  /** Bytes the client will send; over 200 MB the upload URL is a tus one. */
  size?: number;
}

export interface UploadTarget {
  /** `PUT` (through the Worker), `POST` (Stream's one-time URL, multipart field `file`) or `tus`. */
  method: "PUT" | "POST" | "tus";
  url: string;
}

export async function createVideo(deps: Deps, ownerId: string, input: NewVideo): Promise<{ video: VideoView; upload: UploadTarget }> {
  const config = deps.config.video;
  const viaWorker = config.uploads === "worker";
  if (viaWorker && input.size !== undefined && input.size > config.maxBytes) throw tooLarge(config.maxBytes);
  const host = requireHost(deps.videoHost);
  await enforceRateLimit(deps, `video-upload:${ownerId}`, config.uploadRateLimit);

  const now = deps.clock.now();
  const id = newId(now);
  const hostOptions = { videoId: id, ownerId, maxDurationSeconds: config.maxDurationSeconds, requireSignedURLs: true, watermarkId: config.watermarkId };
  let streamUid: string | null = null;
  let upload: UploadTarget;
  let method: VideoRecord["uploadMethod"];
  if (viaWorker) {
    method = "worker";
    upload = { method: "PUT", url: `${deps.config.publicOrigin}/v1/videos/${id}/content` };
  } else {
    const resumable = input.size !== undefined && input.size > DIRECT_UPLOAD_MAX_BYTES;
    const created = resumable ? await host.createTusUpload({ ...hostOptions, length: input.size! }) : await host.createDirectUpload(hostOptions);
    streamUid = created.uid;
    upload = { method: resumable ? "tus" : "POST", url: created.url };
    method = resumable ? "tus" : "direct";
  }
  const tags = normalizeTags(input.tags ?? []);
  const record: NewVideoRecord = {
    id,
    ownerId,
    streamUid,
    uploadMethod: method,
    title: input.title,
    description: input.description ?? null,
    tags: JSON.stringify(tags),
    status: "uploading",
    isPublic: input.isPublic ?? true,
    publishAt: input.publishAt ? new Date(input.publishAt) : null,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
  await insertVideo(deps.db, record, tags);
  const video = await findVideo(deps.db, id);
  return { video: ownerVideoView(video!), upload };
}

const tooLarge = (max: number) => new ApiError(413, "file_too_large", `Videos uploaded through the API are at most ${max} bytes`);

/**
 * Local development's upload: the bytes stream through the Worker into Stream (its local
 * emulation). The type is read from the first bytes before anything is handed over; the rest
 * flows through a fixed-length pipe, so memory stays flat and a short body fails the upload.
 */
export async function receiveVideoContent(
  deps: Deps,
  ownerId: string,
  id: string,
  length: number | null,
  body: ReadableStream<Uint8Array> | null,
): Promise<VideoView> {
  const config = deps.config.video;
  const video = await ownVideo(deps, id, ownerId);
  if (video.uploadMethod !== "worker") throw conflict("direct_upload", "This video's bytes go to the upload URL that POST /v1/videos returned");
  if (video.status !== "uploading") throw conflict("already_uploaded", "This video's bytes were received already");
  if (length === null) throw new ApiError(411, "length_required", "The upload needs a content-length");
  if (length > config.maxBytes) throw tooLarge(config.maxBytes);
  if (length === 0 || !body) throw badRequest("body_missing", "The body holds no bytes");
  const host = requireHost(deps.videoHost);

  const head = await readHead(body, Math.min(TYPE_SNIFF_BYTES, length));
  const type = await detectType(head);
  if (!type || !VIDEO_TYPES.includes(type.mime)) throw new ApiError(415, "unsupported_media_type", "The bytes are not MP4, MOV or WebM");
  if (head.length > length) throw badRequest("body_length_mismatch", "The body is longer than its content-length");

  const claimed = await moveVideo(deps, video, "processing", ownerId, "upload received", { processingSince: deps.clock.date() });
  if (!claimed) throw conflict("already_uploaded", "This video's bytes were received already");

  const pipe = new FixedLengthStream(length);
  const feeding = (async () => {
    const writer = pipe.writable.getWriter();
    await writer.write(head);
    writer.releaseLock();
    await body.pipeTo(pipe.writable);
  })();
  const [fed, uploaded] = await Promise.allSettled([
    feeding,
    host.uploadBytes(pipe.readable, {
      videoId: id,
      ownerId,
      maxDurationSeconds: config.maxDurationSeconds,
      requireSignedURLs: true,
      watermarkId: config.watermarkId,
    }),
  ]);
  if (fed.status === "rejected" || uploaded.status === "rejected") {
    const reason =
      fed.status === "rejected"
        ? "upload_incomplete: the body ended before its content-length"
        : `upload_refused: ${hostErrorOf((uploaded as PromiseRejectedResult).reason).slice(0, 200)}`;
    await moveVideo(deps, claimed, "failed", "stream", reason, { failureReason: reason });
    throw fed.status === "rejected"
      ? badRequest("body_incomplete", "The body did not have the length its content-length announced")
      : (uploaded as PromiseRejectedResult).reason;
  }
  const hosted = uploaded.value;
  const stored = await updateVideoMetadata(deps.db, id, ownerId, { streamUid: hosted.uid }, undefined);
  await scheduleCheck(deps, id, 0);
  return ownerVideoView(stored!);
}

/** A `video.check` job: asks Stream how far the video is (webhooks never reach a laptop). */
export async function scheduleCheck(deps: Deps, videoId: string, attempt: number): Promise<void> {
  try {
    const first = deps.config.video.checkDelaySeconds;
    await deps.queue.send({ kind: "video.check" as const, videoId, attempt }, { delaySeconds: Math.min(Math.max(60, first), first * 2 ** attempt) });
  } catch (error) {
    // The cron polls videos stuck in processing, so a lost check only delays the move.
    deps.log("warn", "video.check not queued", { videoId, error: String(error) });
  }
}

async function ownVideo(deps: Deps, id: string, ownerId: string): Promise<VideoRecord> {
  const video = await findVideo(deps.db, id);
  if (!video || video.ownerId !== ownerId) throw notFound("No such video");
  return video;
}

/** The video as this viewer sees it: its owner and moderators with the pending revision, anyone else the approved values. */
export function videoViewFor(video: VideoRecord, viewer: Viewer | null): VideoView {
  return viewer?.userId === video.ownerId || isModerator(viewer) ? ownerVideoView(video) : videoView(video);
}

/** A video the viewer may see, else 404 (an unapproved or private video's id is never confirmed). */
export async function visibleVideo(deps: Deps, id: string, viewer: Viewer | null): Promise<VideoRecord> {
  const video = await findVideo(deps.db, id);
  if (!video || !canSee(video, viewer, deps.clock.now())) throw notFound("No such video");
  return video;
}

const Cursor = z.object({ before: z.string().max(64) });

/** The words of a title search: letters and digits, at most 8 (each must appear in the title). */
export function titleWords(q: string | undefined): string[] {
  return (q?.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/**
 * Visible videos newest first. `q` finds videos whose title holds each of its words, or whose
 * captions say its words (the last word as a prefix, as typed).
 */
export async function listVideos(
  deps: Deps,
  filter: { ownerId?: string; tag?: string; q?: string },
  cursor: string | undefined,
  limit: number,
): Promise<Page<VideoView>> {
  const tag = filter.tag ? normalizeTags([filter.tag])[0] : undefined;
  const q = filter.q?.trim();
  const text = q ? { titleWords: titleWords(q), match: ftsQuery(q, { maxTerms: 8, prefix: "last" }) } : undefined;
  const rows = await listVisibleVideos(deps.db, { ownerId: filter.ownerId, tag, text }, decodeCursor(cursor, Cursor)?.before, limit, deps.clock.now());
  return keysetPage(rows, limit, videoView, (last) => ({ before: last.id }));
}

export async function listMyVideos(
  deps: Deps,
  ownerId: string,
  status: VideoStatus | undefined,
  cursor: string | undefined,
  limit: number,
): Promise<Page<VideoView>> {
  const rows = await listOwnVideos(deps.db, ownerId, status, decodeCursor(cursor, Cursor)?.before, limit);
  return keysetPage(rows, limit, ownerVideoView, (last) => ({ before: last.id }));
}

export interface VideoEdit {
  title?: string;
  description?: string | null;
  tags?: string[];
  isPublic?: boolean;
  publishAt?: string | null;
  /** A frame of the video as its thumbnail, as a fraction of its duration (0..1). */
  thumbnailTimestampPct?: number;
  /** One of the owner's files of purpose `video-thumbnail` (it becomes public), or null for Stream's. */
  thumbnailFileId?: string | null;
}

/** One of the owner's `video-thumbnail` files, made public: thumbnails show wherever the video does (and moderators review a proposed one). */
async function useThumbnailFile(deps: Deps, ownerId: string, fileId: string): Promise<void> {
  const file = await findOwnFileRecord(deps.db, fileId, ownerId);
  if (!file) throw notFound("No such file");
  if (file.purpose !== "video-thumbnail") throw badRequest("invalid_file", "A thumbnail is a file uploaded with purpose=video-thumbnail");
  await setFileVisibility(deps.db, file.id, "public");
}

/**
 * The owner's edit. Visibility settings apply at once. What the video shows (title, description,
 * tags, thumbnail) applies at once until a moderator approved it; after approval it waits as a
 * revision for a moderator (shared/video/revisions.ts) while everyone else sees the approved values.
 */
export async function editVideo(deps: Deps, ownerId: string, id: string, edit: VideoEdit): Promise<VideoView> {
  const video = await ownVideo(deps, id, ownerId);
  const now = deps.clock.now();
  const changes: Partial<NewVideoRecord> = { updatedAt: new Date(now) };
  if (edit.isPublic !== undefined) changes.isPublic = edit.isPublic;
  if (edit.publishAt !== undefined) {
    changes.publishAt = edit.publishAt === null ? null : new Date(edit.publishAt);
    changes.publicationNotifiedAt = null;
  }
  const reviewed: ReviewedChanges = {};
  if (edit.title !== undefined) reviewed.title = edit.title;
  if (edit.description !== undefined) reviewed.description = edit.description;
  if (edit.tags !== undefined) reviewed.tags = normalizeTags(edit.tags);
  if (edit.thumbnailFileId !== undefined) reviewed.thumbnailFileId = edit.thumbnailFileId;
  if (edit.thumbnailTimestampPct !== undefined) reviewed.thumbnailTimestampPct = edit.thumbnailTimestampPct;
  if (edit.thumbnailFileId) await useThumbnailFile(deps, ownerId, edit.thumbnailFileId);

  let tags: string[] | undefined;
  if (video.status === "approved") {
    if (Object.keys(reviewed).length > 0) {
      if (reviewed.thumbnailTimestampPct !== undefined && !video.streamUid) throw conflict("not_uploaded", "A frame can be chosen once the video is uploaded");
      Object.assign(changes, revise(video, reviewed, now));
    }
  } else {
    const { thumbnailTimestampPct, tags: newTags, ...direct } = reviewed;
    Object.assign(changes, direct);
    if (newTags) {
      tags = newTags;
      changes.tags = JSON.stringify(newTags);
    }
    if (thumbnailTimestampPct !== undefined) {
      const url = await chooseStreamFrame(deps, video, thumbnailTimestampPct);
      if (url) changes.streamThumbnailUrl = url;
      changes.thumbnailTimestampPct = thumbnailTimestampPct;
    }
  }
  const updated = await updateVideoMetadata(deps.db, id, ownerId, changes, tags);
  if (!updated) throw notFound("No such video");
  if (edit.isPublic !== undefined || edit.publishAt !== undefined || changes.revision !== undefined) await afterChange(deps, updated);
  return ownerVideoView(updated);
}

export async function setArchived(deps: Deps, ownerId: string, id: string, archived: boolean): Promise<VideoView> {
  const video = await ownVideo(deps, id, ownerId);
  if (video.archived === archived) return ownerVideoView(video);
  const changed = await auditedChange(deps, video, archived ? "video.archived" : "video.unarchived", ownerId, null, { archived });
  return ownerVideoView(changed ?? (await ownVideo(deps, id, ownerId)));
}

/**
 * Deletes the video from Stream first (a failure there keeps the record, so the owner can try
 * again), then its chosen thumbnail file, then the record with its tags and reports.
 */
export async function deleteVideo(deps: Deps, ownerId: string, id: string): Promise<void> {
  const video = await ownVideo(deps, id, ownerId);
  if (video.streamUid) {
    await requireHost(deps.videoHost).delete(video.streamUid);
  }
  if (video.thumbnailFileId) {
    try {
      await deleteFile(deps, video.thumbnailFileId, ownerId);
    } catch {
      // the owner deleted the file already
    }
  }
  if (!(await deleteVideoRow(deps.db, id, ownerId))) throw notFound("No such video");
  await auditedDeletion(deps, video);
  try {
    await deps.objects.videoViews(id).forget();
  } catch (error) {
    deps.log("warn", "video view counter not cleared", { videoId: id, error: String(error) });
  }
}

async function auditedDeletion(deps: Deps, video: VideoRecord): Promise<void> {
  await recordAuditEvent(deps.db, {
    userId: video.ownerId,
    type: "video.deleted",
    detail: { videoId: video.id, by: video.ownerId, streamUid: video.streamUid },
  });
}

/** The owner asks Stream for an MP4 download; the URL appears once Stream made it. */
export async function requestDownload(deps: Deps, ownerId: string, id: string): Promise<HostedDownload> {
  const video = await ownVideo(deps, id, ownerId);
  if (!video.streamUid || video.status === "uploading" || video.status === "processing" || video.status === "failed")
    throw conflict("not_ready", "The video is not ready at Stream");
  const download = await requireHost(deps.videoHost).requestDownload(video.streamUid);
  if (!download.url || !video.signedPlayback) return download;
  const { token } = await playbackToken(deps, video.streamUid);
  return { ...download, url: signedStreamUrl(download.url, video.streamUid, token) };
}
