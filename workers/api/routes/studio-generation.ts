import { z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { generateAssets } from "../../../shared/studio/generation/generate";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AssetSchema } from "./studio-schemas";

const tags = ["studio"];

const GenerateBody = z
  .object({
    modelId: z.string().min(1).max(64),
    prompt: z.string().trim().min(1).max(4000),
    params: z.record(z.string(), z.unknown()).optional().openapi({ description: "Checked against the model's paramsSchema (GET /v1/studio/models)" }),
    count: z.number().int().min(1).max(8).optional().openapi({ description: "How many assets to generate (default 1), each with its own seed" }),
    parentAssetId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "A completed image asset of yours to start from (image to video: source img2vid)" }),
  })
  .strict()
  .openapi("StudioGenerateRequest");

export const studioGenerationRoutes = createRouter().openapi(
  authedRoute({
    method: "post",
    path: "/boxes/{id}/generate",
    tags,
    summary: "Generate assets in a box",
    description:
      "Stores `count` assets with status `pending` and queues their generation; each then moves to `processing` and to `completed` (with `fileId` and `thumbnailFileId`) or `failed` (with `error`), and the owner's hub gets `asset.updated` on every change. Params that fail the model's schema, or that would make a segment of its endpoint path `.` or `..`: `400 invalid_params`. More than STUDIO_MAX_CONCURRENT_GENERATIONS running at once (pending or processing assets, and provider tasks of deleted assets until they are cancelled or end): `429 generation_limit`.",
    request: { params: IdParam, body: jsonBody(GenerateBody) },
    responses: { 202: jsonResponse(z.object({ items: z.array(AssetSchema) }), "The pending assets"), ...problemResponses(400, 401, 404, 415, 429) },
  }),
  async (c) => {
    const items = await generateAssets(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ items }, 202);
  },
);
