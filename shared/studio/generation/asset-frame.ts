import { z } from "zod";
import { ASSET_SOURCES, ASSET_STATUSES, ASSET_TYPES } from "../../db/schema/studio";

/** An asset as the hub's `asset.updated` frame carries it (the same fields as the REST asset). */
export const AssetFrameSchema = z.object({
  id: z.string(),
  boxId: z.string(),
  type: z.enum(ASSET_TYPES),
  status: z.enum(ASSET_STATUSES),
  source: z.enum(ASSET_SOURCES),
  fileId: z.string().nullable(),
  thumbnailFileId: z.string().nullable(),
  prompt: z.string(),
  modelId: z.string().nullable(),
  modelName: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int().nullable(),
  parentAssetId: z.string().nullable(),
  editConfigVersion: z.number().int().nullable().describe("The Smart Edit configuration version that framed an edit's prompt; null otherwise"),
  favorite: z.boolean(),
  error: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
