import type { Deps } from "../../platform/deps-types";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors";
import { newId } from "../../ids";
import { auditEventQuery } from "../../identity/audit/events";
import type { ClientInfo } from "../../identity/sessions/client-info";
import { normalizeEmail } from "../../identity/account/users";
import { contentPath } from "../../media/content-path";
import { isImage } from "../../media/media-types";
import { findOwnFileRecord, setFileVisibility } from "../../media/records/files";
import { closeDown } from "./close-down";
import {
  acceptInvitation,
  type CompanyRow,
  decideVerification,
  deleteInvitation,
  deleteMember,
  findCompanyRow,
  findInvitation,
  findMemberRole,
  type InvitationRecord,
  insertCompanyWithinLimit,
  leaveCompany,
  listCompanyInvitations,
  listUserInvitations,
  type MemberRole,
  requestVerification,
  updateCompany,
  upsertInvitationWithinCap,
  upsertMember,
  findUserIdByEmail,
  userExists,
  verificationEventQuery,
} from "./records";

export type Verification = "none" | "pending" | "verified" | "rejected";

export interface CompanyView {
  id: string;
  name: string;
  about: string;
  website: string | null;
  iconUrl: string | null;
  verification: Verification;
  verificationNote: string | null;
  /** The moderator's reason for the last decision; shown to members only. */
  verificationReason?: string | null;
  members: { userId: string; role: MemberRole }[];
  createdAt: string;
  updatedAt: string;
}

export function companyView(row: CompanyRow, viewerId: string | null): CompanyView {
  const c = row.company;
  const isMember = viewerId !== null && row.members.some((m) => m.userId === viewerId);
  return {
    id: c.id,
    name: c.name,
    about: c.about,
    website: c.website,
    iconUrl: c.iconUrl,
    verification: c.verification,
    verificationNote: isMember ? c.verificationNote : null,
    ...(isMember ? { verificationReason: c.verificationReason } : {}),
    members: row.members,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The square variant a company icon is shown as. */
const ICON_VARIANT = { width: "128", height: "128", fit: "cover" } as const;

function iconUrl(origin: string, fileId: string): string {
  const url = new URL(contentPath(fileId), origin);
  for (const [name, value] of Object.entries(ICON_VARIANT)) url.searchParams.set(name, value);
  return url.toString();
}

export function normalizeWebsite(website: string | null | undefined): string | null | undefined {
  if (website === undefined || website === null || website.trim() === "") return website === undefined ? undefined : null;
  let url: URL;
  try {
    url = new URL(website.trim());
  } catch {
    throw badRequest("invalid_website", "The website is not a URL", [{ path: "website", message: "Not an absolute URL" }]);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".") || url.username || url.password) {
    throw badRequest("invalid_website", "The website is an http(s) URL of a public host", [{ path: "website", message: "Only http(s) URLs of a public host" }]);
  }
  return url.toString();
}

export interface CompanyFields {
  name?: string;
  about?: string;
  website?: string | null;
  iconFileId?: string | null;
}

/** An icon is one of the editor's own image files (purpose company-icon or image); it becomes public. */
async function iconChanges(deps: Deps, userId: string, iconFileId: string | null | undefined) {
  if (iconFileId === undefined) return {};
  if (iconFileId === null) return { iconFileId: null, iconUrl: null };
  const file = await findOwnFileRecord(deps.db, iconFileId, userId);
  if (!file) throw notFound("No such file");
  if (!isImage(file.contentType) || (file.purpose !== "company-icon" && file.purpose !== "image")) {
    throw badRequest("invalid_file", "An icon is an image file uploaded with purpose company-icon or image");
  }
  await setFileVisibility(deps.db, file.id, "public");
  return { iconFileId: file.id, iconUrl: iconUrl(deps.config.publicOrigin, file.id) };
}

/**
 * Creates a company with its creator as owner. A user may have created at most
 * `UNVERIFIED_COMPANIES_PER_USER` companies that are not verified (`409 company_limit_reached`;
 * the count is read inside the INSERT).
 */
export async function createCompany(deps: Deps, ownerId: string, fields: CompanyFields & { name: string }): Promise<CompanyView> {
  const maxUnverified = deps.config.jobs.unverifiedCompaniesPerUser;
  const now = deps.clock.date();
  const id = newId(now.getTime());
  const icon = await iconChanges(deps, ownerId, fields.iconFileId);
  const company = {
    id,
    name: fields.name.trim(),
    about: fields.about ?? "",
    website: normalizeWebsite(fields.website) ?? null,
    ...icon,
    createdBy: ownerId,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertCompanyWithinLimit(deps.db, company, maxUnverified))) {
    throw conflict("company_limit_reached", `You created ${maxUnverified} companies that are not verified; get one verified or close one to create another`);
  }
  return companyView((await findCompanyRow(deps.db, id))!, ownerId);
}

export async function getCompany(deps: Deps, id: string, viewerId: string | null): Promise<CompanyView> {
  const row = await findCompanyRow(deps.db, id);
  if (!row) throw notFound("No such company");
  return companyView(row, viewerId);
}

/** 404 for a company that does not exist; 403 when the user's role there (if any) is not among `roles`. */
export async function requireMemberRole(deps: Deps, companyId: string, userId: string, roles: readonly MemberRole[], action: string): Promise<MemberRole> {
  const role = await findMemberRole(deps.db, companyId, userId);
  if (role && roles.includes(role)) return role;
  if (!(await findCompanyRow(deps.db, companyId))) throw notFound("No such company");
  throw forbidden(`Only a company ${roles.join(" or ")} may ${action}`);
}

/**
 * Edits a company. Changing the name or website of a verified company sends it back to
 * `pending` (what a moderator verified is no longer what the company shows): its vacancies lose
 * the verified flag in search in the same batch, the audit event `company.verification_reset`
 * names what changed, and the owners' hubs get `company.verification` with reason `details_changed`.
 */
export async function editCompany(deps: Deps, id: string, userId: string, fields: CompanyFields, client?: ClientInfo): Promise<CompanyView> {
  await requireMemberRole(deps, id, userId, ["owner", "recruiter"], "edit the company");
  const before = (await findCompanyRow(deps.db, id))!.company;
  const icon = await iconChanges(deps, userId, fields.iconFileId);
  const changes = { name: fields.name?.trim(), about: fields.about, website: normalizeWebsite(fields.website), ...icon };
  const changed = [
    ...(changes.name !== undefined && changes.name !== before.name ? ["name"] : []),
    ...(changes.website !== undefined && changes.website !== before.website ? ["website"] : []),
  ];
  const reset =
    before.verification === "verified" && changed.length > 0
      ? {
          note: `Changed after verification: ${changed.map((field) => `${field} (was ${JSON.stringify(field === "name" ? before.name : before.website)})`).join(", ")}`,
          audit: auditEventQuery(deps.db, { userId, type: "company.verification_reset", client, detail: { companyId: id, changed, by: userId } }),
        }
      : undefined;
  const now = deps.clock.date();
  const history = (text: string) =>
    verificationEventQuery(deps.db, { id: newId(now.getTime()), companyId: id, kind: "reset", text, createdAt: now }, "pending");
  await updateCompany(deps.db, id, changes, now, reset ? { ...reset, history: history(reset.note) } : undefined);
  if (reset) await notifyOwners(deps, id, "details_changed");
  return getCompany(deps, id, userId);
}

/** Tells every owner of the company, on their hub, that its verification changed (an unreachable hub changes nothing). */
async function notifyOwners(deps: Deps, companyId: string, reason: string | null): Promise<void> {
  const row = await findCompanyRow(deps.db, companyId);
  if (!row) return;
  await Promise.allSettled(
    row.members
      .filter((m) => m.role === "owner")
      .map((m) => deps.objects.userHub(m.userId).notify({ type: "company.verification", company: companyView(row, m.userId), reason })),
  );
}

/** Changes the role of a member (owners). A non-member is invited instead (`POST /v1/companies/:id/invitations`). */
export async function addMember(
  deps: Deps,
  id: string,
  actorId: string,
  member: { userId: string; role: MemberRole },
  client: ClientInfo,
): Promise<CompanyView> {
  await requireMemberRole(deps, id, actorId, ["owner"], "manage members");
  const previous = await findMemberRole(deps.db, id, member.userId);
  if (!previous) throw notFound("No such member: people join a company by accepting an invitation (POST /v1/companies/{id}/invitations)");
  if (!(await upsertMember(deps.db, id, member.userId, member.role, deps.clock.date())))
    throw conflict("last_owner", "The company's last owner cannot become a recruiter");
  if (previous !== member.role) {
    await auditEventQuery(deps.db, {
      userId: member.userId,
      client,
      type: "company.role_changed",
      detail: { companyId: id, from: previous, to: member.role, by: actorId },
    }).run();
  }
  return getCompany(deps, id, actorId);
}

/**
 * Removes a member (owners), or a member leaves (anyone removing themselves). A last owner who
 * leaves hands the company to its longest-standing other member, who becomes owner in the same
 * batch (audit `company.role_changed` with reason `last_owner_left`, hub `company.promoted`); a
 * company left with nobody is closed down like one whose last member deleted their account.
 */
export async function removeMember(deps: Deps, id: string, actorId: string, userId: string, client: ClientInfo): Promise<void> {
  if (actorId === userId) {
    const role = await findMemberRole(deps.db, id, userId);
    if (!role) {
      if (!(await findCompanyRow(deps.db, id))) throw notFound("No such company");
      throw notFound("No such member");
    }
    const at = deps.clock.date();
    const promotion = { id: newId(at.getTime()), at, detail: { companyId: id, from: "recruiter", to: "owner", reason: "last_owner_left" } };
    const audit = auditEventQuery(deps.db, { userId, type: "company.member_left", client, detail: { companyId: id, role } });
    const successor = role === "owner" ? ((await findCompanyRow(deps.db, id))?.members ?? []) : [];
    if (!(await leaveCompany(deps.db, id, userId, promotion, audit))) throw notFound("No such member");
    const after = await findCompanyRow(deps.db, id);
    if (!after || after.members.length === 0) {
      await closeDown(deps, id, { reason: "last_member_left", userId: null, onlyIfMemberless: true });
      return;
    }
    const promoted = after.members.find((m) => m.role === "owner" && successor.some((s) => s.userId === m.userId && s.role !== "owner"));
    if (promoted) {
      try {
        await deps.objects
          .userHub(promoted.userId)
          .notify({ type: "company.promoted", company: companyView(after, promoted.userId), reason: "last_owner_left" });
      } catch (error) {
        deps.log("warn", "company.promoted not delivered", { companyId: id, userId: promoted.userId, error: String(error) });
      }
    }
    return;
  }
  await requireMemberRole(deps, id, actorId, ["owner"], "manage members");
  const role = await findMemberRole(deps.db, id, userId);
  if (!role) throw notFound("No such member");
  if (!(await deleteMember(deps.db, id, userId))) throw conflict("last_owner", "The company's last owner cannot be removed");
  await auditEventQuery(deps.db, { userId, type: "company.member_removed", client, detail: { companyId: id, role, by: actorId } }).run();
}

/** Open invitations a company may have at once. */
export const MAX_OPEN_INVITATIONS = 50;

export interface CompanyInvitationView {
  companyId: string;
  companyName: string;
  userId: string;
  role: MemberRole;
  invitedBy: string;
  createdAt: string;
}

function invitationView(invitation: InvitationRecord, companyName: string): CompanyInvitationView {
  return {
    companyId: invitation.companyId,
    companyName,
    userId: invitation.userId,
    role: invitation.role,
    invitedBy: invitation.invitedBy,
    createdAt: invitation.createdAt.toISOString(),
  };
}

/**
 * An owner invites a user to join with a role; nobody becomes a member (let alone an owner who
 * cannot leave) without accepting. Inviting again changes the role. The invitee's hub gets
 * `company.invitation`; the invitee's audit trail `company.member_invited`.
 */
export async function inviteMember(
  deps: Deps,
  id: string,
  actorId: string,
  named: { userId?: string; email?: string; role: MemberRole },
  client: ClientInfo,
): Promise<CompanyInvitationView> {
  await requireMemberRole(deps, id, actorId, ["owner"], "invite members");
  // By e-mail, as people know their colleagues; only an owner reaches this line, and an owner's
  // open invitations are capped, so it is no open door for probing which addresses have accounts.
  const userId = named.userId ?? (named.email ? await findUserIdByEmail(deps.db, normalizeEmail(named.email)) : undefined);
  if (!userId || !(await userExists(deps.db, userId))) throw notFound(named.email ? "No account has that e-mail address" : "No such user");
  const invitee = { userId, role: named.role };
  if (await findMemberRole(deps.db, id, invitee.userId))
    throw conflict("already_member", "That user is a member already; change their role with POST /v1/companies/{id}/members");
  const invitation: InvitationRecord = { companyId: id, userId: invitee.userId, role: invitee.role, invitedBy: actorId, createdAt: deps.clock.date() };
  if (!(await upsertInvitationWithinCap(deps.db, invitation, MAX_OPEN_INVITATIONS))) {
    throw conflict("too_many_invitations", `A company may have ${MAX_OPEN_INVITATIONS} open invitations; revoke some first`);
  }
  await auditEventQuery(deps.db, {
    userId: invitee.userId,
    type: "company.member_invited",
    client,
    detail: { companyId: id, role: invitee.role, by: actorId },
  }).run();
  const view = invitationView(invitation, (await findCompanyRow(deps.db, id))!.company.name);
  try {
    await deps.objects.userHub(invitee.userId).notify({ type: "company.invitation", invitation: view });
  } catch (error) {
    deps.log("warn", "company.invitation not delivered", { companyId: id, userId: invitee.userId, error: String(error) });
  }
  return view;
}

/** A company's open invitations (owners). */
export async function companyInvitations(deps: Deps, id: string, actorId: string): Promise<CompanyInvitationView[]> {
  await requireMemberRole(deps, id, actorId, ["owner"], "see invitations");
  const name = (await findCompanyRow(deps.db, id))!.company.name;
  return (await listCompanyInvitations(deps.db, id, MAX_OPEN_INVITATIONS)).map((invitation) => invitationView(invitation, name));
}

/** The user's own open invitations, newest first. */
export async function myInvitations(deps: Deps, userId: string): Promise<CompanyInvitationView[]> {
  return (await listUserInvitations(deps.db, userId, 100)).map((invitation) => invitationView(invitation, invitation.companyName));
}

/** The invitee accepts: they become a member with the invitation's role (audit `company.member_added`, `by` the inviter). */
export async function acceptMembership(deps: Deps, id: string, userId: string, client: ClientInfo): Promise<CompanyView> {
  const invitation = await findInvitation(deps.db, id, userId);
  if (!invitation) throw notFound("No such invitation");
  const audit = auditEventQuery(deps.db, {
    userId,
    type: "company.member_added",
    client,
    detail: { companyId: id, role: invitation.role, by: invitation.invitedBy },
  });
  if (!(await acceptInvitation(deps.db, id, userId, deps.clock.date(), audit))) throw notFound("No such invitation");
  return getCompany(deps, id, userId);
}

/** The invitee declines, or an owner revokes (anyone else: 403, like every company write). */
export async function dropInvitation(deps: Deps, id: string, actorId: string, userId: string): Promise<void> {
  if (actorId !== userId) await requireMemberRole(deps, id, actorId, ["owner"], "revoke invitations");
  if (!(await deleteInvitation(deps.db, id, userId))) throw notFound("No such invitation");
}

/**
 * An owner closes the company: its vacancies are closed through the ordinary close path (out of
 * search), then the company goes with its members, invitations and vacancies; the owner's audit
 * trail keeps `company.deleted {companyId, reason: "closed_by_owner", vacanciesClosed}`.
 */
export async function closeCompany(deps: Deps, id: string, actorId: string, client: ClientInfo): Promise<void> {
  await requireMemberRole(deps, id, actorId, ["owner"], "close the company");
  await closeDown(deps, id, { userId: actorId, reason: "closed_by_owner", client });
}

export async function submitVerification(deps: Deps, id: string, userId: string, note: string, client: ClientInfo): Promise<CompanyView> {
  await requireMemberRole(deps, id, userId, ["owner"], "ask for verification");
  const audit = auditEventQuery(deps.db, { userId, type: "company.verification_requested", client, detail: { companyId: id, note } });
  const now = deps.clock.date();
  const history = verificationEventQuery(deps.db, { id: newId(now.getTime()), companyId: id, kind: "requested", text: note, createdAt: now }, "pending");
  if (!(await requestVerification(deps.db, id, note, now, audit, history))) throw conflict("already_verified", "The company is verified already");
  return getCompany(deps, id, userId);
}

/**
 * A moderator or admin approves or rejects a pending request. The decision, its audit event and
 * the search index's `verified` flag commit together; the owners' hubs then get
 * `company.verification` (a hub that is not reachable does not undo the decision).
 */
export async function decideCompanyVerification(
  deps: Deps,
  id: string,
  actor: { userId: string; role: string },
  outcome: "verified" | "rejected",
  reason: string | null,
  client: ClientInfo,
): Promise<CompanyView> {
  if (actor.role !== "moderator" && actor.role !== "admin") throw forbidden("Only moderators and admins decide on verification");
  const row = await findCompanyRow(deps.db, id);
  if (!row) throw notFound("No such company");
  // Like videos: nobody decides on their own (403, as for a non-moderator).
  if (row.members.some((m) => m.userId === actor.userId)) throw forbidden("Nobody decides on the verification of a company they belong to");
  const audit = auditEventQuery(deps.db, {
    userId: actor.userId,
    type: `company.verification_${outcome === "verified" ? "approved" : "rejected"}`,
    client,
    detail: { companyId: id, reason },
  });
  const now = deps.clock.date();
  const history = verificationEventQuery(
    deps.db,
    { id: newId(now.getTime()), companyId: id, kind: outcome === "verified" ? "approved" : "rejected", text: reason, createdAt: now },
    outcome,
  );
  if (!(await decideVerification(deps.db, id, outcome, reason, now, audit, history)))
    throw conflict("not_pending", "The company has no pending verification request");
  await notifyOwners(deps, id, reason);
  return getCompany(deps, id, actor.userId);
}
