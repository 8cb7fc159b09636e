import { z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { deleteStudioItem, hideStudioItem, listStudioItems, unhideStudioItem } from "../../../shared/studio/administration/operator-actions";
import { STUDIO_ITEM_KINDS } from "../../../shared/studio/administration/records";
import { createRouter } from "../context";
import { moderatorRoute } from "../middleware/auth";

const tags = ["studio"];

const KindParam = z.object({
  kind: z.enum(STUDIO_ITEM_KINDS).openapi({ param: { name: "kind", in: "path" }, description: "projects, boxes, assets or comments" }),
});
const ItemParams = KindParam.extend({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const ItemsQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "A substring of the name, prompt or comment (or its author), or of the owner's e-mail; case-insensitive" }),
  hidden: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ param: { name: "hidden", in: "query" }, description: "`true`: hidden rows only; `false`: visible rows only" }),
});

const StudioItem = z
  .object({
    kind: z.enum(STUDIO_ITEM_KINDS),
    id: z.string(),
    owner: z.object({ id: z.string(), email: z.string().nullable(), displayName: z.string().nullable() }),
    text: z.string().openapi({ description: "A project's or box's name, an asset's prompt, a comment's text" }),
    detail: z.string().nullable().openapi({ description: "An asset's type and status; a comment's author name" }),
    projectId: z.string().nullable(),
    boxId: z.string().nullable(),
    fileId: z.string().nullable().openapi({ description: "An asset's thumbnail file" }),
    hidden: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
    createdAt: z.string(),
  })
  .openapi("StudioAdminItem");
const StudioItemPage = z.object({ items: z.array(StudioItem), nextCursor: z.string().nullable() }).openapi("StudioAdminItemPage");

const Reason = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .strict()
  .openapi("StudioAdminReason");

/** Mounted at /v1/admin/studio: moderators and admins over every user's studio (docs/studio.md#administration). */
export const studioAdminRoutes = createRouter()
  .openapi(
    moderatorRoute({
      method: "get",
      path: "/{kind}",
      tags,
      summary: "Every user's projects, boxes, assets or comments (moderators, admins)",
      description: "Newest first, with the owner and whether an operator hid the row. Others: `403`.",
      request: { params: KindParam, query: ItemsQuery },
      responses: { 200: jsonResponse(StudioItemPage, "A page of rows"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { q, hidden, cursor, limit } = c.req.valid("query");
      return c.json(await listStudioItems(c.get("deps"), c.get("principal"), c.req.valid("param").kind, { q, hidden }, cursor, limit), 200);
    },
  )
  .openapi(
    moderatorRoute({
      method: "post",
      path: "/{kind}/{id}/hide",
      tags,
      summary: "Hide a row from share links (moderators, admins)",
      description:
        "A hidden project's share links answer `404`; a hidden box, asset or comment is left out of its project's shared view. The owner still sees it. Audit logged (`studio.item_hidden`) with the reason.",
      request: { params: ItemParams, body: jsonBody(Reason) },
      responses: { 204: { description: "Hidden" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      await hideStudioItem(c.get("deps"), { principal: c.get("principal"), client: clientInfo(c.req.raw) }, kind, id, c.req.valid("json").reason);
      return c.body(null, 204);
    },
  )
  .openapi(
    moderatorRoute({
      method: "post",
      path: "/{kind}/{id}/unhide",
      tags,
      summary: "Show a hidden row again (moderators, admins)",
      description: "Audit logged (`studio.item_unhidden`); a row that is not hidden stays as it is.",
      request: { params: ItemParams },
      responses: { 204: { description: "Visible" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      await unhideStudioItem(c.get("deps"), { principal: c.get("principal"), client: clientInfo(c.req.raw) }, kind, id);
      return c.body(null, 204);
    },
  )
  .openapi(
    moderatorRoute({
      method: "delete",
      path: "/{kind}/{id}",
      tags,
      summary: "Delete a row with a reason (moderators, admins)",
      description:
        "Through the owner's own delete: a project with its boxes, assets, files, comments and share links; a box with its assets and comments; an asset with its files. Audit logged (`studio.item_deleted`) with the operator, the owner and the reason.",
      request: { params: ItemParams, body: jsonBody(Reason) },
      responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      await deleteStudioItem(c.get("deps"), { principal: c.get("principal"), client: clientInfo(c.req.raw) }, kind, id, c.req.valid("json").reason);
      return c.body(null, 204);
    },
  );
