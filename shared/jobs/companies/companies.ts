import { clock } from "../../clock";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors";
import { newId } from "../../ids";
import { auditEventQuery } from "../../identity/audit/events";
import type { ClientInfo } from "../../identity/sessions/client-info";
import { contentPath } from "../../media/content-urls";
import { isImage } from "../../media/media-types";
import { findOwnFileRecord, setFileVisibility } from "../../media/records";
import { traced } from "../../observability/traced-stub";
import { type CompanyRow, decideVerification, deleteMember, findCompanyRow, findMemberRole, insertCompany, listOwnerIds, type MemberRole, requestVerification, updateCompany, upsertMember, userExists } from "./records";

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
async function iconChanges(db: Database, userId: string, iconFileId: string | null | undefined, origin: string) {
  if (iconFileId === undefined) return {};
  if (iconFileId === null) return { iconFileId: null, iconUrl: null };
  const file = await findOwnFileRecord(db, iconFileId, userId);
  if (!file) throw notFound("No such file");
  if (!isImage(file.contentType) || (file.purpose !== "company-icon" && file.purpose !== "image")) {
    throw badRequest("invalid_file", "An icon is an image file uploaded with purpose company-icon or image");
  }
  await setFileVisibility(db, file.id, "public");
  return { iconFileId: file.id, iconUrl: iconUrl(origin, file.id) };
}

export async function createCompany(db: Database, ownerId: string, fields: CompanyFields & { name: string }, origin: string): Promise<CompanyView> {
  const now = clock.date();
  const id = newId(now.getTime());
  const icon = await iconChanges(db, ownerId, fields.iconFileId, origin);
  await insertCompany(db, { id, name: fields.name.trim(), about: fields.about ?? "", website: normalizeWebsite(fields.website) ?? null, ...icon, createdBy: ownerId, createdAt: now, updatedAt: now }, ownerId);
  return companyView((await findCompanyRow(db, id))!, ownerId);
}

export async function getCompany(db: Database, id: string, viewerId: string | null): Promise<CompanyView> {
  const row = await findCompanyRow(db, id);
  if (!row) throw notFound("No such company");
  return companyView(row, viewerId);
}

/** 404 for a company that does not exist; 403 when the user's role there (if any) is not among `roles`. */
export async function requireMemberRole(db: Database, companyId: string, userId: string, roles: readonly MemberRole[], action: string): Promise<MemberRole> {
  const role = await findMemberRole(db, companyId, userId);
  if (role && roles.includes(role)) return role;
  if (!(await findCompanyRow(db, companyId))) throw notFound("No such company");
  throw forbidden(`Only a company ${roles.join(" or ")} may ${action}`);
}

export async function editCompany(db: Database, id: string, userId: string, fields: CompanyFields, origin: string): Promise<CompanyView> {
  await requireMemberRole(db, id, userId, ["owner", "recruiter"], "edit the company");
  const icon = await iconChanges(db, userId, fields.iconFileId, origin);
  await updateCompany(db, id, { name: fields.name?.trim(), about: fields.about, website: normalizeWebsite(fields.website), ...icon }, clock.date());
  return getCompany(db, id, userId);
}

/**
 * Adds a member or changes their role; the change is audit logged on the member's trail
 * (`company.member_added` or `company.role_changed`, with who did it), like a platform role change.
 */
export async function addMember(db: Database, id: string, actorId: string, member: { userId: string; role: MemberRole }, client: ClientInfo): Promise<CompanyView> {
  await requireMemberRole(db, id, actorId, ["owner"], "manage members");
  if (!(await userExists(db, member.userId))) throw notFound("No such user");
  const previous = await findMemberRole(db, id, member.userId);
  if (!(await upsertMember(db, id, member.userId, member.role, clock.date()))) throw conflict("last_owner", "The company's last owner cannot become a recruiter");
  if (previous !== member.role) {
    const event = previous
      ? { type: "company.role_changed", detail: { companyId: id, from: previous, to: member.role, by: actorId } }
      : { type: "company.member_added", detail: { companyId: id, role: member.role, by: actorId } };
    await auditEventQuery(db, { userId: member.userId, client, ...event }).run();
  }
  return getCompany(db, id, actorId);
}

export async function removeMember(db: Database, id: string, actorId: string, userId: string, client: ClientInfo): Promise<void> {
  await requireMemberRole(db, id, actorId, ["owner"], "manage members");
  const role = await findMemberRole(db, id, userId);
  if (!role) throw notFound("No such member");
  if (!(await deleteMember(db, id, userId))) throw conflict("last_owner", "The company's last owner cannot be removed");
  await auditEventQuery(db, { userId, type: "company.member_removed", client, detail: { companyId: id, role, by: actorId } }).run();
}

export async function submitVerification(db: Database, id: string, userId: string, note: string, client: ClientInfo): Promise<CompanyView> {
  await requireMemberRole(db, id, userId, ["owner"], "ask for verification");
  const audit = auditEventQuery(db, { userId, type: "company.verification_requested", client, detail: { companyId: id, note } });
  if (!(await requestVerification(db, id, note, clock.date(), audit))) throw conflict("already_verified", "The company is verified already");
  return getCompany(db, id, userId);
}

/**
 * A moderator or admin approves or rejects a pending request. The decision, its audit event and
 * the search index's `verified` flag commit together; the owners' hubs then get
 * `company.verification` (a hub that is not reachable does not undo the decision).
 */
export async function decideCompanyVerification(
  env: Pick<Env, "USER_HUB">,
  db: Database,
  id: string,
  actor: { userId: string; role: string },
  outcome: "verified" | "rejected",
  reason: string | null,
  client: ClientInfo,
): Promise<CompanyView> {
  if (actor.role !== "moderator" && actor.role !== "admin") throw forbidden("Only moderators and admins decide on verification");
  const row = await findCompanyRow(db, id);
  if (!row) throw notFound("No such company");
  const audit = auditEventQuery(db, { userId: actor.userId, type: `company.verification_${outcome === "verified" ? "approved" : "rejected"}`, client, detail: { companyId: id, reason } });
  if (!(await decideVerification(db, id, outcome, reason, clock.date(), audit))) throw conflict("not_pending", "The company has no pending verification request");
  const decided = (await findCompanyRow(db, id))!;
  const owners = await listOwnerIds(db, id);
  await Promise.allSettled(
    owners.map((ownerId) => traced(env.USER_HUB.getByName(ownerId)).notify({ type: "company.verification", company: companyView(decided, ownerId), reason })),
  );
  return companyView(decided, actor.userId);
}
