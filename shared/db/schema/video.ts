import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

export const VIDEO_STATUSES = ["uploading", "processing", "moderation", "approved", "rejected", "failed"] as const;

/** A video hosted by Cloudflare Stream: the platform's record of it (the bytes live in Stream). */
export const videos = sqliteTable(
  "videos",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    /** Stream's uid; null until Stream has a video for it (direct upload created, or bytes received). */
    streamUid: text("stream_uid"),
    /** How the bytes reach Stream: `direct` (one-time Stream URL), `tus` (resumable Stream URL), `worker` (through the Worker, local development). */
    uploadMethod: text("upload_method", { enum: ["direct", "tus", "worker"] }).notNull(),
    title: text("title").notNull(),
    description: text("description"),
    /** JSON array of tags, as given. */
    tags: text("tags").notNull().default("[]"),
    status: text("status", { enum: VIDEO_STATUSES }).notNull(),
    rejectionReason: text("rejection_reason"),
    failureReason: text("failure_reason"),
    isPublic: integer("is_public", { mode: "boolean" }).notNull().default(true),
    publishAt: timestamp("publish_at"),
    /** When the scheduled publication was announced to the owner's hub (once). */
    publicationNotifiedAt: timestamp("publication_notified_at"),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    /** Set when enough reports that count arrived since the last review (docs/video.md, "Complaints"); cleared by a moderator's decision. */
    hiddenByReports: integer("hidden_by_reports", { mode: "boolean" }).notNull().default(false),
    /** Whether Stream currently requires signed URLs for it (true until it is visible to everyone). */
    signedPlayback: integer("signed_playback", { mode: "boolean" }).notNull().default(true),
    durationSeconds: real("duration_seconds"),
    hlsUrl: text("hls_url"),
    dashUrl: text("dash_url"),
    /** Stream's thumbnail URL; a chosen frame is `thumbnailTimestampPct`, a chosen image `thumbnailFileId`. */
    streamThumbnailUrl: text("stream_thumbnail_url"),
    thumbnailTimestampPct: real("thumbnail_timestamp_pct"),
    thumbnailFileId: text("thumbnail_file_id"),
    /**
     * JSON of the owner's pending changes to an approved video ({id, submittedAt, title?,
     * description?, tags?, thumbnailFileId?, thumbnailTimestampPct?}); everyone else sees the
     * approved values until a moderator approves this revision. Null when none is pending.
     */
    revision: text("revision"),
    /** Why a moderator rejected the last revision (shown to the owner until the next edit). */
    revisionRejectionReason: text("revision_rejection_reason"),
    viewCount: integer("view_count").notNull().default(0),
    reportCount: integer("report_count").notNull().default(0),
    /** Reports since the last moderator decision (every one; the moderation queue's `reported=true`). */
    reportsSinceReview: integer("reports_since_review").notNull().default(0),
    /** Of those, the reports that count toward hiding (`countsToHide`): what the hiding threshold is compared with. */
    countingReportsSinceReview: integer("counting_reports_since_review").notNull().default(0),
    /** Id of the last status change; its audit event is written in the same batch only if this change won. */
    lastChangeId: text("last_change_id"),
    /** When it entered `processing` (the cron polls Stream for videos stuck there). */
    processingSince: timestamp("processing_since"),
    /** Stream's `pctComplete` while it encodes (0-100), for the owner's progress bar; null otherwise. */
    processingPercent: integer("processing_percent"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("videos_stream_uid_unique").on(t.streamUid),
    index("videos_owner_idx").on(t.ownerId, t.id),
    index("videos_status_idx").on(t.status, t.id),
    index("videos_processing_idx").on(t.status, t.processingSince),
    index("videos_thumbnail_file_idx").on(t.thumbnailFileId),
  ],
);

export const videoTags = sqliteTable(
  "video_tags",
  {
    tag: text("tag").notNull(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.tag, t.videoId] }), index("video_tags_video_idx").on(t.videoId)],
);

/** A complaint: one per user per video. */
export const videoReports = sqliteTable(
  "video_reports",
  {
    id: text("id").notNull(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    category: text("category", { enum: ["spam", "abuse", "sexual", "violence", "copyright", "misleading", "other"] }).notNull(),
    text: text("text"),
    /** Whether the reporter's word counts toward hiding the video (a moderator, or a verified e-mail and an account old enough). */
    countsToHide: integer("counts_to_hide", { mode: "boolean" }).notNull().default(false),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.userId] }), uniqueIndex("video_reports_id_unique").on(t.id), index("video_reports_user_idx").on(t.userId)],
);

/**
 * A video's captions in one language, as WebVTT. Kept in D1, not R2: a transcript is small (tens
 * of KB for an hour of speech), it is served with the video's own visibility check from the same
 * row, and its text feeds the `video_caption_search` FTS5 index (triggers in the migration).
 */
export const videoCaptions = sqliteTable(
  "video_captions",
  {
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    /** BCP 47 tag (`en`, `pt-BR`). */
    language: text("language").notNull(),
    /** `stream`: Stream's generated captions; `transcript`: the transcript model (VIDEO_TRANSCRIPT_MODEL). */
    source: text("source", { enum: ["stream", "transcript"] }),
    status: text("status", { enum: ["pending", "ready", "failed"] })
      .notNull()
      .default("pending"),
    /** The transcript model, or null when Stream makes them. */
    modelId: text("model_id"),
    providerTaskId: text("provider_task_id"),
    attempts: integer("attempts").notNull().default(0),
    vtt: text("vtt"),
    /** The cues' words without timings: what search matches. */
    text: text("text"),
    error: text("error"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.language] })],
);
