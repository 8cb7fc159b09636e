import { createDirectChat } from "../../chat/chats";
import type { Chat } from "../../chat/model";
import { queueEmail } from "../../email/outbox";
import { badRequest, conflict, notFound } from "../../http/errors";
import { decodeCursor, encodeCursor, type Page } from "../../http/pagination";
import { findUserRecord } from "../../identity/account/records";
import { newId } from "../../ids";
import { contentPath } from "../../media/content-path";
import { findOwnFileRecord } from "../../media/records/files";
import { signUrl } from "../../media/signed-urls";
import type { Deps } from "../../platform/deps-types";
import { ApiError } from "../../http/errors";
import { findVideo } from "../../video/records";
import { z } from "zod";
import { findMemberRole } from "../companies/records";
import { findVacancyRow } from "../vacancies/records";
import {
  type ApplicationEventRecord,
  type ApplicationRow,
  type ApplicationStatus,
  findApplicationRow,
  insertApplication,
  listApplicationEvents,
  listCandidateApplications,
  listCompanyApplications,
  listOpenApplicationsOfVacancy,
  moveApplication,
} from "./records";
import { canMove, isOpen, nextStatuses } from "./transitions";

export interface ApplicationView {
  id: string;
  vacancy: { id: string; title: string; status: "draft" | "scheduled" | "published" | "closed" };
  company: { id: string; name: string };
  candidate: { id: string; displayName: string } | null;
  coverLetter: string;
  hasCv: boolean;
  videoId: string | null;
  status: ApplicationStatus;
  note: string | null;
  nextStatuses: ApplicationStatus[];
  history?: { from: ApplicationStatus | null; to: ApplicationStatus; note: string | null; by: "candidate" | "company" | null; at: string }[];
  createdAt: string;
  updatedAt: string;
}

type Viewer = "candidate" | "company";

/** Document types a CV may be (what media accepts as a document attachment, without archives). */
const CV_TYPES = new Set([
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.oasis.opendocument.text",
  "text/plain",
]);

/** How long a CV link lives: it is made for one reader after a membership check and is not checked again, so it is short. */
export const CV_URL_SECONDS = 300;

export function applicationView(row: ApplicationRow, viewer: Viewer, history?: ApplicationEventRecord[]): ApplicationView {
  return {
    id: row.id,
    vacancy: { id: row.vacancy_id, title: row.vacancy_title, status: row.vacancy_status },
    company: { id: row.company_id, name: row.company_name },
    candidate: row.candidate_id ? { id: row.candidate_id, displayName: row.candidate_name ?? "" } : null,
    coverLetter: row.cover_letter,
    hasCv: row.cv_file_id !== null,
    videoId: row.video_id,
    status: row.status,
    note: row.note,
    nextStatuses: viewer === "company" ? nextStatuses(row.status) : isOpen(row.status) ? ["withdrawn"] : [],
    ...(history
      ? {
          history: history.map((event) => ({
            from: event.fromStatus,
            to: event.toStatus,
            note: event.note,
            by: event.actorId === null ? null : event.actorId === row.candidate_id ? ("candidate" as const) : ("company" as const),
            at: event.createdAt.toISOString(),
          })),
        }
      : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The application as `userId` may see it: its candidate, or any member of its company; anyone
 * else gets 404 (whether an application exists is nobody else's business).
 */
async function readableApplication(deps: Deps, id: string, userId: string): Promise<{ row: ApplicationRow; viewer: Viewer }> {
  const row = await findApplicationRow(deps.db, id);
  if (row) {
    if (row.candidate_id === userId) return { row, viewer: "candidate" };
    if (await findMemberRole(deps.db, row.company_id, userId)) return { row, viewer: "company" };
  }
  throw notFound("No such application");
}

export interface ApplicationInput {
  coverLetter?: string;
  cvFileId?: string;
  videoId?: string;
}

/**
 * Applies to a published vacancy: one application per candidate and vacancy (`409
 * already_applied`, decided by the unique index). The CV is one of the candidate's own document
 * files, the video one of their own videos (404 for anything else, as for a file they cannot see).
 */
export async function applyToVacancy(deps: Deps, candidateId: string, vacancyId: string, input: ApplicationInput): Promise<ApplicationView> {
  const vacancy = await findVacancyRow(deps.db, vacancyId);
  if (!vacancy || vacancy.vacancy.status === "draft" || vacancy.vacancy.status === "scheduled") throw notFound("No such vacancy");
  if (vacancy.vacancy.status === "closed") throw conflict("vacancy_not_open", "The vacancy is closed");
  if (input.cvFileId !== undefined) {
    const file = await findOwnFileRecord(deps.db, input.cvFileId, candidateId);
    if (!file) throw notFound("No such file");
    if (!CV_TYPES.has(file.contentType))
      throw badRequest("invalid_cv", "A CV is a PDF, Word, OpenDocument or plain-text file", [{ path: "cvFileId", message: `A ${file.contentType} file` }]);
  }
  if (input.videoId !== undefined) {
    const video = await findVideo(deps.db, input.videoId);
    if (!video || video.ownerId !== candidateId) throw notFound("No such video");
  }
  const at = deps.clock.date();
  const id = newId(at.getTime());
  const inserted = await insertApplication(
    deps.db,
    {
      id,
      vacancyId,
      companyId: vacancy.vacancy.companyId,
      candidateId,
      coverLetter: input.coverLetter ?? "",
      cvFileId: input.cvFileId ?? null,
      videoId: input.videoId ?? null,
      status: "submitted",
      createdAt: at,
      updatedAt: at,
    },
    { id: newId(at.getTime()), applicationId: id, fromStatus: null, toStatus: "submitted", note: null, actorId: candidateId, createdAt: at },
  );
  if (!inserted) throw conflict("already_applied", "You applied to this vacancy already");
  return getApplication(deps, id, candidateId);
}

export async function getApplication(deps: Deps, id: string, userId: string): Promise<ApplicationView> {
  const { row, viewer } = await readableApplication(deps, id, userId);
  return applicationView(row, viewer, await listApplicationEvents(deps.db, id));
}

const IdCursor = z.object({ before: z.string().max(64) });

export async function myApplications(deps: Deps, userId: string, cursor: string | undefined, limit: number): Promise<Page<ApplicationView>> {
  const before = decodeCursor(cursor, IdCursor)?.before;
  const rows = await listCandidateApplications(deps.db, userId, before, limit + 1);
  const items = rows.slice(0, limit);
  return {
    items: items.map((row) => applicationView(row, "candidate")),
    nextCursor: rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null,
  };
}

/**
 * A company's applications for its members, newest first, optionally of one of its vacancies and
 * in one status: one index range each (`rowsRead` is what D1 read, for the `server-timing` header).
 * Someone who is not a member sees nothing: 404, as for a company that does not exist.
 */
export async function companyApplications(
  deps: Deps,
  companyId: string,
  userId: string,
  filter: { vacancyId?: string; status?: ApplicationStatus },
  cursor: string | undefined,
  limit: number,
): Promise<Page<ApplicationView> & { rowsRead: number }> {
  if (!(await findMemberRole(deps.db, companyId, userId))) throw notFound("No such company");
  if (filter.vacancyId) {
    const vacancy = await findVacancyRow(deps.db, filter.vacancyId);
    if (!vacancy || vacancy.vacancy.companyId !== companyId) return { items: [], nextCursor: null, rowsRead: 0 };
  }
  const before = decodeCursor(cursor, IdCursor)?.before;
  const { rows, rowsRead } = await listCompanyApplications(deps.db, companyId, { ...filter, before }, limit + 1);
  const items = rows.slice(0, limit);
  return {
    items: items.map((row) => applicationView(row, "company")),
    nextCursor: rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null,
    rowsRead,
  };
}

/**
 * A company member moves an application (`PATCH /v1/applications/:id`); see `canMove` for the
 * allowed moves (`409 invalid_transition` otherwise, also for the loser of two racing moves). The
 * candidate is told on their hub, by e-mail and by push.
 */
export async function moveApplicationStatus(
  deps: Deps,
  id: string,
  actorId: string,
  change: { status: ApplicationStatus; note?: string },
): Promise<ApplicationView> {
  const { row, viewer } = await readableApplication(deps, id, actorId);
  if (viewer !== "company") throw notFound("No such application");
  if (row.candidate_id === null && change.status !== "rejected" && change.status !== "hired")
    throw conflict("candidate_gone", "The candidate deleted their account");
  if (!canMove(row.status, change.status, "company")) throw conflict("invalid_transition", `An application cannot move from ${row.status} to ${change.status}`);
  const at = deps.clock.date();
  const eventId = newId(at.getTime());
  const note = change.note?.trim() || null;
  if (!(await moveApplication(deps.db, id, row.status, { to: change.status, note, keepNote: false, actorId, eventId, at })))
    throw conflict("invalid_transition", "The application changed meanwhile; reload it");
  const view = await getApplication(deps, id, actorId);
  if (row.candidate_id) await tellCandidate(deps, row.candidate_id, id, eventId, "status_changed");
  return view;
}

/** The candidate withdraws an open application: it stays in the company's records as `withdrawn`, and its CV is no longer readable by the company. */
export async function withdrawApplication(deps: Deps, id: string, userId: string): Promise<ApplicationView> {
  const { row, viewer } = await readableApplication(deps, id, userId);
  if (viewer !== "candidate") throw notFound("No such application");
  if (!canMove(row.status, "withdrawn", "candidate")) throw conflict("invalid_transition", `A ${row.status} application cannot be withdrawn`);
  const at = deps.clock.date();
  if (!(await moveApplication(deps.db, id, row.status, { to: "withdrawn", note: null, keepNote: true, actorId: userId, eventId: newId(at.getTime()), at })))
    throw conflict("invalid_transition", "The application changed meanwhile; reload it");
  return getApplication(deps, id, userId);
}

/**
 * A link to the CV for the candidate or a company member, while the application lives (not
 * withdrawn, the candidate's account and the file still there). The link carries no reader
 * (media's own check would refuse a company member: the file is the candidate's), so it expires
 * after CV_URL_SECONDS; every new link checks membership and the application again.
 */
export async function cvLink(deps: Deps, id: string, userId: string): Promise<{ url: string; expiresAt: string }> {
  const { row } = await readableApplication(deps, id, userId);
  if (row.cv_file_id === null || row.candidate_id === null || row.status === "withdrawn") throw notFound("No CV");
  const file = await findOwnFileRecord(deps.db, row.cv_file_id, row.candidate_id);
  if (!file) throw notFound("No CV");
  const key = deps.config.media.urlSigningKeys[0];
  if (!key) throw new ApiError(503, "not_configured", "CV links need the MEDIA_URL_SIGNING_KEYS secret");
  const expiresAt = new Date(Math.floor(deps.clock.now() / 1000) * 1000 + CV_URL_SECONDS * 1000);
  const url = await signUrl(new URL(contentPath(file.id), deps.config.publicOrigin), key, expiresAt);
  return { url: url.toString(), expiresAt: expiresAt.toISOString() };
}

/**
 * A company member opens the conversation with the candidate: the chat module's direct chat
 * between the two (the same one again if it exists).
 */
export async function openApplicationChat(deps: Deps, id: string, actorId: string): Promise<{ chat: Chat; created: boolean }> {
  const { row, viewer } = await readableApplication(deps, id, actorId);
  if (viewer !== "company") throw notFound("No such application");
  if (row.candidate_id === null) throw conflict("candidate_gone", "The candidate deleted their account");
  return createDirectChat(deps, actorId, row.candidate_id);
}

/** How many open applicants one closing tells per page of the loop. */
const CLOSE_PAGE = 100;

/**
 * A vacancy closed: each open applicant is told (hub, e-mail, push). The applications stay open:
 * the company may still decide them. Read in pages by id, so the cost grows with the applicants.
 */
export async function tellApplicantsVacancyClosed(deps: Deps, vacancyId: string): Promise<number> {
  let after: string | undefined;
  let told = 0;
  for (;;) {
    const page = await listOpenApplicationsOfVacancy(deps.db, vacancyId, after, CLOSE_PAGE);
    await Promise.allSettled(page.map((a) => tellCandidate(deps, a.candidateId!, a.id, `closed:${vacancyId}`, "vacancy_closed")));
    told += page.length;
    if (page.length < CLOSE_PAGE) return told;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Tells the candidate of a change on every channel: the hub frame `application.updated`, an
 * e-mail and a push (both queued). A channel that fails is logged; the change stands.
 */
async function tellCandidate(
  deps: Deps,
  candidateId: string,
  applicationId: string,
  changeId: string,
  reason: "status_changed" | "vacancy_closed",
): Promise<void> {
  const row = await findApplicationRow(deps.db, applicationId);
  if (!row) return;
  const application = applicationView(row, "candidate");
  const results = await Promise.allSettled([
    deps.objects.userHub(candidateId).notify({ type: "application.updated", application, reason }),
    (async () => {
      const user = await findUserRecord(deps.db, candidateId);
      if (user) await queueEmail(deps, applicationEmail(deps, user.email, application, reason));
    })(),
    deps.queue.send({
      kind: "push.fanout",
      event: {
        type: "application.updated",
        applicationId,
        changeId,
        candidateId,
        status: application.status,
        reason,
        vacancyTitle: application.vacancy.title,
        companyName: application.company.name,
      },
    }),
  ]);
  for (const result of results)
    if (result.status === "rejected") deps.log("warn", "application.updated not delivered", { applicationId, error: String(result.reason) });
}

const STATUS_WORDS: Record<ApplicationStatus, string> = {
  submitted: "submitted",
  reviewing: "being reviewed",
  interview: "invited to an interview",
  offer: "made an offer",
  hired: "hired",
  rejected: "not taken further",
  withdrawn: "withdrawn",
};

function applicationEmail(deps: Deps, to: string, application: ApplicationView, reason: "status_changed" | "vacancy_closed") {
  const link = `${deps.config.email.linkBase}/app/jobs/applications`;
  const what = `${application.vacancy.title} at ${application.company.name}`;
  if (reason === "vacancy_closed") {
    return {
      to,
      subject: `${what}: the vacancy is closed`,
      text: `${application.company.name} closed the vacancy "${application.vacancy.title}". Your application stays with them until they decide.\n\nYour applications: ${link}\n`,
    };
  }
  return {
    to,
    subject: `${what}: ${STATUS_WORDS[application.status]}`,
    text: `Your application for "${application.vacancy.title}" at ${application.company.name} is now: ${STATUS_WORDS[application.status]}.${
      application.note ? `\n\nA note from ${application.company.name}:\n${application.note}` : ""
    }\n\nYour applications: ${link}\n`,
  };
}
