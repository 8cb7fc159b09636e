import { createRoute, z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { commentAsOwner, commentThroughLink, listBoxComments, markCommentsRead } from "../../../shared/studio/sharing/comments";
import { createShareLink, projectShareLinks, revokeShareLink, sharedProject } from "../../../shared/studio/sharing/share-links";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { commentFormPost, sharePageOnHtml, sharePageStylesheet } from "./studio-share-page";

const tags = ["studio"];

const Token = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/);
const TokenParam = z.object({ token: Token.openapi({ param: { name: "token", in: "path" } }) });
const SharedBoxParams = TokenParam.extend({
  boxId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "boxId", in: "path" } }),
});

const ShareBody = z
  .object({
    expiresInSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 86_400)
      .optional()
      .openapi({ description: "Without it the link works until it is revoked" }),
  })
  .strict()
  .openapi("StudioShareRequest");
const ShareLinkSchema = z
  .object({
    id: z.string(),
    token: z.string().openapi({ description: "Shown only now: the platform keeps only its hash" }),
    url: z.string().openapi({ description: "The shared view's API address (JSON; a browser opening it gets the page too)" }),
    pageUrl: z.string().openapi({ description: "The shared project's web page (`/studio/shared/{token}` on APP_BASE_URL): the address to hand to people" }),
    expiresAt: z.string().nullable(),
  })
  .openapi("StudioShareLink");

const ShareLinkList = z
  .object({ items: z.array(z.object({ id: z.string(), expiresAt: z.string().nullable(), expired: z.boolean(), createdAt: z.string() })) })
  .openapi("StudioShareLinkList");
const TokenOrIdParam = z.object({
  token: z
    .string()
    .min(16)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/)
    .openapi({ param: { name: "token", in: "path" }, description: "The link's token, or its id from the project's list" }),
});

const SharedAsset = z
  .object({
    id: z.string(),
    type: z.enum(["image", "video"]),
    prompt: z.string(),
    modelId: z.string().nullable(),
    modelName: z.string().nullable(),
    url: z.string().openapi({ description: "Signed content URL, valid until urlsExpireAt" }),
    thumbnailUrl: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("StudioSharedAsset");
const SharedProject = z
  .object({
    project: z.object({ id: z.string(), name: z.string() }),
    boxes: z.array(
      z.object({ id: z.string(), name: z.string(), orderIndex: z.number().int(), headlinerAssetId: z.string().nullable(), assets: z.array(SharedAsset) }),
    ),
    urlsExpireAt: z.string(),
  })
  .openapi("StudioSharedProject");

const CommentSchema = z
  .object({ id: z.string(), boxId: z.string(), authorName: z.string(), text: z.string(), byOwner: z.boolean(), createdAt: z.string() })
  .openapi("StudioComment");
const CommentPage = z.object({ items: z.array(CommentSchema), nextCursor: z.string().nullable() }).openapi("StudioCommentPage");
const CommentText = z.string().trim().min(1).max(4000);
const VisitorCommentBody = z
  .object({ authorName: z.string().trim().min(1).max(100), text: CommentText })
  .strict()
  .openapi("StudioVisitorComment");
const OwnerCommentBody = z.object({ text: CommentText }).strict().openapi("StudioOwnerComment");

const router = createRouter();
// Before the API routes: the share link's page for browsers, and its form posts (studio-share-page.ts).
router.get("/share-page.css", sharePageStylesheet);
router.use("/shared/:token", sharePageOnHtml);
router.use("/shared/:token/boxes/:boxId/comments", commentFormPost);

/** Mounted at /v1/studio: share links, the shared view (JSON, or a page for browsers), comments. */
export const studioSharingRoutes = router
  .openapi(
    authedRoute({
      method: "post",
      path: "/projects/{id}/shares",
      tags,
      summary: "Create a read-only share link to a project",
      request: { params: IdParam, body: jsonBody(ShareBody) },
      responses: { 201: jsonResponse(ShareLinkSchema, "The link; its token is never shown again"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await createShareLink(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").expiresInSeconds), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/projects/{id}/shares",
      tags,
      summary: "The project's share links (without their tokens, which are not stored)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ShareLinkList, "The links, newest first"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await projectShareLinks(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/shares/{token}",
      tags,
      summary: "Revoke a share link: it stops working at once",
      description: "Names the link by its token, or by its `id` (GET /v1/studio/projects/{id}/shares) when the token is lost.",
      request: { params: TokenOrIdParam },
      responses: { 204: { description: "Revoked" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      await revokeShareLink(c.get("deps"), c.req.valid("param").token, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/shared/{token}",
      tags,
      summary: "A shared project, read-only, without an account",
      description:
        "Boxes in order with their newest completed assets (at most 100 each) and signed file URLs that work for 15 minutes (or until the link expires). Unknown or revoked: `404`; expired: `410 share_expired`. A request whose `Accept` names `text/html` (a browser opening the link) gets the server-rendered page instead: the boxes, prompts and comments, and a comment form that posts here urlencoded.",
      request: { params: TokenParam },
      responses: { 200: jsonResponse(SharedProject, "The project"), ...problemResponses(400, 404, 410) },
    }),
    async (c) => c.json(await sharedProject(c.get("deps"), c.req.valid("param").token), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/shared/{token}/boxes/{boxId}/comments",
      tags,
      summary: "Comment on a box through a share link",
      description: "Rate limited per link (`RATE_LIMIT_STUDIO_COMMENTS_PER_LINK`) and per IP (`RATE_LIMIT_STUDIO_COMMENTS_PER_IP`).",
      request: { params: SharedBoxParams, body: jsonBody(VisitorCommentBody) },
      responses: { 201: jsonResponse(CommentSchema, "The comment"), ...problemResponses(400, 404, 410, 429) },
    }),
    async (c) => {
      const { token, boxId } = c.req.valid("param");
      return c.json(await commentThroughLink(c.get("deps"), token, boxId, clientInfo(c.req.raw).ip, c.req.valid("json")), 201);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/boxes/{id}/comments",
      tags,
      summary: "The box's comments, newest first",
      request: { params: IdParam, query: PageQuery },
      responses: { 200: jsonResponse(CommentPage, "A page of comments"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      return c.json(await listBoxComments(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, query.cursor, query.limit), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/boxes/{id}/comments",
      tags,
      summary: "Comment on your own box",
      request: { params: IdParam, body: jsonBody(OwnerCommentBody) },
      responses: { 201: jsonResponse(CommentSchema, "The comment"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const user = c.get("currentUser");
      return c.json(
        await commentAsOwner(c.get("deps"), c.req.valid("param").id, { id: user.id, displayName: user.displayName }, c.req.valid("json").text),
        201,
      );
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/boxes/{id}/comments/read",
      tags,
      summary: "Mark every comment of the box read (unreadComments becomes 0)",
      request: { params: IdParam },
      responses: { 204: { description: "Marked" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await markCommentsRead(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  );
