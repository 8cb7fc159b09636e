import { conflict, forbidden, notFound } from "../http/errors";
import { findUserById } from "../identity/account/users";
import { newId } from "../ids";
import { type VIDEO_REPORT_CATEGORIES, reportView, type VideoReportView } from "./model";
import { insertReport } from "./records";
import { afterChange, auditedChange } from "./video-changes";
import { visibleVideo } from "./videos";
import { isModerator, type Viewer } from "./visibility";
import type { Deps } from "../platform/deps-types";

export interface NewReport {
  category: (typeof VIDEO_REPORT_CATEGORIES)[number];
  text?: string;
}

/** Whether a reporter's word counts toward hiding a video on its own, without a moderator. */
export interface ReporterStanding {
  role: Viewer["role"];
  emailVerified: boolean;
  createdAt: Date;
}

/**
 * The report-hiding rule's first half: a moderator's report counts (and hides at once); anyone
 * else's counts when their e-mail is verified and their account is at least
 * VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS old. Fresh accounts cost nothing to make, so their reports
 * reach moderators but never hide a video by themselves.
 */
export function reportCountsToHide(reporter: ReporterStanding, minAccountAgeMs: number, now: number): boolean {
  return isModerator(reporter) || (reporter.emailVerified && now - reporter.createdAt.getTime() >= minAccountAgeMs);
}

/**
 * One report per user per video. Reports that count (`reportCountsToHide`) hide the video from
 * everyone but its owner and moderators once, since the last review, they reach
 * max(VIDEO_REPORTS_TO_HIDE, ceil(views x VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS / 1000)); a
 * moderator's report hides it at once. It stays hidden until a moderator decides.
 */
export async function reportVideo(deps: Deps, reporter: Viewer, id: string, input: NewReport): Promise<VideoReportView> {
  const video = await visibleVideo(deps, id, reporter);
  if (video.ownerId === reporter.userId) throw forbidden("You cannot report your own video");
  const user = await findUserById(deps.db, reporter.userId);
  if (!user) throw notFound("No such user");
  const rule = deps.config.video.reportHiding;
  const now = deps.clock.now();
  const countsToHide = reportCountsToHide({ role: reporter.role, emailVerified: user.emailVerified, createdAt: user.createdAt }, rule.minAccountAgeMs, now);
  const report = {
    id: newId(now),
    videoId: id,
    userId: reporter.userId,
    category: input.category,
    text: input.text ?? null,
    countsToHide,
    createdAt: new Date(now),
  };
  const { stored, video: after } = await insertReport(deps.db, report, {
    floor: rule.floor,
    perThousandViews: rule.perThousandViews,
    hidesAlone: isModerator(reporter),
  });
  if (!stored) throw conflict("already_reported", "You reported this video already");
  if (!after) throw notFound("No such video");
  if (after.hiddenByReports && !video.hiddenByReports) {
    // The report that hid it: audit logged with what did it, and Stream stops serving it unsigned.
    const why = isModerator(reporter)
      ? "a moderator's report"
      : `${after.countingReportsSinceReview} reports that count since the last review (${after.viewCount} views)`;
    const hidden = await auditedChange(deps, after, "video.hidden_by_reports", "reports", why, {});
    if (!hidden) await afterChange(deps, after);
  }
  return reportView(report);
}
