import { z } from "@hono/zod-openapi";
import { HINT_SUBJECTS } from "../../../shared/db/schema/moderation-hints";
import { ModerationHintSchema } from "../../../shared/moderation-hints/model";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { keepModerationHint, moderationHint } from "../../../shared/moderation-hints/hints";
import { picturesToModerate } from "../../../shared/moderation-hints/pictures";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { ImageSchema } from "./images";

const tags = ["moderation"];

const HintParams = z.object({
  subject: z.enum(HINT_SUBJECTS).openapi({ param: { name: "subject", in: "path" }, description: "`image` (a gallery picture) or `video`" }),
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const PictureQuery = PageQuery.extend({
  hint: z
    .enum(["open"])
    .optional()
    .openapi({
      param: { name: "hint", in: "query" },
      description: "`open`: only pictures whose AI hint flags something (strongest label not `ok`) and that no moderator has kept yet",
    }),
});

const PicturePage = z
  .object({ items: z.array(ImageSchema.extend({ aiHint: ModerationHintSchema.nullable() })), nextCursor: z.string().nullable() })
  .openapi("ModerationPicturePage");

/** Mounted at /v1/moderation. */
export const moderationHintRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/hints/{subject}/{id}",
      tags,
      summary: "The AI moderation hint on a picture or video (moderators, admins)",
      description:
        "Asked for when a picture is published to the gallery or a video enters the moderation queue. `404` when there is none (hints off, or not asked for). Others: `403`.",
      request: { params: HintParams },
      responses: { 200: jsonResponse(ModerationHintSchema, "The hint"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { subject, id } = c.req.valid("param");
      return c.json(await moderationHint(c.get("deps"), c.get("principal"), subject, id), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/hints/{subject}/{id}/keep",
      tags,
      summary: "Keep the item: the AI hint on it was wrong (moderators, admins)",
      description:
        "Marks the hint `kept`, so the item leaves the open hints (`GET /v1/moderation/pictures?hint=open`), and records the audit event `moderation.hint_kept` naming the moderator. The picture or video itself is not touched. Keeping a kept hint answers it unchanged. `409 hint_pending` while the model has not answered; `404` when there is no hint; others, and a moderator's own upload: `403`.",
      request: { params: HintParams },
      responses: { 200: jsonResponse(ModerationHintSchema, "The hint, kept"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { subject, id } = c.req.valid("param");
      return c.json(await keepModerationHint(c.get("deps"), c.get("principal"), subject, id), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/pictures",
      tags,
      summary: "Gallery pictures to look over, with their AI hints (moderators, admins)",
      description:
        "Newest first; `?hint=open` only those an AI hint flags and no moderator has kept. A moderator removes a picture with DELETE /v1/images/{id}, or keeps it with POST /v1/moderation/hints/image/{id}/keep. Others: `403`.",
      request: { query: PictureQuery },
      responses: { 200: jsonResponse(PicturePage, "A page of pictures"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      return c.json(await picturesToModerate(c.get("deps"), c.get("principal"), query.cursor, query.limit, query.hint === "open"), 200);
    },
  );
