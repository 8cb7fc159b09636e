import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api, json, registerUser, type TestUser } from "../helpers";
import { samples, uniquePng, uploadFile } from "../media/fixtures";

/** Studio test fixtures: a user with a project and boxes, uploaded assets, raw asset rows. */

export interface StudioProject {
  id: string;
  name: string;
}

export interface StudioBox {
  id: string;
  projectId: string;
  name: string;
  orderIndex: number;
  headlinerAssetId: string | null;
  unreadComments: number;
}

export async function createProject(user: TestUser, name = "Campaign"): Promise<StudioProject> {
  const response = await api("/v1/studio/projects", { token: user.accessToken, body: { name } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text);
}

export async function createBox(user: TestUser, projectId: string, name = "Shot"): Promise<StudioBox> {
  const response = await api(`/v1/studio/projects/${projectId}/boxes`, { token: user.accessToken, body: { name } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text);
}

/** A fresh user with one project holding `boxes` boxes. */
export async function studioOwner(boxes = 1) {
  const user = await registerUser();
  const project = await createProject(user);
  const created: StudioBox[] = [];
  for (let i = 0; i < boxes; i++) created.push(await createBox(user, project.id, `Shot ${i + 1}`));
  return { user, project, boxes: created };
}

/** Uploads a unique PNG (or the given bytes) and adds it to the box as an uploaded asset. */
export async function uploadAsset(user: TestUser, boxId: string, bytes: Uint8Array = uniquePng()) {
  const file = await uploadFile(user, bytes, { purpose: "image" });
  const response = await api(`/v1/studio/boxes/${boxId}/assets`, { token: user.accessToken, body: { fileId: file.id } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return { asset: JSON.parse(text), file };
}

export interface AssetRowInput {
  boxId: string;
  ownerId: string;
  prompt?: string;
  type?: "image" | "video";
  status?: "pending" | "processing" | "completed" | "failed";
  favorite?: boolean;
  modelId?: string;
  params?: Record<string, unknown>;
  createdAt?: number;
  fileId?: string | null;
}

let sequence = 0;

/**
 * A generated asset written straight into D1 (as the generation pipeline stores them), for
 * filters, search and retention; the id is time-ordered like the platform's own.
 */
export async function insertAssetRow(input: AssetRowInput): Promise<string> {
  const { newId } = await import("../../shared/ids");
  const createdAt = input.createdAt ?? Date.now() + sequence++;
  const id = newId(createdAt);
  await env.DB.prepare(
    `INSERT INTO studio_assets (id, box_id, owner_id, type, status, source, file_id, prompt, model_id, params, favorite, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'generated', ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      input.boxId,
      input.ownerId,
      input.type ?? "image",
      input.status ?? "completed",
      input.fileId ?? null,
      input.prompt ?? "",
      input.modelId ?? "dev-image",
      JSON.stringify(input.params ?? {}),
      input.favorite ? 1 : 0,
      createdAt,
      createdAt,
    )
    .run();
  return id;
}

export async function blobRefCount(sha256: string): Promise<number | undefined> {
  return (await env.DB.prepare("SELECT ref_count FROM blobs WHERE sha256 = ?").bind(sha256).first<{ ref_count: number }>())?.ref_count;
}

export async function listAssets(user: TestUser, boxId: string, query = ""): Promise<{ items: any[]; nextCursor: string | null }> {
  const response = await api(`/v1/studio/boxes/${boxId}/assets${query}`, { token: user.accessToken });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text);
}

export { api, json, registerUser, samples, uniquePng, uploadFile };
