import { type AuditEventView, listAuditEvents } from "../../shared/identity/audit/events";
import { testDeps } from "./deps";

/**
 * Audit events, oldest first, through identity's own listing: of one user (or, with `userId:
 * null`, of every user, for anonymous events), of one type or of every type starting with a
 * prefix such as `company.`. The newest 2,000 at most.
 */
export async function auditTrail(filter: { userId: string | null; type?: string; prefix?: string }): Promise<AuditEventView[]> {
  const events: AuditEventView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(testDeps(), { userId: filter.userId ?? undefined, type: filter.type }, { limit: 100, cursor });
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && events.length < 2000);
  return events.filter((e) => !filter.prefix || e.type.startsWith(filter.prefix)).reverse();
}

/** The details of a user's audit events of `type`, oldest first (what most assertions compare). */
export async function auditDetails(userId: string | null, type: string): Promise<Record<string, unknown>[]> {
  return (await auditTrail({ userId, type })).map((e) => e.detail);
}
