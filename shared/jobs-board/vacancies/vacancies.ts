import type { Deps } from "../../platform/deps-types";
import { badRequest, conflict, notFound } from "../../http/errors";
import { newId } from "../../ids";
import { tellApplicantsVacancyClosed } from "../applications/applications";
import { requireMemberRole } from "../companies/companies";
import { COARSE_GRID, FINE_GRID } from "../geo";
import { normalizeTags } from "../tags";
import { requireOwnVideo, shownVideo } from "../videos";
import {
  clearSearchIndex,
  closeVacancy,
  reopenVacancy,
  deleteVacancy,
  findVacancyRow,
  indexPublishedChunk,
  insertVacancy,
  isCompanyMember,
  listDuePublications,
  publishDue,
  publishVacancy,
  updateVacancy,
  type VacancyChanges,
  type VacancyRow,
} from "./records";
import { type VacancyView, vacancyView } from "./vacancy-view";

export type SalaryPeriod = "hour" | "month" | "year";

/** What one unit of each period is worth per year: search compares and sorts salaries per year. */
export const PERIODS_PER_YEAR: Record<SalaryPeriod, number> = { hour: 2080, month: 12, year: 1 };

export function yearly(amount: number, period: SalaryPeriod): number {
  return Math.round(amount * PERIODS_PER_YEAR[period]);
}

/** A role is a short slug ("backend", "data-engineer"): it is matched exactly. */
export function normalizeRole(role: string): string {
  return role.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, "-");
}

export interface VacancyFields {
  title?: string;
  description?: string;
  tags?: string[];
  role?: string;
  employmentType?: VacancyView["employmentType"];
  seniority?: VacancyView["seniority"];
  salary?: { min: number; max: number; currency: string; period: SalaryPeriod } | null;
  remote?: boolean;
  location?: { lat: number; lng: number; place: string } | null;
  /** One of the editing member's own videos, or null to remove it. */
  videoId?: string | null;
}

function columnsOf(fields: VacancyFields): VacancyChanges {
  const changes: VacancyChanges = {};
  if (fields.title !== undefined) changes.title = fields.title.trim();
  if (fields.description !== undefined) changes.description = fields.description;
  if (fields.tags !== undefined) changes.tags = JSON.stringify(normalizeTags(fields.tags));
  if (fields.role !== undefined) changes.role = normalizeRole(fields.role);
  if (fields.employmentType !== undefined) changes.employmentType = fields.employmentType;
  if (fields.seniority !== undefined) changes.seniority = fields.seniority;
  if (fields.remote !== undefined) changes.remote = fields.remote;
  if (fields.salary !== undefined) {
    const s = fields.salary;
    Object.assign(
      changes,
      s === null
        ? { salaryMin: null, salaryMax: null, salaryCurrency: null, salaryPeriod: null, salaryMinYear: null, salaryMaxYear: null }
        : {
            salaryMin: s.min,
            salaryMax: s.max,
            salaryCurrency: s.currency,
            salaryPeriod: s.period,
            salaryMinYear: yearly(s.min, s.period),
            salaryMaxYear: yearly(s.max, s.period),
          },
    );
  }
  if (fields.videoId !== undefined) changes.videoId = fields.videoId;
  if (fields.location !== undefined) {
    const l = fields.location;
    Object.assign(
      changes,
      l === null
        ? { lat: null, lng: null, place: null, cell: null, coarseCell: null }
        : { lat: l.lat, lng: l.lng, place: l.place, cell: FINE_GRID.cellOf(l), coarseCell: COARSE_GRID.cellOf(l) },
    );
  }
  return changes;
}

export async function createVacancy(
  deps: Deps,
  userId: string,
  companyId: string,
  fields: VacancyFields & Required<Pick<VacancyFields, "title" | "role" | "employmentType" | "seniority">>,
): Promise<VacancyView> {
  await requireMemberRole(deps, companyId, userId, ["owner", "recruiter"], "post vacancies");
  if (fields.videoId) await requireOwnVideo(deps, fields.videoId, userId);
  const now = deps.clock.date();
  const id = newId(now.getTime());
  await insertVacancy(deps.db, {
    description: "",
    tags: "[]",
    remote: false,
    ...columnsOf(fields),
    title: fields.title.trim(),
    role: normalizeRole(fields.role),
    employmentType: fields.employmentType,
    seniority: fields.seniority,
    id,
    companyId,
    status: "draft",
    createdBy: userId,
    createdAt: now,
    updatedAt: now,
  });
  return memberVacancyView((await findVacancyRow(deps.db, id))!);
}

/** A reply to a company member: with the video id set, whatever the video's status. */
function memberVacancyView(row: VacancyRow): VacancyView {
  return { ...vacancyView(row), videoId: row.vacancy.videoId };
}

/** Published and closed vacancies are public; drafts and scheduled ones exist only for the company's members (404 to others). */
async function visibleRow(deps: Deps, id: string, viewerId: string | null): Promise<VacancyRow> {
  const row = await findVacancyRow(deps.db, id);
  if (!row) throw notFound("No such vacancy");
  if (row.vacancy.status === "published" || row.vacancy.status === "closed") return row;
  if (viewerId && (await isCompanyMember(deps.db, row.vacancy.companyId, viewerId))) return row;
  throw notFound("No such vacancy");
}

export async function getVacancy(deps: Deps, id: string, viewerId: string | null): Promise<VacancyView> {
  const row = await visibleRow(deps, id, viewerId);
  const member = row.vacancy.videoId !== null && viewerId !== null && (await isCompanyMember(deps.db, row.vacancy.companyId, viewerId));
  const video = await shownVideo(deps, row.vacancy.videoId, viewerId ? { userId: viewerId, role: "user" } : null);
  return { ...(member ? memberVacancyView(row) : vacancyView(row)), video };
}

/** A vacancy a member of its company changes: 404 when the user cannot see it, 403 when they see it but are no member. */
async function memberRow(deps: Deps, id: string, userId: string, action: string): Promise<VacancyRow> {
  const row = await visibleRow(deps, id, userId);
  await requireMemberRole(deps, row.vacancy.companyId, userId, ["owner", "recruiter"], action);
  return row;
}

export async function editVacancy(deps: Deps, id: string, userId: string, fields: VacancyFields): Promise<VacancyView> {
  const row = await memberRow(deps, id, userId, "edit its vacancies");
  if (row.vacancy.status === "closed") throw conflict("vacancy_closed", "A closed vacancy cannot be edited");
  if (fields.videoId) await requireOwnVideo(deps, fields.videoId, userId);
  const changes = columnsOf(fields);
  const merged = { min: changes.salaryMin ?? row.vacancy.salaryMin, max: changes.salaryMax ?? row.vacancy.salaryMax };
  if (merged.min !== null && merged.max !== null && merged.min > merged.max) throw badRequest("invalid_body", "salary.min must not exceed salary.max");
  if (!(await updateVacancy(deps.db, id, changes, deps.clock.date()))) throw conflict("vacancy_closed", "A closed vacancy cannot be edited");
  return memberVacancyView((await findVacancyRow(deps.db, id))!);
}

export async function removeVacancy(deps: Deps, id: string, userId: string): Promise<void> {
  await memberRow(deps, id, userId, "delete its vacancies");
  await deleteVacancy(deps.db, id);
}

/**
 * Publishes now, or schedules for `publishAt` (the cron publishes it within a minute of that).
 * An unverified company holds at most `UNVERIFIED_COMPANY_MAX_PUBLISHED` published or scheduled vacancies, and so do all the
 * unverified companies of the publisher together: the slots are taken by the same statement that
 * changes the status.
 */
export async function publish(deps: Deps, id: string, userId: string, publishAt: Date | undefined): Promise<VacancyView> {
  const cap = deps.config.jobs.unverifiedCompanyMaxPublished;
  const row = await memberRow(deps, id, userId, "publish its vacancies");
  if (row.vacancy.status === "published" || row.vacancy.status === "closed") throw conflict("not_publishable", `The vacancy is ${row.vacancy.status}`);
  const now = deps.clock.date();
  const target =
    publishAt && publishAt.getTime() > now.getTime() ? { status: "scheduled" as const, publishAt } : { status: "published" as const, publishAt: null };
  if (!(await publishVacancy(deps.db, id, row.vacancy.companyId, userId, target, cap, now))) {
    const current = await findVacancyRow(deps.db, id);
    if (current && (current.vacancy.status === "draft" || current.vacancy.status === "scheduled") && current.company.verification !== "verified") {
      throw conflict(
        "publish_limit_reached",
        `Unverified companies may have at most ${cap} published or scheduled vacancies, per company and per member across all of theirs; ask for verification to publish more`,
      );
    }
    throw conflict("not_publishable", `The vacancy is ${current?.vacancy.status ?? "gone"}`);
  }
  return vacancyView((await findVacancyRow(deps.db, id))!);
}

export async function close(deps: Deps, id: string, userId: string): Promise<VacancyView> {
  await memberRow(deps, id, userId, "close its vacancies");
  if (!(await closeVacancy(deps.db, id, deps.clock.date()))) throw conflict("vacancy_closed", "The vacancy is closed already");
  await tellApplicantsVacancyClosed(deps, id);
  return vacancyView((await findVacancyRow(deps.db, id))!);
}

/**
 * Reopens a closed vacancy as a draft: its applications stay as they are, and it goes back on the
 * board through publish, so the publication caps and the schedule apply as to any draft.
 */
export async function reopen(deps: Deps, id: string, userId: string): Promise<VacancyView> {
  await memberRow(deps, id, userId, "reopen its vacancies");
  if (!(await reopenVacancy(deps.db, id, deps.clock.date()))) throw conflict("not_closed", "Only a closed vacancy can be reopened");
  return vacancyView((await findVacancyRow(deps.db, id))!);
}

/** The cron's work: publish every scheduled vacancy whose time has come (in chunks, oldest first). */
export async function publishDueVacancies(deps: Deps): Promise<number> {
  const now = deps.clock.date();
  let published = 0;
  for (let round = 0; round < 20; round++) {
    const due = await listDuePublications(deps.db, now, 50);
    for (const id of due) if (await publishDue(deps.db, id, now)) published += 1;
    if (due.length < 50) break;
  }
  return published;
}

/**
 * Rebuilds the derived search index (vacancy_search, vacancy_fts, postings, counts) from the
 * vacancies and companies tables, in chunks of `chunk` vacancies in publication order.
 */
export async function rebuildSearchIndex(deps: Deps, chunk = 500): Promise<number> {
  await clearSearchIndex(deps.db);
  let after: { t: number; id: string } | null = null;
  let indexed = 0;
  for (;;) {
    const next = await indexPublishedChunk(deps.db, after, chunk);
    if (!next) return indexed;
    indexed += next.count;
    after = next.last;
  }
}
