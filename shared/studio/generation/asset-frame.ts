import { z } from "zod";

/** An asset as the hub's `asset.updated` frame carries it (the same fields as the REST asset). */
export const AssetFrameSchema = z.object({
  id: z.string(),
  boxId: z.string(),
  type: z.enum(["image", "video"]),
  status: z.enum(["pending", "processing", "completed", "failed"]),
  source: z.enum(["generated", "uploaded", "img2vid"]),
  fileId: z.string().nullable(),
  thumbnailFileId: z.string().nullable(),
  prompt: z.string(),
  modelId: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int().nullable(),
  parentAssetId: z.string().nullable(),
  favorite: z.boolean(),
  error: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
