import type { Deps } from "../../platform/deps-types";
import { auditEventQuery } from "../../identity/audit/events";
import type { ClientInfo } from "../../identity/sessions/client-info";
import { closeVacancy, listCompanyVacancyIds } from "../vacancies/records";
import { deleteCompany, deleteMemberlessCompany, findCompanyRow } from "./records";

/** Why a company was closed down, and whose audit trail says so (null: an anonymous event). */
export interface CloseDown {
  reason: "closed_by_owner" | "last_member_left" | "last_member_deleted_account" | "memberless_sweep";
  userId: string | null;
  client?: ClientInfo;
  /** Only while nobody is a member (checked again inside the DELETE): the company was left, not closed. */
  onlyIfMemberless?: boolean;
}

/**
 * Closes a company down: each of its vacancies is closed through the ordinary close path (which
 * takes it out of the search index), then the company is deleted (its members, invitations and
 * vacancies follow by ON DELETE CASCADE) with the audit event `company.deleted {companyId, reason,
 * vacanciesClosed}`. False when there was nothing to close (gone already, or members remain when
 * `onlyIfMemberless`).
 */
export async function closeDown(deps: Deps, companyId: string, how: CloseDown): Promise<boolean> {
  const row = await findCompanyRow(deps.db, companyId);
  if (!row || (how.onlyIfMemberless && row.members.length > 0)) return false;
  let closed = 0;
  for (const vacancyId of await listCompanyVacancyIds(deps.db, [companyId])) if (await closeVacancy(deps.db, vacancyId, deps.clock.date())) closed++;
  if (!(how.onlyIfMemberless ? await deleteMemberlessCompany(deps.db, companyId) : await deleteCompany(deps.db, companyId))) return false;
  await auditEventQuery(deps.db, {
    userId: how.userId,
    type: "company.deleted",
    client: how.client,
    detail: { companyId, reason: how.reason, vacanciesClosed: closed },
  }).run();
  return true;
}
