import { clock } from "../clock";
import { configOf } from "../config";
import { conflict, forbidden, notFound } from "../http/errors";
import { newId } from "../ids";
import { type VIDEO_REPORT_CATEGORIES, reportView, type VideoReportView } from "./model";
import { insertReport } from "./records";
import { afterChange, auditedChange, type VideoDeps } from "./video-changes";
import { visibleVideo } from "./videos";
import type { Viewer } from "./visibility";

export interface NewReport {
  category: (typeof VIDEO_REPORT_CATEGORIES)[number];
  text?: string;
}

/**
 * One report per user per video. The VIDEO_REPORTS_TO_HIDE-th report since the last review hides
 * the video from everyone but its owner and moderators until a moderator decides.
 */
export async function reportVideo(deps: VideoDeps, reporter: Viewer, id: string, input: NewReport): Promise<VideoReportView> {
  const video = await visibleVideo(deps, id, reporter);
  if (video.ownerId === reporter.userId) throw forbidden("You cannot report your own video");
  const now = clock.now();
  const report = { id: newId(now), videoId: id, userId: reporter.userId, category: input.category, text: input.text ?? null, createdAt: new Date(now) };
  const { stored, video: after } = await insertReport(deps.db, report, configOf(deps.env).video.reportsToHide);
  if (!stored) throw conflict("already_reported", "You reported this video already");
  if (!after) throw notFound("No such video");
  if (after.hiddenByReports && !video.hiddenByReports) {
    // The report that hid it: audit logged with the count that did it, and Stream stops serving it unsigned.
    const hidden = await auditedChange(deps, after, "video.hidden_by_reports", "reports", `${after.reportsSinceReview} reports since the last review`, {});
    if (!hidden) await afterChange(deps, after);
  }
  return reportView(report);
}
