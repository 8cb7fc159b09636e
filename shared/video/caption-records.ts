import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { videoCaptions } from "../db/schema/video";

export type CaptionRecord = typeof videoCaptions.$inferSelect;

const captionOf = (videoId: string, language: string) => and(eq(videoCaptions.videoId, videoId), eq(videoCaptions.language, language));

/** A pending caption row; false when the video has one in that language already (asked once). */
export async function insertCaption(db: Database, caption: typeof videoCaptions.$inferInsert): Promise<boolean> {
  const rows = await db.insert(videoCaptions).values(caption).onConflictDoNothing().returning({ id: videoCaptions.videoId });
  return rows.length > 0;
}

/**
 * Failed captions asked for again: pending from scratch (who makes them, the provider's task and
 * the count of runs forgotten), `createdAt` the time of this ask. False when they are not failed
 * any more (another ask won the race), so only one of two asks queues a job.
 */
export async function retryFailedCaption(db: Database, videoId: string, language: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(videoCaptions)
    .set({ status: "pending", source: null, modelId: null, providerTaskId: null, attempts: 0, error: null, createdAt: now, updatedAt: now })
    .where(and(captionOf(videoId, language), eq(videoCaptions.status, "failed")))
    .returning({ id: videoCaptions.videoId });
  return rows.length > 0;
}

export async function findCaption(db: Database, videoId: string, language: string): Promise<CaptionRecord | undefined> {
  const [row] = await db.select().from(videoCaptions).where(captionOf(videoId, language));
  return row;
}

export async function listCaptions(db: Database, videoId: string): Promise<Omit<CaptionRecord, "vtt" | "text">[]> {
  return db
    .select({
      videoId: videoCaptions.videoId,
      language: videoCaptions.language,
      source: videoCaptions.source,
      status: videoCaptions.status,
      modelId: videoCaptions.modelId,
      providerTaskId: videoCaptions.providerTaskId,
      attempts: videoCaptions.attempts,
      error: videoCaptions.error,
      createdAt: videoCaptions.createdAt,
      updatedAt: videoCaptions.updatedAt,
    })
    .from(videoCaptions)
    .where(eq(videoCaptions.videoId, videoId))
    .orderBy(videoCaptions.language);
}

/** Counts one more run of pending captions; the count after it, or null when they are settled. */
export async function countCaptionAttempt(db: Database, videoId: string, language: string, now: Date): Promise<number | null> {
  const [row] = await db
    .update(videoCaptions)
    .set({ attempts: sql`${videoCaptions.attempts} + 1`, updatedAt: now })
    .where(and(captionOf(videoId, language), eq(videoCaptions.status, "pending")))
    .returning({ attempts: videoCaptions.attempts });
  return row?.attempts ?? null;
}

/** Records who makes the captions (Stream, or the transcript model and its task) while they are pending. */
export async function setCaptionSource(
  db: Database,
  videoId: string,
  language: string,
  change: Pick<CaptionRecord, "source"> & Partial<Pick<CaptionRecord, "modelId" | "providerTaskId">>,
  now: Date,
): Promise<void> {
  await db
    .update(videoCaptions)
    .set({ ...change, updatedAt: now })
    .where(and(captionOf(videoId, language), eq(videoCaptions.status, "pending")));
}

export async function completeCaption(db: Database, videoId: string, language: string, vtt: string, text: string, now: Date): Promise<void> {
  await db
    .update(videoCaptions)
    .set({ status: "ready", vtt, text, error: null, updatedAt: now })
    .where(and(captionOf(videoId, language), eq(videoCaptions.status, "pending")));
}

export async function failCaption(db: Database, videoId: string, language: string, error: string, now: Date): Promise<void> {
  await db
    .update(videoCaptions)
    .set({ status: "failed", error: error.slice(0, 1000), updatedAt: now })
    .where(and(captionOf(videoId, language), eq(videoCaptions.status, "pending")));
}

/** The ids of videos whose caption text matches an FTS5 query (ftsQuery), for the video search. */
export function captionMatch(match: string) {
  return sql`SELECT video_id FROM video_caption_search WHERE video_caption_search MATCH ${match}`;
}
