import { z } from "zod";
import { badRequest, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { newId } from "../../ids";
import {
  type BoxRow,
  deleteOwnBox,
  deleteOwnProject,
  findAssetInBox,
  findOwnBox,
  findOwnProject,
  insertBox,
  insertProject,
  listBoxes,
  pageOwnProjects,
  type ProjectRow,
  renameOwnProject,
  updateOwnBox,
  writeBoxOrder,
} from "./records";
import { boxView, type BoxView, projectView, type ProjectView } from "./views";
import type { Deps } from "../../platform/deps-types";

/** The owner's project, else 404 (another user's project is never confirmed). */
export async function ownProject(deps: Deps, id: string, ownerId: string): Promise<ProjectRow> {
  const project = await findOwnProject(deps.db, id, ownerId);
  if (!project) throw notFound("No such project");
  return project;
}

export async function ownBox(deps: Deps, id: string, ownerId: string): Promise<BoxRow> {
  const box = await findOwnBox(deps.db, id, ownerId);
  if (!box) throw notFound("No such box");
  return box;
}

export async function createProject(deps: Deps, ownerId: string, name: string): Promise<ProjectView> {
  const now = deps.clock.now();
  return projectView(await insertProject(deps.db, { id: newId(now), ownerId, name, createdAt: new Date(now), updatedAt: new Date(now) }));
}

const ProjectCursor = z.object({ before: z.string().max(64) });

export async function listProjects(deps: Deps, ownerId: string, cursor: string | undefined, limit: number): Promise<Page<ProjectView>> {
  const rows = await pageOwnProjects(deps.db, ownerId, decodeCursor(cursor, ProjectCursor)?.before, limit);
  return keysetPage(rows, limit, projectView, (last) => ({ before: last.id }));
}

export async function getProject(deps: Deps, id: string, ownerId: string): Promise<ProjectView> {
  return projectView(await ownProject(deps, id, ownerId));
}

export async function renameProject(deps: Deps, id: string, ownerId: string, name: string): Promise<ProjectView> {
  const project = await renameOwnProject(deps.db, id, ownerId, name, deps.clock.now());
  if (!project) throw notFound("No such project");
  return projectView(project);
}

export async function deleteProject(deps: Deps, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnProject(deps.db, id, ownerId, deps.clock.now()))) throw notFound("No such project");
}

export async function createBox(deps: Deps, projectId: string, ownerId: string, name: string): Promise<BoxView> {
  await ownProject(deps, projectId, ownerId);
  const now = deps.clock.now();
  return boxView(
    await insertBox(deps.db, { id: newId(now), projectId, ownerId, name, headlinerAssetId: null, createdAt: new Date(now), updatedAt: new Date(now) }),
  );
}

export async function projectBoxes(deps: Deps, projectId: string, ownerId: string): Promise<{ items: BoxView[] }> {
  await ownProject(deps, projectId, ownerId);
  return { items: (await listBoxes(deps.db, projectId)).map(boxView) };
}

/** The new order of a project's boxes: `boxIds` must name every box of the project exactly once. */
export async function reorderBoxes(deps: Deps, projectId: string, ownerId: string, boxIds: readonly string[]): Promise<{ items: BoxView[] }> {
  await ownProject(deps, projectId, ownerId);
  const current = await listBoxes(deps.db, projectId);
  const known = new Set(current.map((box) => box.id));
  const given = new Set(boxIds);
  if (given.size !== boxIds.length) throw badRequest("invalid_order", "A box id appears more than once");
  if (boxIds.some((id) => !known.has(id))) throw badRequest("invalid_order", "A box id is not a box of this project");
  if (given.size !== known.size) throw badRequest("invalid_order", "Every box of the project must be listed once");
  await writeBoxOrder(deps.db, projectId, boxIds, deps.clock.now());
  return { items: (await listBoxes(deps.db, projectId)).map(boxView) };
}

export interface BoxChanges {
  name?: string;
  /** An asset of this box, or null to clear it. */
  headlinerAssetId?: string | null;
}

export async function updateBox(deps: Deps, id: string, ownerId: string, changes: BoxChanges): Promise<BoxView> {
  await ownBox(deps, id, ownerId);
  if (changes.headlinerAssetId && !(await findAssetInBox(deps.db, changes.headlinerAssetId, id, ownerId))) {
    throw badRequest("invalid_headliner", "The headliner must be an asset of this box");
  }
  await updateOwnBox(deps.db, id, ownerId, changes, deps.clock.now());
  return boxView(await ownBox(deps, id, ownerId));
}

export async function deleteBox(deps: Deps, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnBox(deps.db, id, ownerId, deps.clock.now()))) throw notFound("No such box");
}
