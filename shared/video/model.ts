import { z } from "@hono/zod-openapi";
import { VIDEO_STATUSES } from "../db/schema/video";
import { contentPath } from "../media/content-urls";
import type { VideoRecord, VideoReportRecord } from "./records";

export const VIDEO_REPORT_CATEGORIES = ["spam", "abuse", "sexual", "violence", "copyright", "misleading", "other"] as const;

export const VideoSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    tags: z.array(z.string()),
    status: z.enum(VIDEO_STATUSES),
    rejectionReason: z.string().nullable().openapi({ description: "Why a moderator rejected it (shown to the owner)" }),
    failureReason: z.string().nullable().openapi({ description: "Stream's reason code and text when processing failed, e.g. `ERR_DURATION_EXCEED_CONSTRAINT: ...`" }),
    isPublic: z.boolean(),
    publishAt: z.string().nullable(),
    archived: z.boolean(),
    hiddenByReports: z.boolean().openapi({ description: "Hidden until a moderator reviews the reports" }),
    durationSeconds: z.number().nullable(),
    thumbnailUrl: z.string().nullable().openapi({ description: "Stream's thumbnail, or the chosen image file (a path on this API)" }),
    viewCount: z.number().int(),
    reportCount: z.number().int(),
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
    countsToHide: z.boolean().openapi({ description: "Whether this report counts toward hiding the video: a moderator's, or a reporter with a verified e-mail and an account at least VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS old" }),
    createdAt: z.string(),
  })
  .openapi("VideoReport");

export type VideoReportView = z.infer<typeof VideoReportSchema>;

export function thumbnailUrlOf(video: VideoRecord): string | null {
  if (video.thumbnailFileId) return contentPath(video.thumbnailFileId);
  return video.streamThumbnailUrl;
}

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

export function reportView(report: VideoReportRecord): VideoReportView {
  return { id: report.id, videoId: report.videoId, userId: report.userId, category: report.category, text: report.text, countsToHide: report.countsToHide, createdAt: report.createdAt.toISOString() };
}
