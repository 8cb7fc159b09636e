import { auditEventQuery } from "../../identity/audit/events";
import type { ClientInfo } from "../../identity/sessions/client-info";
import type { Principal } from "../../identity/sessions/principal";
import { z } from "@hono/zod-openapi";
import { forbidden, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import type { Deps } from "../../platform/deps-types";
import { deleteAsset } from "../library/assets";
import { deleteBox, deleteProject } from "../library/projects";
import { deleteOwnComment } from "../sharing/records";
import { findStudioItemOwner, pageStudioItems, setStudioItemHidden, type StudioItemFilter, type StudioItemKind, type StudioItemRecord } from "./records";

/**
 * Studio administration (docs/studio.md#administration): moderators and admins see every user's
 * projects, boxes, assets and comments, hide and show them again, and delete them with a reason.
 * Hiding takes a row out of every share link's view (a hidden project's links answer 404) while
 * its owner still sees and can fix it; deleting goes through the owner's own delete, so files,
 * blob references and retention stay as they would after the owner's click. Every action is an
 * audit event with the operator, the target, its owner and the reason.
 */

export interface StudioOperator {
  principal: Principal;
  client: ClientInfo;
}

export interface StudioItemView {
  kind: StudioItemKind;
  id: string;
  owner: { id: string; email: string | null; displayName: string | null };
  text: string;
  detail: string | null;
  projectId: string | null;
  boxId: string | null;
  fileId: string | null;
  hidden: { at: string; reason: string | null } | null;
  createdAt: string;
}

function requireOperator(principal: Principal): void {
  if (principal.role !== "moderator" && principal.role !== "admin") throw forbidden("Only moderators and admins administer the studio");
}

const SINGULAR: Record<StudioItemKind, string> = { projects: "project", boxes: "box", assets: "asset", comments: "comment" };

function view(kind: StudioItemKind, row: StudioItemRecord): StudioItemView {
  return {
    kind,
    id: row.id,
    owner: { id: row.ownerId, email: row.ownerEmail, displayName: row.ownerName },
    text: row.text,
    detail: row.detail,
    projectId: row.projectId,
    boxId: row.boxId,
    fileId: row.fileId,
    hidden: row.hiddenAt ? { at: row.hiddenAt.toISOString(), reason: row.hiddenReason } : null,
    createdAt: row.createdAt.toISOString(),
  };
}

const ItemCursor = z.object({ before: z.string().min(1) });

/** One kind's rows across every owner, newest first. */
export async function listStudioItems(
  deps: Deps,
  principal: Principal,
  kind: StudioItemKind,
  filter: StudioItemFilter,
  cursor: string | undefined,
  limit: number,
): Promise<Page<StudioItemView>> {
  requireOperator(principal);
  const rows = await pageStudioItems(deps.db, kind, filter, decodeCursor(cursor, ItemCursor)?.before, limit + 1);
  return keysetPage(
    rows,
    limit,
    (row) => view(kind, row),
    (last) => ({ before: last.id }),
  );
}

async function ownerOf(deps: Deps, kind: StudioItemKind, id: string) {
  const found = await findStudioItemOwner(deps.db, kind, id);
  if (!found) throw notFound(`No such ${SINGULAR[kind]}`);
  return found;
}

function audit(deps: Deps, operator: StudioOperator, type: string, target: { kind: StudioItemKind; id: string; ownerId: string }, reason: string | null) {
  return auditEventQuery(deps.db, {
    userId: operator.principal.userId,
    type,
    client: operator.client,
    detail: { kind: SINGULAR[target.kind], targetId: target.id, ownerId: target.ownerId, ...(reason === null ? {} : { reason }) },
  }).run();
}

/** Hides a row from share links' views (audited as `studio.item_hidden`); hiding a hidden row again replaces its reason. */
export async function hideStudioItem(deps: Deps, operator: StudioOperator, kind: StudioItemKind, id: string, reason: string): Promise<void> {
  requireOperator(operator.principal);
  const { ownerId } = await ownerOf(deps, kind, id);
  if (!(await setStudioItemHidden(deps.db, kind, id, { at: deps.clock.date(), reason }))) throw notFound(`No such ${SINGULAR[kind]}`);
  await audit(deps, operator, "studio.item_hidden", { kind, id, ownerId }, reason);
}

/** Shows a hidden row again (audited as `studio.item_unhidden`); a row that was not hidden is left as it is. */
export async function unhideStudioItem(deps: Deps, operator: StudioOperator, kind: StudioItemKind, id: string): Promise<void> {
  requireOperator(operator.principal);
  const { ownerId, hiddenAt } = await ownerOf(deps, kind, id);
  if (hiddenAt === null) return;
  await setStudioItemHidden(deps.db, kind, id, null);
  await audit(deps, operator, "studio.item_unhidden", { kind, id, ownerId }, null);
}

/**
 * Deletes a row through its owner's own delete (a project with its boxes, assets, files, comments
 * and links; a box with its assets; an asset with its files), audited as `studio.item_deleted`
 * with the reason before anything goes, so a failure part-way still leaves the operator's trace.
 */
export async function deleteStudioItem(deps: Deps, operator: StudioOperator, kind: StudioItemKind, id: string, reason: string): Promise<void> {
  requireOperator(operator.principal);
  const { ownerId } = await ownerOf(deps, kind, id);
  await audit(deps, operator, "studio.item_deleted", { kind, id, ownerId }, reason);
  switch (kind) {
    case "projects":
      return deleteProject(deps, id, ownerId);
    case "boxes":
      return deleteBox(deps, id, ownerId);
    case "assets":
      return deleteAsset(deps, id, ownerId);
    case "comments":
      if (!(await deleteOwnComment(deps.db, id, ownerId))) throw notFound("No such comment");
  }
}
