import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQLWrapper } from "drizzle-orm";
import { insertWithinCap } from "../../db/capped-insert";
import type { BatchQuery, Database } from "../../db/client";
import { olderThan } from "../../db/keyset";
import { auditEvents, users } from "../../db/schema/identity";
import { companies, companyFollows, companyInvitations, companyMembers, companyVerificationEvents, profiles, vacancySearch } from "../../db/schema/jobs";
import { profileVisibleTo, type ProfileViewer } from "../profiles/records";

export type CompanyRecord = typeof companies.$inferSelect;
export type MemberRecord = typeof companyMembers.$inferSelect;
export type MemberRole = MemberRecord["role"];

export interface CompanyRow {
  company: CompanyRecord;
  members: Pick<MemberRecord, "userId" | "role">[];
}

export type InvitationRecord = typeof companyInvitations.$inferSelect;

/**
 * Creates a company with its creator as owner, unless the creator already created `maxUnverified`
 * companies that are not verified: the count is read inside the INSERT, and D1 runs one statement
 * at a time, so parallel creations cannot overshoot. False when the limit refused it.
 */
export async function insertCompanyWithinLimit(
  db: Database,
  company: Omit<typeof companies.$inferInsert, "verification">,
  maxUnverified: number,
): Promise<boolean> {
  const at = company.createdAt.getTime();
  const value = <T>(v: T, name: string) => sql<T>`${v}`.as(name);
  const created = sql`(select count(*) from companies c where c.created_by = ${company.createdBy} and c.verification <> 'verified')`;
  const [inserted] = await db.batch([
    db
      .insert(companies)
      .select(
        db
          .select({
            id: value(company.id, "id"),
            name: value(company.name, "name"),
            about: value(company.about ?? "", "about"),
            website: value(company.website ?? null, "website"),
            iconFileId: value(company.iconFileId ?? null, "icon_file_id"),
            iconUrl: value(company.iconUrl ?? null, "icon_url"),
            verification: value("none", "verification"),
            verificationNote: value(null, "verification_note"),
            verificationReason: value(null, "verification_reason"),
            verifiedAt: value(null, "verified_at"),
            createdBy: value(company.createdBy, "created_by"),
            createdAt: value(at, "created_at"),
            updatedAt: value(at, "updated_at"),
          })
          // (One row to select from: the creator's own.)
          .from(users)
          .where(and(eq(users.id, company.createdBy), sql`${created} < ${maxUnverified}`)),
      )
      .returning({ id: companies.id }),
    db.insert(companyMembers).select(
      db
        .select({ companyId: companies.id, userId: value(company.createdBy, "user_id"), role: value("owner", "role"), createdAt: value(at, "created_at") })
        .from(companies)
        .where(eq(companies.id, company.id)),
    ),
  ]);
  return inserted.length > 0;
}

export async function findCompanyRow(db: Database, id: string): Promise<CompanyRow | undefined> {
  const [company] = await db.select().from(companies).where(eq(companies.id, id));
  if (!company) return undefined;
  const members = await db
    .select({ userId: companyMembers.userId, role: companyMembers.role })
    .from(companyMembers)
    .where(eq(companyMembers.companyId, id))
    .orderBy(companyMembers.createdAt, companyMembers.userId);
  return { company, members };
}

export async function findMemberRole(db: Database, companyId: string, userId: string): Promise<MemberRole | undefined> {
  const [row] = await db
    .select({ role: companyMembers.role })
    .from(companyMembers)
    .where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId)));
  return row?.role;
}

export type CompanyChanges = Partial<Pick<CompanyRecord, "name" | "about" | "website" | "iconFileId" | "iconUrl">>;

/**
 * Applies an edit. With `reset` (the name or website of a verified company changed): the company
 * goes back to `pending`, its vacancies lose the verified flag in the search index, and the audit
 * event is written, in one batch; the UPDATE only resets a company that is verified when it runs.
 */
export async function updateCompany(
  db: Database,
  id: string,
  changes: CompanyChanges,
  now: Date,
  reset?: { note: string; audit: BatchQuery; history: BatchQuery },
): Promise<void> {
  if (!reset) {
    await db
      .update(companies)
      .set({ ...changes, updatedAt: now })
      .where(eq(companies.id, id));
    return;
  }
  await db.batch([
    db
      .update(companies)
      .set({ ...changes, updatedAt: now })
      .where(eq(companies.id, id)),
    db
      .update(companies)
      .set({ verification: "pending", verificationNote: reset.note, verificationReason: null, verifiedAt: null })
      .where(and(eq(companies.id, id), eq(companies.verification, "verified"))),
    db.update(vacancySearch).set({ verified: false }).where(eq(vacancySearch.companyId, id)),
    reset.audit,
    reset.history,
  ]);
}

/** The account with this (normalised) e-mail address, if any. */
export async function findUserIdByEmail(db: Database, emailNormalized: string): Promise<string | undefined> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized));
  return row?.id;
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
    .onConflictDoUpdate({
      target: [companyMembers.companyId, companyMembers.userId],
      set: { role },
      setWhere: role === "owner" ? undefined : sql`${companyMembers.role} <> 'owner' or ${otherOwners} > 0`,
    })
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

export async function requestVerification(db: Database, id: string, note: string, now: Date, audit: BatchQuery, history: BatchQuery): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(companies)
      .set({ verification: "pending", verificationNote: note, verificationReason: null, updatedAt: now })
      .where(and(eq(companies.id, id), ne(companies.verification, "verified")))
      .returning({ id: companies.id }),
    audit,
    history,
  ]);
  return updated.length > 0;
}

/**
 * A moderator's decision on a pending request, with its audit event, and the search index's
 * `verified` flag of the company's published vacancies, in one batch.
 */
export async function decideVerification(
  db: Database,
  id: string,
  outcome: "verified" | "rejected",
  reason: string | null,
  now: Date,
  audit: BatchQuery,
  history: BatchQuery,
): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(companies)
      .set({ verification: outcome, verificationReason: reason, verifiedAt: outcome === "verified" ? now : null, updatedAt: now })
      .where(and(eq(companies.id, id), eq(companies.verification, "pending")))
      .returning({ id: companies.id }),
    db
      .update(vacancySearch)
      .set({ verified: sql`(select ${companies.verification} = 'verified' from ${companies} where ${companies.id} = ${id})` })
      .where(eq(vacancySearch.companyId, id)),
    audit,
    history,
  ]);
  return updated.length > 0;
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
      successorId: sql<
        string | null
      >`(select s.user_id from company_members s where s.company_id = ${outerCompanyId} and s.user_id <> ${userId} order by s.created_at, s.user_id limit 1)`,
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
  ] as const;
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

/** A deleted user leaves every company (companies keep their other members), and their invitations go. */
export function forgetMemberQueries(db: Database, userId: string) {
  return [
    db.delete(companyMembers).where(eq(companyMembers.userId, userId)),
    db.delete(companyInvitations).where(eq(companyInvitations.userId, userId)),
    db.delete(companyFollows).where(eq(companyFollows.userId, userId)),
  ];
}

/** Invites `userId` (or changes the role of their open invitation). */
/**
 * Opens an invitation, or changes the role of the one the user has, unless the company holds
 * `max` open invitations: counted inside the insert, so parallel invitations cannot overshoot.
 * Re-inviting someone already invited always passes (it opens nothing new). False when refused.
 */
export async function upsertInvitationWithinCap(db: Database, invitation: InvitationRecord, max: number): Promise<boolean> {
  const invitations = companyInvitations;
  return insertWithinCap(
    db,
    invitations,
    [invitation],
    { count: sql`select count(*) from ${invitations} where ${invitations.companyId} = ${invitation.companyId}`, max },
    {
      alsoWhen: sql`exists (select 1 from ${invitations} where ${invitations.companyId} = ${invitation.companyId} and ${invitations.userId} = ${invitation.userId})`,
      onConflict: sql`on conflict (company_id, user_id) do update set role = excluded.role, invited_by = excluded.invited_by, created_at = excluded.created_at`,
    },
  );
}

export async function findInvitation(db: Database, companyId: string, userId: string): Promise<InvitationRecord | undefined> {
  const [row] = await db
    .select()
    .from(companyInvitations)
    .where(and(eq(companyInvitations.companyId, companyId), eq(companyInvitations.userId, userId)));
  return row;
}

/** A company's open invitations, oldest first. */
export async function listCompanyInvitations(db: Database, companyId: string, limit: number): Promise<InvitationRecord[]> {
  return db
    .select()
    .from(companyInvitations)
    .where(eq(companyInvitations.companyId, companyId))
    .orderBy(companyInvitations.createdAt, companyInvitations.userId)
    .limit(limit);
}

/** A user's open invitations with the inviting company's name, newest first. */
export async function listUserInvitations(db: Database, userId: string, limit: number): Promise<(InvitationRecord & { companyName: string })[]> {
  const rows = await db
    .select({ invitation: companyInvitations, companyName: companies.name })
    .from(companyInvitations)
    .innerJoin(companies, eq(companies.id, companyInvitations.companyId))
    .where(eq(companyInvitations.userId, userId))
    .orderBy(sql`${companyInvitations.createdAt} desc`)
    .limit(limit);
  return rows.map((r) => ({ ...r.invitation, companyName: r.companyName }));
}

export async function deleteInvitation(db: Database, companyId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(companyInvitations)
    .where(and(eq(companyInvitations.companyId, companyId), eq(companyInvitations.userId, userId)))
    .returning({ userId: companyInvitations.userId });
  return rows.length > 0;
}

/**
 * Turns the invitation into a membership with its role, the audit event and the invitation's
 * deletion in one batch; the membership is only inserted while the invitation exists when the
 * batch runs (a revoked one adds nobody). False when there was no invitation.
 */
export async function acceptInvitation(db: Database, companyId: string, userId: string, now: Date, audit: BatchQuery): Promise<boolean> {
  const [added] = await db.batch([
    db
      .insert(companyMembers)
      .select(
        db
          .select({
            companyId: companyInvitations.companyId,
            userId: companyInvitations.userId,
            role: companyInvitations.role,
            createdAt: sql<number>`${now.getTime()}`.as("created_at"),
          })
          .from(companyInvitations)
          .where(and(eq(companyInvitations.companyId, companyId), eq(companyInvitations.userId, userId))),
      )
      .onConflictDoNothing()
      .returning({ userId: companyMembers.userId }),
    audit,
    db.delete(companyInvitations).where(and(eq(companyInvitations.companyId, companyId), eq(companyInvitations.userId, userId))),
  ]);
  return added.length > 0;
}

/**
 * A member leaving on their own: when they are the last owner, the longest-standing other member
 * becomes owner first (decided inside the statements, as for a deleted account), then their
 * membership goes, in one batch. False when they were not a member when it ran.
 */
export async function leaveCompany(
  db: Database,
  companyId: string,
  userId: string,
  succession: { id: string; at: Date; detail: Record<string, unknown> },
  audit: BatchQuery,
): Promise<boolean> {
  const [promoteAudit, promote] = succeedLastOwnerQueries(db, companyId, userId, succession);
  const results = await db.batch([
    promoteAudit,
    promote,
    audit,
    db
      .delete(companyMembers)
      .where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId)))
      .returning({ userId: companyMembers.userId }),
  ]);
  return (results.at(-1) as unknown[]).length > 0;
}

/** Deletes a company (its members, invitations and vacancies follow by ON DELETE CASCADE). */
export async function deleteCompany(db: Database, companyId: string): Promise<boolean> {
  const rows = await db.delete(companies).where(eq(companies.id, companyId)).returning({ id: companies.id });
  return rows.length > 0;
}

/** Companies whose icon is one of `fileIds` (a subquery) lose it (through `companies_icon_file_idx`). */
export function clearCompanyIconsQuery(db: Database, fileIds: SQLWrapper) {
  return db.update(companies).set({ iconFileId: null, iconUrl: null }).where(inArray(companies.iconFileId, fileIds));
}

/** True when some company shows the file as its icon. */
export function companyIconUseSql(fileId: SQLWrapper) {
  return sql`EXISTS (SELECT 1 FROM ${companies} WHERE ${companies.iconFileId} = ${fileId})`;
}

export type VerificationEventRecord = typeof companyVerificationEvents.$inferSelect;

/**
 * The history row of a verification change, for the change's own batch. It is inserted only if
 * the company's verification is `expected` when it runs (after the batch's UPDATE), so a refused
 * change leaves no history.
 */
export function verificationEventQuery(db: Database, event: VerificationEventRecord, expected: CompanyRecord["verification"]) {
  return db.insert(companyVerificationEvents).select(
    db
      .select({
        id: sql`${event.id}`.as("id"),
        companyId: companies.id,
        kind: sql`${event.kind}`.as("kind"),
        text: sql`${event.text}`.as("text"),
        createdAt: sql`${event.createdAt.getTime()}`.as("created_at"),
      })
      .from(companies)
      .where(and(eq(companies.id, event.companyId), eq(companies.verification, expected), eq(companies.updatedAt, event.createdAt))),
  );
}

/** The last `perCompany` verification events of each company, newest first. */
export async function listVerificationEvents(db: Database, companyIds: readonly string[], perCompany: number): Promise<VerificationEventRecord[]> {
  if (companyIds.length === 0) return [];
  const lists = await Promise.all(
    companyIds.map((companyId) =>
      db
        .select()
        .from(companyVerificationEvents)
        .where(eq(companyVerificationEvents.companyId, companyId))
        .orderBy(desc(companyVerificationEvents.id))
        .limit(perCompany),
    ),
  );
  return lists.flat();
}

/**
 * Companies newest first: by name (`match`, an FTS5 query of company_name_search), by
 * verification, or all, through `(verification, id)` or the primary key; `before` is the last id
 * of the previous page.
 */
export async function listCompanies(
  db: Database,
  filter: { match: string | null; verified?: boolean; before?: string },
  limit: number,
): Promise<CompanyRecord[]> {
  return db
    .select()
    .from(companies)
    .where(
      and(
        filter.match ? sql`${companies}.rowid IN (SELECT rowid FROM company_name_search WHERE company_name_search MATCH ${filter.match})` : undefined,
        filter.verified === undefined ? undefined : filter.verified ? eq(companies.verification, "verified") : ne(companies.verification, "verified"),
        filter.before ? lt(companies.id, filter.before) : undefined,
      ),
    )
    .orderBy(desc(companies.id))
    .limit(limit);
}

/** Companies in one verification status, oldest first (the moderators' queue: first asked, first decided). */
export async function listCompaniesByVerification(
  db: Database,
  status: CompanyRecord["verification"],
  after: string | undefined,
  limit: number,
): Promise<CompanyRecord[]> {
  return db
    .select()
    .from(companies)
    .where(and(eq(companies.verification, status), after ? gt(companies.id, after) : undefined))
    .orderBy(asc(companies.id))
    .limit(limit);
}

/** The members of these companies, oldest first. */
export async function listMembersOf(db: Database, companyIds: readonly string[]): Promise<Pick<MemberRecord, "companyId" | "userId" | "role">[]> {
  if (companyIds.length === 0) return [];
  return db
    .select({ companyId: companyMembers.companyId, userId: companyMembers.userId, role: companyMembers.role })
    .from(companyMembers)
    .where(inArray(companyMembers.companyId, [...companyIds]))
    .orderBy(companyMembers.createdAt, companyMembers.userId);
}

/** Display names of these users (members shown by name to moderators). */
export async function listUserNames(db: Database, userIds: readonly string[]): Promise<{ id: string; displayName: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, [...userIds]));
}

/** Follows a company (repeating is harmless); selected from the company's row, so a company deleted meanwhile inserts nothing. */
export async function insertCompanyFollow(db: Database, userId: string, companyId: string, now: Date): Promise<void> {
  await db
    .insert(companyFollows)
    .select(
      db
        .select({ userId: sql<string>`${userId}`.as("user_id"), companyId: companies.id, createdAt: sql<Date>`${now.getTime()}`.as("created_at") })
        .from(companies)
        .where(eq(companies.id, companyId)),
    )
    .onConflictDoNothing();
}

export async function deleteCompanyFollow(db: Database, userId: string, companyId: string): Promise<void> {
  await db.delete(companyFollows).where(and(eq(companyFollows.userId, userId), eq(companyFollows.companyId, companyId)));
}

/** Whether `userId` follows the company, and how many follow it (read through the company index). */
export async function findCompanyFollowState(db: Database, userId: string, companyId: string): Promise<{ following: boolean; followerCount: number }> {
  const [row] = await db
    .select({
      followerCount: sql<number>`count(*)`,
      following: sql<number>`coalesce(max(${companyFollows.userId} = ${userId}), 0)`,
    })
    .from(companyFollows)
    .where(eq(companyFollows.companyId, companyId));
  return { following: Boolean(row?.following), followerCount: Number(row?.followerCount ?? 0) };
}

export interface FollowedCompanyRow {
  company: Pick<CompanyRecord, "id" | "name" | "iconUrl" | "verification">;
  followedAt: Date;
}

/** The companies `userId` follows, newest follow first. */
export async function pageFollowedCompanies(
  db: Database,
  userId: string,
  after: { t: number; id: string } | undefined,
  limit: number,
): Promise<FollowedCompanyRow[]> {
  const at = after ? new Date(after.t) : undefined;
  return db
    .select({
      company: { id: companies.id, name: companies.name, iconUrl: companies.iconUrl, verification: companies.verification },
      followedAt: companyFollows.createdAt,
    })
    .from(companyFollows)
    .innerJoin(companies, eq(companies.id, companyFollows.companyId))
    .where(
      and(
        eq(companyFollows.userId, userId),
        at && after ? or(lt(companyFollows.createdAt, at), and(eq(companyFollows.createdAt, at), lt(companyFollows.companyId, after.id))) : undefined,
      ),
    )
    .orderBy(desc(companyFollows.createdAt), desc(companyFollows.companyId))
    .limit(limit + 1);
}

export async function listFollowedCompanyIds(db: Database, userId: string): Promise<string[]> {
  return (await db.select({ id: companyFollows.companyId }).from(companyFollows).where(eq(companyFollows.userId, userId))).map((r) => r.id);
}

export interface CompanyFollowerRow {
  user: { id: string; displayName: string; avatarUrl: string | null };
  headline: string | null;
  followedAt: Date;
}

/**
 * The company's followers, newest follow first (company_follows_company_idx), who are active and
 * whose profile `viewer` may see (profileVisibleTo): a follower hidden from the viewer is left out.
 */
export async function pageCompanyFollowers(
  db: Database,
  companyId: string,
  viewer: ProfileViewer,
  after: { t: number; id: string } | undefined,
  limit: number,
): Promise<CompanyFollowerRow[]> {
  return db
    .select({
      user: { id: users.id, displayName: users.displayName, avatarUrl: users.avatarUrl },
      headline: profiles.headline,
      followedAt: companyFollows.createdAt,
    })
    .from(companyFollows)
    .innerJoin(users, and(eq(users.id, companyFollows.userId), isNull(users.disabledAt)))
    .leftJoin(profiles, eq(profiles.userId, companyFollows.userId))
    .where(
      and(
        eq(companyFollows.companyId, companyId),
        profileVisibleTo(db, companyFollows.userId, viewer),
        olderThan(companyFollows.createdAt, companyFollows.userId, after && { time: after.t, id: after.id }),
      ),
    )
    .orderBy(desc(companyFollows.createdAt), desc(companyFollows.userId))
    .limit(limit + 1);
}
