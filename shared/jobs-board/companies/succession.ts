import type { Deps } from "../../platform/deps-types";
import { newId } from "../../ids";
import { closeDown } from "./close-down";
import { companyView } from "./companies";
import { findCompanyRow, type LeavingMembership, listLeavingMemberships, listMemberlessCompanyIds, succeedLastOwnerQueries } from "./records";

/** What becomes of the companies of a user whose account is being deleted, as read before the deletion. */
export interface CompanySuccession {
  /** Every company the user belongs to. */
  companyIds: string[];
  /** Where the user is the last owner and others are members: who is expected to become owner (told on the hub afterwards). */
  promotions: { companyId: string; successorId: string }[];
}

export function planSuccession(memberships: readonly LeavingMembership[]): CompanySuccession {
  return {
    companyIds: memberships.map((m) => m.companyId),
    promotions: memberships.flatMap((m) =>
      m.role === "owner" && m.otherOwners === 0 && m.successorId !== null ? [{ companyId: m.companyId, successorId: m.successorId }] : [],
    ),
  };
}

export async function readSuccession(deps: Deps, userId: string): Promise<CompanySuccession> {
  return planSuccession(await listLeavingMemberships(deps.db, userId));
}

/**
 * Statements for the batch that deletes the user (before their memberships go), for every company
 * of theirs: the guarded promotion of the longest-standing other member and its audit event
 * `company.role_changed` (the deleted user is not named: their trail is deleted with them). They
 * decide when the batch runs, not from what was read before it.
 */
export function successionQueries(deps: Deps, leavingId: string, succession: CompanySuccession) {
  const at = deps.clock.date();
  return succession.companyIds.flatMap((companyId) =>
    succeedLastOwnerQueries(deps.db, companyId, leavingId, {
      id: newId(at.getTime()),
      at,
      detail: { companyId, from: "recruiter", to: "owner", reason: "last_owner_deleted_account" },
    }),
  );
}

/**
 * After the user is gone: each of their companies left without members has its vacancies closed
 * through the ordinary close path (which takes them out of the search index) and is then deleted,
 * with an anonymous `company.deleted` audit event; a company that has members is left alone. Each
 * expected new owner who is an owner now gets `company.promoted` on their hub. Failures are thrown,
 * so account deletion records them.
 */
export async function finishSuccession(deps: Deps, succession: CompanySuccession): Promise<void> {
  for (const companyId of succession.companyIds)
    await closeDown(deps, companyId, { reason: "last_member_deleted_account", userId: null, onlyIfMemberless: true });
  await Promise.allSettled(
    succession.promotions.map(async ({ companyId, successorId }) => {
      const row = await findCompanyRow(deps.db, companyId);
      if (!row?.members.some((m) => m.userId === successorId && m.role === "owner")) return;
      try {
        await deps.objects
          .userHub(successorId)
          .notify({ type: "company.promoted", company: companyView(row, successorId), reason: "last_owner_deleted_account" });
      } catch (error) {
        deps.log("warn", "company.promoted not delivered", { companyId, userId: successorId, error: String(error) });
      }
    }),
  );
}

/** Most memberless companies one sweep closes down. */
const SWEEP_BATCH = 50;

/**
 * Finishes what an account deletion left undone (it records `account.deletion_incomplete` when
 * closing down an emptied company fails after the user is gone): every company without members
 * is closed down. Returns how many were.
 */
export async function sweepMemberlessCompanies(deps: Deps): Promise<number> {
  let done = 0;
  for (const companyId of await listMemberlessCompanyIds(deps.db, SWEEP_BATCH))
    if (await closeDown(deps, companyId, { reason: "memberless_sweep", userId: null, onlyIfMemberless: true })) done++;
  return done;
}
