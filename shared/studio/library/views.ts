import { DEV_MODELS } from "../providers/dev-provider";
import type { AssetRecord, BoxRow, ProjectRow } from "./records";

export interface ProjectView {
  id: string;
  name: string;
  boxCount: number;
  assetCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface BoxView {
  id: string;
  projectId: string;
  name: string;
  orderIndex: number;
  headlinerAssetId: string | null;
  unreadComments: number;
  assetCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface AssetView {
  id: string;
  boxId: string;
  type: AssetRecord["type"];
  status: AssetRecord["status"];
  source: AssetRecord["source"];
  fileId: string | null;
  thumbnailFileId: string | null;
  prompt: string;
  modelId: string | null;
  /** The model's name, for people; null when the asset was not generated or its model is gone. */
  modelName: string | null;
  params: Record<string, unknown>;
  seed: number | null;
  parentAssetId: string | null;
  /** The Smart Edit configuration version that framed an edit's prompt (see generation/edit-config.ts). */
  editConfigVersion: number | null;
  favorite: boolean;
  error: string | null;
  /** When retention deletes it; null for favourites and headliners, which are kept. */
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function projectView(project: ProjectRow): ProjectView {
  return {
    id: project.id,
    name: project.name,
    boxCount: Number(project.boxCount),
    assetCount: Number(project.assetCount),
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

export function boxView(box: BoxRow): BoxView {
  return {
    id: box.id,
    projectId: box.projectId,
    name: box.name,
    orderIndex: box.orderIndex,
    headlinerAssetId: box.headlinerAssetId,
    unreadComments: Number(box.unreadComments),
    assetCount: Number(box.assetCount),
    createdAt: box.createdAt.toISOString(),
    updatedAt: box.updatedAt.toISOString(),
  };
}

function parseParams(params: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(params);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface AssetExpiry {
  /** STUDIO_RETENTION_DAYS (deps.config.studioLibrary.retentionDays). */
  retentionDays: number;
  /** Whether a box shows the asset as its headliner (AssetRow.headliner); false for a new asset. */
  headliner?: boolean;
}

/**
 * The name of an asset's model: a stored model's comes with the row (AssetRow.modelName), the
 * built-in development models' from their definitions.
 */
export function modelNameOf(modelId: string | null, stored: string | null | undefined): string | null {
  if (stored) return stored;
  return DEV_MODELS.find((model) => model.id === modelId)?.name ?? null;
}

/** An asset as the API (and the hub's asset.updated frame) shows it. */
export function assetView(asset: AssetRecord & { modelName?: string | null }, expiry: AssetExpiry): AssetView {
  const kept = asset.favorite || expiry.headliner === true;
  return {
    id: asset.id,
    boxId: asset.boxId,
    type: asset.type,
    status: asset.status,
    source: asset.source,
    fileId: asset.fileId,
    thumbnailFileId: asset.thumbnailFileId,
    prompt: asset.prompt,
    modelId: asset.modelId,
    modelName: modelNameOf(asset.modelId, asset.modelName),
    params: parseParams(asset.params),
    seed: asset.seed,
    parentAssetId: asset.parentAssetId,
    editConfigVersion: asset.editConfigVersion ?? null,
    favorite: asset.favorite,
    error: asset.error,
    expiresAt: kept ? null : new Date(asset.createdAt.getTime() + expiry.retentionDays * 86_400_000).toISOString(),
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
  };
}
