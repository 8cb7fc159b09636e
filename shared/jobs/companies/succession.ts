import { clock } from "../../clock";
import { createDatabase, type Database } from "../../db/client";
import type { Env } from "../../env";
import { auditEventQuery, recordAuditEvent } from "../../identity/audit/events";
import { logEvent } from "../../observability/log";
import { traced } from "../../observability/traced-stub";
import { closeVacancy, listCompanyVacancyIds } from "../vacancies/records";
import { companyView } from "./companies";
import { deleteMemberlessCompany, findCompanyRow, type LeavingMembership, listLeavingMemberships, promoteSuccessorQuery } from "./records";

/** What becomes of the companies of a user whose account is being deleted. */
export interface CompanySuccession {
  /** Companies whose last owner leaves: their longest-standing other member becomes owner. */
  promotions: { companyId: string; successorId: string }[];
  /** Companies the user is the only member of: closed down once the user is gone. */
  orphans: string[];
}

export function planSuccession(memberships: readonly LeavingMembership[]): CompanySuccession {
  const promotions: CompanySuccession["promotions"] = [];
  const orphans: string[] = [];
  for (const m of memberships) {
    if (m.successorId === null) orphans.push(m.companyId);
    else if (m.role === "owner" && m.otherOwners === 0) promotions.push({ companyId: m.companyId, successorId: m.successorId });
  }
  return { promotions, orphans };
}

export async function readSuccession(db: Database, userId: string): Promise<CompanySuccession> {
  return planSuccession(await listLeavingMemberships(db, userId));
}

/**
 * Statements for the batch that deletes the user (before their memberships go): each promotion,
 * guarded so it only happens while the leaving user is still the only owner, and its audit event
 * `company.role_changed` on the new owner's trail (the deleted user is not named: their trail is
 * deleted with them).
 */
export function successionQueries(db: Database, leavingId: string, succession: CompanySuccession) {
  return succession.promotions.flatMap(({ companyId, successorId }) => [
    promoteSuccessorQuery(db, companyId, leavingId, successorId),
    auditEventQuery(db, { userId: successorId, type: "company.role_changed", detail: { companyId, from: "recruiter", to: "owner", reason: "last_owner_deleted_account" } }),
  ]);
}

/**
 * After the user is gone: each new owner's hub gets `company.promoted`; each company left without
 * members has its vacancies closed through the ordinary close path (which takes them out of the
 * search index) and is then deleted, with an anonymous `company.deleted` audit event. A company
 * that has a member again is left alone. Failures are thrown, so account deletion records them.
 */
export async function finishSuccession(env: Env, succession: CompanySuccession): Promise<void> {
  const db = createDatabase(env.DB);
  for (const companyId of succession.orphans) {
    const row = await findCompanyRow(db, companyId);
    if (!row || row.members.length > 0) continue;
    let closed = 0;
    for (const vacancyId of await listCompanyVacancyIds(db, [companyId])) if (await closeVacancy(db, vacancyId, clock.date())) closed++;
    if (await deleteMemberlessCompany(db, companyId)) {
      await recordAuditEvent(env.DB, { userId: null, type: "company.deleted", detail: { companyId, reason: "last_member_deleted_account", vacanciesClosed: closed } });
    }
  }
  await Promise.allSettled(
    succession.promotions.map(async ({ companyId, successorId }) => {
      const row = await findCompanyRow(db, companyId);
      if (!row?.members.some((m) => m.userId === successorId && m.role === "owner")) return;
      try {
        await traced(env.USER_HUB.getByName(successorId)).notify({ type: "company.promoted", company: companyView(row, successorId), reason: "last_owner_deleted_account" });
      } catch (error) {
        logEvent("warn", "company.promoted not delivered", { companyId, userId: successorId, error: String(error) });
      }
    }),
  );
}
