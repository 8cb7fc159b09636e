import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../shared/http/errors";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { newId } from "../../../shared/ids";
import { createRouter } from "../context";

/**
 * Development only (404 in production): the baseline of `npm run bench:upload`, the request's own
 * body stream handed to R2's put (the runtime moves the bytes; no JavaScript touches them), with
 * no hashing, typing or records, then deleted again.
 */
export const devMediaRoutes = createRouter();

devMediaRoutes.use(async (c, next) => {
  if (!c.get("deps").config.usesDevMailbox) throw new ApiError(404, "not_found", "No such route");
  await next();
});

devMediaRoutes.openapi(
  createRoute({
    method: "post",
    path: "/direct-put",
    tags: ["development"],
    summary: "Put the body straight into R2 (benchmark baseline, development only)",
    request: { body: { required: true, content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } } },
    responses: { 200: jsonResponse(z.object({ size: z.number().int() }), "Stored and deleted"), ...problemResponses(404, 411) },
  }),
  async (c) => {
    const length = Number(c.req.header("content-length"));
    const body = c.req.raw.body;
    if (!body || !Number.isSafeInteger(length) || length <= 0) throw new ApiError(411, "length_required", "Send the bytes with a content-length");
    const key = `bench/direct/${newId()}`;
    const object = await c.get("deps").files.put(key, body);
    await c.get("deps").files.delete(key);
    return c.json({ size: object?.size ?? 0 }, 200);
  },
);
