import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { BatchQuery, Database } from "../../db/client";
import { auditEvents, companies, companyMembers, users, vacancySearch } from "../../db/schema";

export type CompanyRecord = typeof companies.$inferSelect;
export type MemberRecord = typeof companyMembers.$inferSelect;
export type MemberRole = MemberRecord["role"];

export interface CompanyRow {
  company: CompanyRecord;
  members: Pick<MemberRecord, "userId" | "role">[];
}

export async function insertCompany(db: Database, company: typeof companies.$inferInsert, ownerId: string): Promise<void> {
  await db.batch([db.insert(companies).values(company), db.insert(companyMembers).values({ companyId: company.id, userId: ownerId, role: "owner", createdAt: company.createdAt })]);
}

export async function findCompanyRow(db: Database, id: string): Promise<CompanyRow | undefined> {
  const [company] = await db.select().from(companies).where(eq(companies.id, id));
  if (!company) return undefined;
  const members = await db.select({ userId: companyMembers.userId, role: companyMembers.role }).from(companyMembers).where(eq(companyMembers.companyId, id)).orderBy(companyMembers.createdAt, companyMembers.userId);
  return { company, members };
}

export async function findMemberRole(db: Database, companyId: string, userId: string): Promise<MemberRole | undefined> {
  const [row] = await db.select({ role: companyMembers.role }).from(companyMembers).where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId)));
  return row?.role;
}

export type CompanyChanges = Partial<Pick<CompanyRecord, "name" | "about" | "website" | "iconFileId" | "iconUrl">>;

export async function updateCompany(db: Database, id: string, changes: CompanyChanges, now: Date): Promise<void> {
  await db.update(companies).set({ ...changes, updatedAt: now }).where(eq(companies.id, id));
}

export async function userExists(db: Database, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  return row !== undefined;
}

/**
 * Adds a member or changes their role. Demoting an owner only happens while another owner
 * remains (checked in the same statement), so a company never loses its last owner.
 */
export async function upsertMember(db: Database, companyId: string, userId: string, role: MemberRole, now: Date): Promise<boolean> {
  const otherOwners = sql`(select count(*) from ${companyMembers} where ${companyMembers.companyId} = ${companyId} and ${companyMembers.role} = 'owner' and ${companyMembers.userId} <> ${userId})`;
  const rows = await db
    .insert(companyMembers)
    .values({ companyId, userId, role, createdAt: now })
    .onConflictDoUpdate({ target: [companyMembers.companyId, companyMembers.userId], set: { role }, setWhere: role === "owner" ? undefined : sql`${companyMembers.role} <> 'owner' or ${otherOwners} > 0` })
    .returning({ userId: companyMembers.userId });
  return rows.length > 0;
}

/** Removes a member unless they are the last owner; false when nothing was removed. */
export async function deleteMember(db: Database, companyId: string, userId: string): Promise<boolean> {
  const otherOwners = sql`(select count(*) from ${companyMembers} m where m.company_id = ${companyId} and m.role = 'owner' and m.user_id <> ${userId})`;
  const rows = await db
    .delete(companyMembers)
    .where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId), sql`(${companyMembers.role} <> 'owner' or ${otherOwners} > 0)`))
    .returning({ userId: companyMembers.userId });
  return rows.length > 0;
}

export async function requestVerification(db: Database, id: string, note: string, now: Date, audit: BatchQuery): Promise<boolean> {
  const [updated] = await db.batch([
    db.update(companies).set({ verification: "pending", verificationNote: note, verificationReason: null, updatedAt: now }).where(and(eq(companies.id, id), ne(companies.verification, "verified"))).returning({ id: companies.id }),
    audit,
  ]);
  return updated.length > 0;
}

/**
 * A moderator's decision on a pending request, with its audit event, and the search index's
 * `verified` flag of the company's published vacancies, in one batch.
 */
export async function decideVerification(db: Database, id: string, outcome: "verified" | "rejected", reason: string | null, now: Date, audit: BatchQuery): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(companies)
      .set({ verification: outcome, verificationReason: reason, verifiedAt: outcome === "verified" ? now : null, updatedAt: now })
      .where(and(eq(companies.id, id), eq(companies.verification, "pending")))
      .returning({ id: companies.id }),
    db.update(vacancySearch).set({ verified: sql`(select ${companies.verification} = 'verified' from ${companies} where ${companies.id} = ${id})` }).where(eq(vacancySearch.companyId, id)),
    audit,
  ]);
  return updated.length > 0;
}

export async function listOwnerIds(db: Database, companyId: string): Promise<string[]> {
  const rows = await db.select({ userId: companyMembers.userId }).from(companyMembers).where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.role, "owner")));
  return rows.map((r) => r.userId);
}

export async function listMemberships(db: Database, userId: string): Promise<MemberRecord[]> {
  return db.select().from(companyMembers).where(eq(companyMembers.userId, userId));
}

export async function findCompaniesByIds(db: Database, ids: string[]): Promise<CompanyRecord[]> {
  if (ids.length === 0) return [];
  return db.select().from(companies).where(inArray(companies.id, ids));
}

/** One company of a user whose account is being deleted, and what the rest of it looks like. */
export interface LeavingMembership {
  companyId: string;
  role: MemberRole;
  /** Owners other than the leaving user. */
  otherOwners: number;
  /** The longest-standing other member (earliest `createdAt`, then lowest id), or null when none. */
  successorId: string | null;
}

export async function listLeavingMemberships(db: Database, userId: string): Promise<LeavingMembership[]> {
  // Qualified by hand: drizzle writes a lone table's columns unqualified, which inside these
  // subqueries would name the subquery's own row.
  const outerCompanyId = sql.raw("company_members.company_id");
  return db
    .select({
      companyId: companyMembers.companyId,
      role: companyMembers.role,
      otherOwners: sql<number>`(select count(*) from company_members o where o.company_id = ${outerCompanyId} and o.role = 'owner' and o.user_id <> ${userId})`,
      successorId: sql<string | null>`(select s.user_id from company_members s where s.company_id = ${outerCompanyId} and s.user_id <> ${userId} order by s.created_at, s.user_id limit 1)`,
    })
    .from(companyMembers)
    .where(eq(companyMembers.userId, userId));
}

/**
 * For the batch that deletes user `leavingId`, before their memberships go: when they are the
 * company's only owner at that moment, its longest-standing other member (earliest `createdAt`,
 * then lowest id) becomes owner, and that member's audit trail gets `company.role_changed`.
 * Both the choice and the condition are evaluated inside the statements, when the batch runs, so
 * two owners deleting their accounts at once cannot both leave thinking the other stays (D1 runs
 * the batches one after the other: the second one sees the first one's owner gone). The audit
 * insert comes first, while the condition still holds.
 */
export function succeedLastOwnerQueries(db: Database, companyId: string, leavingId: string, audit: { id: string; at: Date; detail: Record<string, unknown> }) {
  const noOtherOwner = sql`not exists (select 1 from company_members o where o.company_id = ${companyId} and o.role = 'owner' and o.user_id <> ${leavingId})`;
  const successor = sql`(select s.user_id from company_members s where s.company_id = ${companyId} and s.user_id <> ${leavingId} order by s.created_at, s.user_id limit 1)`;
  return [
    db.insert(auditEvents).select(
      db
        .select({
          id: sql<string>`${audit.id}`.as("id"),
          userId: companyMembers.userId,
          type: sql<string>`'company.role_changed'`.as("type"),
          ip: sql<null>`null`.as("ip"),
          userAgent: sql<null>`null`.as("user_agent"),
          detail: sql<string>`${JSON.stringify(audit.detail)}`.as("detail"),
          createdAt: sql<number>`${audit.at.getTime()}`.as("created_at"),
        })
        .from(companyMembers)
        .where(and(eq(companyMembers.companyId, companyId), sql`${companyMembers.userId} = ${successor}`, noOtherOwner)),
    ),
    db
      .update(companyMembers)
      .set({ role: "owner" })
      .where(and(eq(companyMembers.companyId, companyId), sql`${companyMembers.userId} = ${successor}`, noOtherOwner)),
  ];
}

/**
 * Deletes a company nobody is a member of (its vacancies and members follow by ON DELETE
 * CASCADE); the emptiness is checked in the statement. False when the company has members (or is
 * gone already).
 */
export async function deleteMemberlessCompany(db: Database, companyId: string): Promise<boolean> {
  const rows = await db
    .delete(companies)
    .where(and(eq(companies.id, companyId), sql`not exists (select 1 from company_members m where m.company_id = ${companyId})`))
    .returning({ id: companies.id });
  return rows.length > 0;
}

/** Companies with no member at all (left so by an account deletion that could not finish). */
export async function listMemberlessCompanyIds(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: companies.id })
    .from(companies)
    .where(sql`not exists (select 1 from company_members m where m.company_id = ${companies.id})`)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** A deleted user leaves every company; companies keep their other members. */
export function forgetMemberQueries(db: Database, userId: string) {
  return [db.delete(companyMembers).where(eq(companyMembers.userId, userId))];
}
