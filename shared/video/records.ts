import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { captionMatch } from "./caption-records";
import type { BatchQuery, Database } from "../db/client";
import { auditEvents } from "../db/schema/identity";
import { videoReports, videoTags, videos } from "../db/schema/video";
import type { VideoStatus } from "./status-machine";

/** Every query of the video module's tables. */

export type VideoRecord = typeof videos.$inferSelect;
export type NewVideoRecord = typeof videos.$inferInsert;
export type VideoReportRecord = typeof videoReports.$inferSelect;

export async function insertVideo(db: Database, video: NewVideoRecord, tags: readonly string[]): Promise<void> {
  await db.batch([db.insert(videos).values(video), ...tagQueries(db, video.id, tags)]);
}

function tagQueries(db: Database, videoId: string, tags: readonly string[]): BatchQuery[] {
  return tags.map((tag) => db.insert(videoTags).values({ tag, videoId }).onConflictDoNothing());
}

export async function findVideo(db: Database, id: string): Promise<VideoRecord | undefined> {
  return db.select().from(videos).where(eq(videos.id, id)).get();
}

export async function findVideoByStreamUid(db: Database, uid: string): Promise<VideoRecord | undefined> {
  return db.select().from(videos).where(eq(videos.streamUid, uid)).get();
}

/** The condition "its pending revision is `revisionId`" (a moderator decides the revision they saw). */
export function revisionIs(revisionId: string): SQL {
  return sql`json_extract(${videos.revision}, '$.id') = ${revisionId}`;
}

/** The SQL condition "visible to everyone at `now`" (shared/video/visibility.ts says the same in TypeScript). */
function visibleAt(now: number): SQL {
  return and(
    eq(videos.status, "approved"),
    eq(videos.isPublic, true),
    eq(videos.archived, false),
    eq(videos.hiddenByReports, false),
    or(isNull(videos.publishAt), lte(videos.publishAt, new Date(now))),
  )!;
}

export interface AuditedChange {
  /** Audit event type, e.g. `video.status_changed`. */
  type: string;
  detail: Record<string, unknown>;
}

/**
 * Changes a video only if it is in one of `from` (any status when empty) and `where` holds, and
 * writes its audit event in the same batch only when this change is the one that happened (two
 * racing requests cannot both log a move). `tags`, when given, replace the video's tags in the
 * same batch, also only when the change happened. Returns the changed row, or undefined.
 */
export async function changeVideo(
  db: Database,
  id: string,
  from: readonly VideoStatus[],
  changes: Partial<NewVideoRecord>,
  audit: AuditedChange & { auditId: string; changeId: string; at: Date },
  where?: SQL,
  tags?: readonly string[],
): Promise<VideoRecord | undefined> {
  const conditions = [eq(videos.id, id), ...(from.length > 0 ? [inArray(videos.status, [...from])] : []), ...(where ? [where] : [])];
  const happened = sql`EXISTS (SELECT 1 FROM ${videos} WHERE ${videos.id} = ${id} AND ${videos.lastChangeId} = ${audit.changeId})`;
  const tagQueries = tags
    ? [
        db.delete(videoTags).where(and(eq(videoTags.videoId, id), happened)),
        ...tags.map((tag) =>
          db
            .insert(videoTags)
            .select(
              db
                .select({ tag: sql`${tag}`.as("tag"), videoId: videos.id })
                .from(videos)
                .where(and(eq(videos.id, id), eq(videos.lastChangeId, audit.changeId))),
            )
            .onConflictDoNothing(),
        ),
      ]
    : [];
  const [updated] = await db.batch([
    db
      .update(videos)
      .set({ ...changes, lastChangeId: audit.changeId })
      .where(and(...conditions))
      .returning(),
    ...tagQueries,
    db.insert(auditEvents).select(
      db
        .select({
          id: sql`${audit.auditId}`.as("id"),
          userId: videos.ownerId,
          type: sql`${audit.type}`.as("type"),
          ip: sql`NULL`.as("ip"),
          userAgent: sql`NULL`.as("user_agent"),
          detail: sql`${JSON.stringify(audit.detail)}`.as("detail"),
          createdAt: sql`${audit.at.getTime()}`.as("created_at"),
        })
        .from(videos)
        .where(and(eq(videos.id, id), eq(videos.lastChangeId, audit.changeId))),
    ),
  ]);
  return updated[0];
}

export async function replaceVideoTags(db: Database, videoId: string, tags: readonly string[]): Promise<BatchQuery[]> {
  return [db.delete(videoTags).where(eq(videoTags.videoId, videoId)), ...tagQueries(db, videoId, tags)];
}

/** Metadata edits of the owner (no audit: not a status change). */
export async function updateVideoMetadata(
  db: Database,
  id: string,
  ownerId: string,
  changes: Partial<NewVideoRecord>,
  tags: readonly string[] | undefined,
): Promise<VideoRecord | undefined> {
  const [updated] = await db.batch([
    db
      .update(videos)
      .set(changes)
      .where(and(eq(videos.id, id), eq(videos.ownerId, ownerId)))
      .returning(),
    ...(tags ? await replaceVideoTags(db, id, tags) : []),
  ]);
  return updated[0];
}

/** `%` and `_` are LIKE's wildcards: a searched word means itself. */
const likeWord = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Visible videos newest first, optionally of one owner, with one tag, and/or matching a text: a
 * title that holds every one of `text.titleWords` (any case), or captions that match `text.match` (FTS5).
 */
export async function listVisibleVideos(
  db: Database,
  filter: { ownerId?: string; tag?: string; text?: { titleWords: string[]; match: string | null } },
  before: string | undefined,
  limit: number,
  now: number,
): Promise<VideoRecord[]> {
  const where: SQL[] = [visibleAt(now)];
  if (filter.text) {
    const { titleWords, match } = filter.text;
    const titled = titleWords.length > 0 ? and(...titleWords.map((word) => sql`${videos.title} LIKE ${likeWord(word)} ESCAPE '\\'`)) : undefined;
    const captioned = match ? sql`${videos.id} IN (${captionMatch(match)})` : undefined;
    const either = titled && captioned ? or(titled, captioned) : (titled ?? captioned);
    if (either) where.push(either);
  }
  if (filter.ownerId) where.push(eq(videos.ownerId, filter.ownerId));
  if (before) where.push(lt(videos.id, before));
  if (filter.tag) where.push(sql`EXISTS (SELECT 1 FROM video_tags WHERE video_tags.video_id = ${videos.id} AND video_tags.tag = ${filter.tag})`);
  return db
    .select()
    .from(videos)
    .where(and(...where))
    .orderBy(desc(videos.id))
    .limit(limit + 1);
}

export async function listOwnVideos(
  db: Database,
  ownerId: string,
  status: VideoStatus | undefined,
  before: string | undefined,
  limit: number,
): Promise<VideoRecord[]> {
  const where: SQL[] = [eq(videos.ownerId, ownerId)];
  if (status) where.push(eq(videos.status, status));
  if (before) where.push(lt(videos.id, before));
  return db
    .select()
    .from(videos)
    .where(and(...where))
    .orderBy(desc(videos.id))
    .limit(limit + 1);
}

/** The moderation queue: oldest first, by status, every video hidden by reports, reported since its last review, or with a pending revision. */
export async function listForModeration(
  db: Database,
  filter: { status?: VideoStatus; hidden?: boolean; reported?: boolean; revision?: boolean },
  after: string | undefined,
  limit: number,
): Promise<VideoRecord[]> {
  const where: SQL[] = [];
  if (filter.revision !== undefined) where.push(filter.revision ? isNotNull(videos.revision) : isNull(videos.revision));
  if (filter.status) where.push(eq(videos.status, filter.status));
  if (filter.hidden !== undefined) where.push(eq(videos.hiddenByReports, filter.hidden));
  if (filter.reported !== undefined) where.push(filter.reported ? sql`${videos.reportsSinceReview} > 0` : eq(videos.reportsSinceReview, 0));
  if (after) where.push(sql`${videos.id} > ${after}`);
  return db
    .select()
    .from(videos)
    .where(and(...where))
    .orderBy(asc(videos.id))
    .limit(limit + 1);
}

export async function listReportsOf(db: Database, videoIds: readonly string[]): Promise<VideoReportRecord[]> {
  if (videoIds.length === 0) return [];
  return db
    .select()
    .from(videoReports)
    .where(inArray(videoReports.videoId, [...videoIds]))
    .orderBy(desc(videoReports.createdAt));
}

/** How many reports that count hide a video, and whether this one hides it on its own (a moderator's). */
export interface HidingRule {
  floor: number;
  perThousandViews: number;
  hidesAlone: boolean;
}

/**
 * Stores a report unless this user reported the video before; in the same batch the counters
 * move, and the video is hidden by a report that hides alone, or once the reports that count
 * since the last review reach max(floor, ceil(views x perThousandViews / 1000)). Returns whether
 * the report is new, and the video after it.
 */
export async function insertReport(db: Database, report: VideoReportRecord, rule: HidingRule): Promise<{ stored: boolean; video: VideoRecord | undefined }> {
  const thisReport = sql`EXISTS (SELECT 1 FROM video_reports WHERE id = ${report.id})`;
  const counting = report.countsToHide ? 1 : 0;
  // Bound numbers may arrive as REAL: the casts keep the division an integer one (a ceiling).
  const threshold = sql`max(CAST(${rule.floor} AS INTEGER), (${videos.viewCount} * CAST(${rule.perThousandViews} AS INTEGER) + 999) / 1000)`;
  const hides = rule.hidesAlone ? sql`1` : report.countsToHide ? sql`${videos.countingReportsSinceReview} + 1 >= ${threshold}` : sql`0`;
  const [inserted, updated] = await db.batch([
    db.insert(videoReports).values(report).onConflictDoNothing().returning({ id: videoReports.id }),
    db
      .update(videos)
      .set({
        reportCount: sql`${videos.reportCount} + 1`,
        reportsSinceReview: sql`${videos.reportsSinceReview} + 1`,
        countingReportsSinceReview: sql`${videos.countingReportsSinceReview} + ${counting}`,
        hiddenByReports: sql`CASE WHEN ${hides} THEN 1 ELSE ${videos.hiddenByReports} END`,
      })
      .where(and(eq(videos.id, report.videoId), thisReport))
      .returning(),
  ]);
  return { stored: inserted.length === 1, video: updated[0] };
}

/** Removes the video's row; its tags and reports go with it (cascade). */
export async function deleteVideoRow(db: Database, id: string, ownerId: string): Promise<boolean> {
  const deleted = await db
    .delete(videos)
    .where(and(eq(videos.id, id), eq(videos.ownerId, ownerId)))
    .returning({ id: videos.id });
  return deleted.length === 1;
}

/** Videos Stream has (a uid) still waiting in `uploading` or `processing` since before `since`: the cron asks Stream about them. */
export async function listStuckProcessing(db: Database, since: number, limit: number): Promise<VideoRecord[]> {
  const waitingSince = sql`coalesce(${videos.processingSince}, ${videos.createdAt})`;
  return db
    .select()
    .from(videos)
    .where(and(inArray(videos.status, ["uploading", "processing"]), isNotNull(videos.streamUid), sql`${waitingSince} <= ${since}`))
    .orderBy(asc(waitingSince))
    .limit(limit);
}

/** Scheduled videos whose time came and whose owner was not told yet. */
export async function listDuePublications(db: Database, now: number, limit: number): Promise<VideoRecord[]> {
  return db
    .select()
    .from(videos)
    .where(and(visibleAt(now), isNotNull(videos.publishAt), isNull(videos.publicationNotifiedAt)))
    .orderBy(asc(videos.publishAt))
    .limit(limit);
}

/** Marks the publication announced; false when another run did it first. */
export async function markPublicationNotified(db: Database, id: string, now: number): Promise<boolean> {
  const updated = await db
    .update(videos)
    .set({ publicationNotifiedAt: new Date(now) })
    .where(and(eq(videos.id, id), isNull(videos.publicationNotifiedAt)))
    .returning({ id: videos.id });
  return updated.length === 1;
}

/** Videos whose signed-URL requirement at Stream differs from what their visibility needs now. */
export async function listPlaybackMismatches(db: Database, now: number, limit: number): Promise<VideoRecord[]> {
  const visible = visibleAt(now);
  return db
    .select()
    .from(videos)
    .where(and(isNotNull(videos.streamUid), or(and(visible, eq(videos.signedPlayback, true)), and(sql`NOT (${visible})`, eq(videos.signedPlayback, false)))))
    .limit(limit);
}

export async function setSignedPlayback(db: Database, id: string, signed: boolean): Promise<void> {
  await db.update(videos).set({ signedPlayback: signed }).where(eq(videos.id, id));
}

/**
 * The view counter's flush: the absolute total, never an increment, so a flush repeated after a
 * crash cannot count twice, and an older total never overwrites a newer one.
 */
export async function setViewCount(db: Database, id: string, total: number): Promise<void> {
  await db
    .update(videos)
    .set({ viewCount: total })
    .where(and(eq(videos.id, id), lt(videos.viewCount, total)));
}

export async function listAllOwnVideos(db: Database, ownerId: string): Promise<VideoRecord[]> {
  return db.select().from(videos).where(eq(videos.ownerId, ownerId)).orderBy(videos.id);
}

export async function listReportsBy(db: Database, userId: string): Promise<VideoReportRecord[]> {
  return db.select().from(videoReports).where(eq(videoReports.userId, userId)).orderBy(videoReports.createdAt);
}

/** Account deletion: the user's videos (tags and reports on them cascade) and the reports they made. */
export function forgetUserVideoQueries(db: Database, userId: string) {
  return [db.delete(videoReports).where(eq(videoReports.userId, userId)), db.delete(videos).where(eq(videos.ownerId, userId))];
}

/** Videos whose chosen thumbnail is one of `fileIds` (a subquery) show Stream's frame again. */
export function clearThumbnailFilesQuery(db: Database, fileIds: SQLWrapper) {
  return db.update(videos).set({ thumbnailFileId: null }).where(inArray(videos.thumbnailFileId, fileIds));
}

/** True when some video shows the file as its thumbnail. */
export function thumbnailUseSql(fileId: SQLWrapper) {
  return sql`EXISTS (SELECT 1 FROM ${videos} WHERE ${videos.thumbnailFileId} = ${fileId})`;
}

/**
 * The audit events of one video, oldest first. They are filed under the owner's user id (the
 * account's own trail), so the owner's index narrows them before the video id is read from the detail.
 */
export async function listVideoAuditEvents(db: Database, ownerId: string, videoId: string, limit: number) {
  return db
    .select({ id: auditEvents.id, type: auditEvents.type, detail: auditEvents.detail, createdAt: auditEvents.createdAt })
    .from(auditEvents)
    .where(and(eq(auditEvents.userId, ownerId), sql`${auditEvents.type} LIKE 'video.%'`, sql`json_extract(${auditEvents.detail}, '$.videoId') = ${videoId}`))
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id))
    .limit(limit);
}

/** Stream's encoding progress of a video still processing, only ever forward; the row after, or undefined when nothing moved. */
export async function setProcessingPercent(db: Database, id: string, percent: number, at: Date): Promise<VideoRecord | undefined> {
  const [updated] = await db
    .update(videos)
    .set({ processingPercent: percent, updatedAt: at })
    .where(and(eq(videos.id, id), eq(videos.status, "processing"), or(isNull(videos.processingPercent), lt(videos.processingPercent, percent))))
    .returning();
  return updated;
}

/**
 * A duration Stream reports after the video moved on (it had none when it became ready): filled in
 * once, never overwritten; the row after, or undefined when it already had one.
 */
export async function fillInDuration(db: Database, id: string, seconds: number, at: Date): Promise<VideoRecord | undefined> {
  const [updated] = await db
    .update(videos)
    .set({ durationSeconds: seconds, updatedAt: at })
    .where(and(eq(videos.id, id), isNull(videos.durationSeconds)))
    .returning();
  return updated;
}
