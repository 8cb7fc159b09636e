import { z } from "@hono/zod-openapi";
import { ASSET_SOURCES, ASSET_STATUSES, ASSET_TYPES } from "../../../shared/db/schema/studio";

/** Schemas of the studio's records, shared by the studio route files. */

export const ProjectSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), updatedAt: z.string() }).openapi("StudioProject");

export const BoxSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    orderIndex: z.number().int(),
    headlinerAssetId: z.string().nullable(),
    unreadComments: z.number().int().openapi({ description: "Comments from share-link visitors the owner has not marked read" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("StudioBox");

export const AssetSchema = z
  .object({
    id: z.string(),
    boxId: z.string(),
    type: z.enum(ASSET_TYPES),
    status: z.enum(ASSET_STATUSES),
    source: z.enum(ASSET_SOURCES),
    fileId: z.string().nullable().openapi({ description: "The media file of the result (GET /v1/files/{id}/content)" }),
    thumbnailFileId: z.string().nullable(),
    prompt: z.string(),
    modelId: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    seed: z.number().int().nullable(),
    parentAssetId: z.string().nullable(),
    favorite: z.boolean(),
    error: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: "When retention deletes it (STUDIO_RETENTION_DAYS after creation); null for favourites and headliners" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("StudioAsset");

export const Name = z.string().trim().min(1).max(200);
