import { z } from "@hono/zod-openapi";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { ownerVideoView, reportView, type VideoReportView, type VideoView } from "./model";
import { findVideo, listForModeration, listReportsOf, listVideoAuditEvents, type VideoRecord } from "./records";
import type { VideoStatus } from "./status-machine";
import { auditedChange, moveVideo } from "./video-changes";
import { isModerator, type Viewer } from "./visibility";
import type { Deps } from "../platform/deps-types";
import { type HintView, hintsOf } from "../moderation-hints/hints";

export type ModerationItem = VideoView & { reports: VideoReportView[]; aiHint: HintView | null };

function requireModerator(actor: Viewer): void {
  if (!isModerator(actor)) throw forbidden("Only moderators and admins moderate videos");
}

const Cursor = z.object({ after: z.string().max(64) });

/** The queue oldest first: by status (default `moderation`), the videos hidden by reports, reported since their last review, or with a pending revision; each with its reports. */
export async function moderationQueue(
  deps: Deps,
  actor: Viewer,
  filter: { status?: VideoStatus; hidden?: boolean; reported?: boolean; revision?: boolean },
  cursor: string | undefined,
  limit: number,
): Promise<Page<ModerationItem>> {
  requireModerator(actor);
  const rows = await listForModeration(deps.db, filter, decodeCursor(cursor, Cursor)?.after, limit);
  const ids = rows.slice(0, limit).map((row) => row.id);
  const [reports, hints] = await Promise.all([listReportsOf(deps.db, ids), hintsOf(deps, "video", ids)]);
  return keysetPage(
    rows,
    limit,
    (row) => ({
      ...ownerVideoView(row),
      reports: reports.filter((report) => report.videoId === row.id).map(reportView),
      aiHint: hints.get(row.id) ?? null,
    }),
    (last) => ({ after: last.id }),
  );
}

/** A video a moderator may decide on: it exists and is not their own (403, like a non-moderator). */
export async function videoToDecide(deps: Deps, actor: Viewer, id: string): Promise<VideoRecord> {
  requireModerator(actor);
  const video = await findVideo(deps.db, id);
  if (!video) throw notFound("No such video");
  if (video.ownerId === actor.userId) throw forbidden("Nobody moderates their own video");
  return video;
}

const REVIEWED = { hiddenByReports: false, reportsSinceReview: 0, countingReportsSinceReview: 0 } as const;

/**
 * Approves a video waiting for moderation (or reverses a rejection). On an approved video it is
 * the review of its reports: a video hidden by reports shows again.
 */
export async function approveVideo(deps: Deps, actor: Viewer, id: string): Promise<VideoView> {
  const video = await videoToDecide(deps, actor, id);
  if (video.status === "approved") {
    const reviewed = await auditedChange(deps, video, "video.reviewed", actor.userId, "reports reviewed, video kept", REVIEWED, ["approved"]);
    return ownerVideoView(reviewed ?? video);
  }
  if (video.status !== "moderation" && video.status !== "rejected") throw conflict("invalid_status", `A video in ${video.status} cannot be approved`);
  const moved = await moveVideo(deps, video, "approved", actor.userId, null, { ...REVIEWED, rejectionReason: null });
  if (!moved) throw conflict("invalid_status", "The video changed status meanwhile");
  return ownerVideoView(moved);
}

export async function rejectVideo(deps: Deps, actor: Viewer, id: string, reason: string): Promise<VideoView> {
  const video = await videoToDecide(deps, actor, id);
  if (video.status !== "moderation" && video.status !== "approved") throw conflict("invalid_status", `A video in ${video.status} cannot be rejected`);
  const moved = await moveVideo(deps, video, "rejected", actor.userId, reason, { ...REVIEWED, rejectionReason: reason });
  if (!moved) throw new ApiError(409, "invalid_status", "The video changed status meanwhile");
  return ownerVideoView(moved);
}

/** One step of a video's audit trail as moderators and the owner read it. */
export interface VideoHistoryEntry {
  id: string;
  type: string;
  /** A user id, or `stream` / `cron` when the platform moved it. */
  by: string | null;
  reason: string | null;
  from: string | null;
  to: string | null;
  at: string;
}

/** Enough for any real video's life; the trail is read whole, not paged. */
const HISTORY_LIMIT = 500;

/**
 * Who did what to a video and why, oldest first: moderators read it beside their decision, the
 * owner beside a rejection. Anyone else gets the same 404 as for a video they cannot see.
 */
export async function videoHistory(deps: Deps, actor: Viewer, id: string): Promise<VideoHistoryEntry[]> {
  const video = await findVideo(deps.db, id);
  if (!video || (video.ownerId !== actor.userId && !isModerator(actor))) throw notFound("No such video");
  const events = await listVideoAuditEvents(deps.db, video.ownerId, video.id, HISTORY_LIMIT);
  return events.map((event) => {
    const detail = JSON.parse(event.detail) as Record<string, unknown>;
    const text = (key: string) => (typeof detail[key] === "string" ? (detail[key] as string) : null);
    return { id: event.id, type: event.type, by: text("by"), reason: text("reason"), from: text("from"), to: text("to"), at: event.createdAt.toISOString() };
  });
}
