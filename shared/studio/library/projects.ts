import { z } from "zod";
import { clock } from "../../clock";
import type { Database } from "../../db/client";
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
  type ProjectRecord,
  renameOwnProject,
  updateOwnBox,
  writeBoxOrder,
} from "./records";
import { boxView, type BoxView, projectView, type ProjectView } from "./views";

/** The owner's project, else 404 (another user's project is never confirmed). */
export async function ownProject(db: Database, id: string, ownerId: string): Promise<ProjectRecord> {
  const project = await findOwnProject(db, id, ownerId);
  if (!project) throw notFound("No such project");
  return project;
}

export async function ownBox(db: Database, id: string, ownerId: string): Promise<BoxRow> {
  const box = await findOwnBox(db, id, ownerId);
  if (!box) throw notFound("No such box");
  return box;
}

export async function createProject(db: Database, ownerId: string, name: string): Promise<ProjectView> {
  const now = clock.now();
  return projectView(await insertProject(db, { id: newId(now), ownerId, name, createdAt: new Date(now), updatedAt: new Date(now) }));
}

const ProjectCursor = z.object({ before: z.string().max(64) });

export async function listProjects(db: Database, ownerId: string, cursor: string | undefined, limit: number): Promise<Page<ProjectView>> {
  const rows = await pageOwnProjects(db, ownerId, decodeCursor(cursor, ProjectCursor)?.before, limit);
  return keysetPage(rows, limit, projectView, (last) => ({ before: last.id }));
}

export async function getProject(db: Database, id: string, ownerId: string): Promise<ProjectView> {
  return projectView(await ownProject(db, id, ownerId));
}

export async function renameProject(db: Database, id: string, ownerId: string, name: string): Promise<ProjectView> {
  const project = await renameOwnProject(db, id, ownerId, name, clock.now());
  if (!project) throw notFound("No such project");
  return projectView(project);
}

export async function deleteProject(db: Database, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnProject(db, id, ownerId, clock.now()))) throw notFound("No such project");
}

export async function createBox(db: Database, projectId: string, ownerId: string, name: string): Promise<BoxView> {
  await ownProject(db, projectId, ownerId);
  const now = clock.now();
  return boxView(await insertBox(db, { id: newId(now), projectId, ownerId, name, headlinerAssetId: null, createdAt: new Date(now), updatedAt: new Date(now) }));
}

export async function projectBoxes(db: Database, projectId: string, ownerId: string): Promise<{ items: BoxView[] }> {
  await ownProject(db, projectId, ownerId);
  return { items: (await listBoxes(db, projectId)).map(boxView) };
}

/** The new order of a project's boxes: `boxIds` must name every box of the project exactly once. */
export async function reorderBoxes(db: Database, projectId: string, ownerId: string, boxIds: readonly string[]): Promise<{ items: BoxView[] }> {
  await ownProject(db, projectId, ownerId);
  const current = await listBoxes(db, projectId);
  const known = new Set(current.map((box) => box.id));
  const given = new Set(boxIds);
  if (given.size !== boxIds.length) throw badRequest("invalid_order", "A box id appears more than once");
  if (boxIds.some((id) => !known.has(id))) throw badRequest("invalid_order", "A box id is not a box of this project");
  if (given.size !== known.size) throw badRequest("invalid_order", "Every box of the project must be listed once");
  await writeBoxOrder(db, projectId, boxIds, clock.now());
  return { items: (await listBoxes(db, projectId)).map(boxView) };
}

export interface BoxChanges {
  name?: string;
  /** An asset of this box, or null to clear it. */
  headlinerAssetId?: string | null;
}

export async function updateBox(db: Database, id: string, ownerId: string, changes: BoxChanges): Promise<BoxView> {
  await ownBox(db, id, ownerId);
  if (changes.headlinerAssetId && !(await findAssetInBox(db, changes.headlinerAssetId, id, ownerId))) {
    throw badRequest("invalid_headliner", "The headliner must be an asset of this box");
  }
  await updateOwnBox(db, id, ownerId, changes, clock.now());
  return boxView(await ownBox(db, id, ownerId));
}

export async function deleteBox(db: Database, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnBox(db, id, ownerId, clock.now()))) throw notFound("No such box");
}
