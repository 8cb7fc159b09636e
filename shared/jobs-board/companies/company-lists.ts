import { z } from "zod";
import { ftsQuery } from "../../fts-query";
import { forbidden, notFound } from "../../http/errors";
import { decodeCursor, encodeCursor, type Page } from "../../http/pagination";
import type { Deps } from "../../platform/deps-types";
import { listCompanyVacancies, type VacancyRecord } from "../vacancies/records";
import { type VacancyView, vacancyView } from "../vacancies/vacancy-view";
import { type CompanyView, companyView } from "./companies";
import {
  type CompanyRecord,
  findMemberRole,
  listCompanies,
  listCompaniesByVerification,
  listMembersOf,
  listMemberships,
  listVerificationEvents,
  findCompaniesByIds,
  listUserNames,
  type MemberRole,
} from "./records";

const IdCursor = z.object({ id: z.string().max(64) });

function pageOf<T, R>(rows: R[], limit: number, view: (row: R) => T, key: (row: R) => string): Page<T> {
  const kept = rows.slice(0, limit);
  return { items: kept.map(view), nextCursor: rows.length > limit ? encodeCursor({ id: key(kept[kept.length - 1]!) }) : null };
}

/** Company views of these records, with their members (one query for the page). */
async function viewsOf(deps: Deps, records: CompanyRecord[], viewerId: string | null): Promise<Map<string, CompanyView>> {
  const members = await listMembersOf(
    deps.db,
    records.map((c) => c.id),
  );
  return new Map(
    records.map((company) => [
      company.id,
      companyView({ company, members: members.filter((m) => m.companyId === company.id).map(({ userId, role }) => ({ userId, role })) }, viewerId),
    ]),
  );
}

/** Companies newest first, by name (every word a prefix, case and diacritics folded) and by whether they are verified. */
export async function searchCompanies(
  deps: Deps,
  query: { q?: string; verified?: boolean },
  cursor: string | undefined,
  limit: number,
  viewerId: string | null,
): Promise<Page<CompanyView>> {
  const match = query.q ? ftsQuery(query.q, { maxTerms: 8, prefix: "every" }) : null;
  if (query.q && match === null) return { items: [], nextCursor: null };
  const before = decodeCursor(cursor, IdCursor)?.id;
  const rows = await listCompanies(deps.db, { match, verified: query.verified, before }, limit + 1);
  const views = await viewsOf(deps, rows.slice(0, limit), viewerId);
  return pageOf(
    rows,
    limit,
    (row) => views.get(row.id)!,
    (row) => row.id,
  );
}

/** The companies the user belongs to, with their role, oldest membership first. */
export async function myCompanies(deps: Deps, userId: string): Promise<(CompanyView & { myRole: MemberRole })[]> {
  const memberships = await listMemberships(deps.db, userId);
  const records = await findCompaniesByIds(
    deps.db,
    memberships.map((m) => m.companyId),
  );
  const views = await viewsOf(deps, records, userId);
  return memberships
    .toSorted((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .flatMap((m) => {
      const view = views.get(m.companyId);
      return view ? [{ ...view, myRole: m.role }] : [];
    });
}

/** A company's vacancies in every status for its members (drafts and scheduled ones are theirs only: 404 for anyone else). */
export async function companyVacancies(
  deps: Deps,
  companyId: string,
  userId: string,
  status: VacancyRecord["status"] | undefined,
  cursor: string | undefined,
  limit: number,
): Promise<Page<VacancyView>> {
  if (!(await findMemberRole(deps.db, companyId, userId))) throw notFound("No such company");
  const before = decodeCursor(cursor, IdCursor)?.id;
  const rows = await listCompanyVacancies(deps.db, companyId, status, before, limit + 1);
  return pageOf(rows, limit, vacancyView, (row) => row.vacancy.id);
}

export interface ModerationCompanyView {
  company: CompanyView & { verificationNote: string | null };
  members: { userId: string; displayName: string | null; role: MemberRole }[];
  history: { kind: "requested" | "approved" | "rejected" | "reset"; text: string | null; at: string }[];
}

/** How much history each queued company shows. */
const HISTORY_PER_COMPANY = 10;

/**
 * The moderators' queue: companies in one verification status (pending by default), first asked
 * first, each with the owner's note, its members by name and its verification history (requests,
 * decisions with their reasons, resets by edits). Moderators and admins only.
 */
export async function moderationCompanies(
  deps: Deps,
  actor: { role: string },
  status: CompanyRecord["verification"],
  cursor: string | undefined,
  limit: number,
): Promise<Page<ModerationCompanyView>> {
  if (actor.role !== "moderator" && actor.role !== "admin") throw forbidden("Only moderators and admins see the verification queue");
  const after = decodeCursor(cursor, IdCursor)?.id;
  const rows = await listCompaniesByVerification(deps.db, status, after, limit + 1);
  const page = rows.slice(0, limit);
  const ids = page.map((c) => c.id);
  const [members, events] = await Promise.all([listMembersOf(deps.db, ids), listVerificationEvents(deps.db, ids, HISTORY_PER_COMPANY)]);
  const names = new Map((await listUserNames(deps.db, [...new Set(members.map((m) => m.userId))])).map((u) => [u.id, u.displayName]));
  return pageOf(
    rows,
    limit,
    (company) => {
      const own = members.filter((m) => m.companyId === company.id);
      return {
        company: { ...companyView({ company, members: own.map(({ userId, role }) => ({ userId, role })) }, null), verificationNote: company.verificationNote },
        members: own.map((m) => ({ userId: m.userId, displayName: names.get(m.userId) ?? null, role: m.role })),
        history: events.filter((e) => e.companyId === company.id).map((e) => ({ kind: e.kind, text: e.text, at: e.createdAt.toISOString() })),
      };
    },
    (company) => company.id,
  );
}
