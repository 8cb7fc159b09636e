import { z } from "@hono/zod-openapi";
import { VIDEO_STATUSES } from "../db/schema/video";
import { contentPath } from "../media/content-path";
import type { VideoRecord, VideoReportRecord } from "./records";

export const VIDEO_REPORT_CATEGORIES = ["spam", "abuse", "sexual", "violence", "copyright", "misleading", "other"] as const;

/** The owner's pending changes to an approved video, as stored in `videos.revision`. */
export interface VideoRevision {
  id: string;
  submittedAt: string;
  title?: string;
  description?: string | null;
  tags?: string[];
  thumbnailFileId?: string | null;
  thumbnailTimestampPct?: number;
}

/** The fields of a video that a moderator reviews: after approval, changes to them wait as a revision. */
export const REVIEWED_FIELDS = ["title", "description", "tags", "thumbnailFileId", "thumbnailTimestampPct"] as const;

export const VideoRevisionSchema = z
  .object({
    id: z.string().openapi({ description: "Names this revision: a moderator approves or rejects it by this id" }),
    submittedAt: z.string(),
    title: z.string().optional(),
    description: z.string().nullable().optional(),
    tags: z.array(z.string()).optional(),
    thumbnailFileId: z.string().nullable().optional().openapi({ description: "The proposed thumbnail file (null: back to Stream's)" }),
    thumbnailUrl: z.string().nullable().optional().openapi({ description: "Where the proposed thumbnail file is, when one is proposed" }),
    thumbnailTimestampPct: z.number().optional().openapi({ description: "The proposed frame, as a fraction of the duration" }),
  })
  .openapi("VideoRevision");

export const VideoSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    tags: z.array(z.string()),
    status: z.enum(VIDEO_STATUSES),
    rejectionReason: z.string().nullable().openapi({ description: "Why a moderator rejected it (shown to the owner)" }),
    failureReason: z
      .string()
      .nullable()
      .openapi({ description: "Stream's reason code and text when processing failed, e.g. `ERR_DURATION_EXCEED_CONSTRAINT: ...`" }),
    processingPercent: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "While `processing`: how far Stream is with encoding (0-100, its `pctComplete`), once Stream reported it; null otherwise" }),
    isPublic: z.boolean(),
    publishAt: z.string().nullable(),
    archived: z.boolean(),
    hiddenByReports: z.boolean().openapi({ description: "Hidden until a moderator reviews the reports" }),
    durationSeconds: z.number().nullable(),
    thumbnailUrl: z.string().nullable().openapi({ description: "Stream's thumbnail, or the chosen image file (a path on this API)" }),
    viewCount: z.number().int(),
    reportCount: z.number().int(),
    revision: VideoRevisionSchema.nullable().optional().openapi({
      description:
        "Owner and moderators only: changes to title, description, tags or thumbnail of an approved video, waiting for a moderator; everyone else sees the approved values until then",
    }),
    revisionRejectionReason: z.string().nullable().optional().openapi({ description: "Owner and moderators only: why a moderator rejected the last revision" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Video");

export type VideoView = z.infer<typeof VideoSchema>;

export const VideoReportSchema = z
  .object({
    id: z.string(),
    videoId: z.string(),
    userId: z.string(),
    category: z.enum(VIDEO_REPORT_CATEGORIES),
    text: z.string().nullable(),
    countsToHide: z.boolean().openapi({
      description:
        "Whether this report counts toward hiding the video: a moderator's, or a reporter with a verified e-mail and an account at least VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS old",
    }),
    createdAt: z.string(),
  })
  .openapi("VideoReport");

export type VideoReportView = z.infer<typeof VideoReportSchema>;

export function thumbnailUrlOf(video: VideoRecord): string | null {
  if (video.thumbnailFileId) return contentPath(video.thumbnailFileId);
  return video.streamThumbnailUrl;
}

/** The video as everyone sees it: the approved values, never a pending revision. */
export function videoView(video: VideoRecord): VideoView {
  return {
    id: video.id,
    ownerId: video.ownerId,
    title: video.title,
    description: video.description,
    tags: JSON.parse(video.tags) as string[],
    status: video.status,
    rejectionReason: video.rejectionReason,
    failureReason: video.failureReason,
    processingPercent: video.status === "processing" ? video.processingPercent : null,
    isPublic: video.isPublic,
    publishAt: video.publishAt?.toISOString() ?? null,
    archived: video.archived,
    hiddenByReports: video.hiddenByReports,
    durationSeconds: video.durationSeconds,
    thumbnailUrl: thumbnailUrlOf(video),
    viewCount: video.viewCount,
    reportCount: video.reportCount,
    createdAt: video.createdAt.toISOString(),
    updatedAt: video.updatedAt.toISOString(),
  };
}

export function revisionOf(video: Pick<VideoRecord, "revision">): VideoRevision | null {
  return video.revision ? (JSON.parse(video.revision) as VideoRevision) : null;
}

function revisionView(revision: VideoRevision | null): z.infer<typeof VideoRevisionSchema> | null {
  if (!revision) return null;
  return revision.thumbnailFileId ? { ...revision, thumbnailUrl: contentPath(revision.thumbnailFileId) } : revision;
}

/** The video as its owner and moderators see it: with the pending revision and the reason of the last rejected one. */
export function ownerVideoView(video: VideoRecord): VideoView {
  return { ...videoView(video), revision: revisionView(revisionOf(video)), revisionRejectionReason: video.revisionRejectionReason };
}

export function reportView(report: VideoReportRecord): VideoReportView {
  return {
    id: report.id,
    videoId: report.videoId,
    userId: report.userId,
    category: report.category,
    text: report.text,
    countsToHide: report.countsToHide,
    createdAt: report.createdAt.toISOString(),
  };
}
