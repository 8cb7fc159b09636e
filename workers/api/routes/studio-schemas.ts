import { z } from "@hono/zod-openapi";
import { AssetFrameSchema } from "../../../shared/studio/generation/asset-frame";

/** Schemas of the studio's records, shared by the studio route files. */

export const ProjectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    boxCount: z.number().int().openapi({ description: "How many boxes the project has" }),
    assetCount: z.number().int().openapi({ description: "How many assets its boxes hold, in every status" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("StudioProject");

export const BoxSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    orderIndex: z.number().int(),
    headlinerAssetId: z.string().nullable(),
    unreadComments: z.number().int().openapi({ description: "Comments from share-link visitors the owner has not marked read" }),
    assetCount: z.number().int().openapi({ description: "How many assets the box holds, in every status" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("StudioBox");

/** The REST asset: the hub frame's fields (the same shape), with their descriptions. */
export const AssetSchema = AssetFrameSchema.extend({
  modelName: z.string().nullable().openapi({ description: "The model's name (for people); null for uploads and models no longer offered" }),
  fileId: z.string().nullable().openapi({ description: "The media file of the result (GET /v1/files/{id}/content)" }),
  expiresAt: z
    .string()
    .nullable()
    .openapi({ description: "When retention deletes it (STUDIO_RETENTION_DAYS after creation); null for favourites and headliners" }),
}).openapi("StudioAsset");

export const Name = z.string().trim().min(1).max(200);
