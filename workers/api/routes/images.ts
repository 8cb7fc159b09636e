import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { editImage, galleryImage, galleryPage, likeImage, publishImage, removeImage } from "../../../shared/media/gallery";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";
import { FileSchema } from "./files";

const tags = ["gallery"];
const optionalBearer = [...bearerSecurity, {}];

export const ImageSchema = z
  .object({
    id: z.string(),
    owner: z.object({ id: z.string(), displayName: z.string() }),
    file: FileSchema,
    title: z.string(),
    description: z.string().nullable(),
    tags: z.array(z.string()),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    likeCount: z.number().int(),
    likedByMe: z.boolean().openapi({ description: "Always false without a token" }),
    visibility: z.enum(["public", "private"]).openapi({ description: "`private`: only its owner sees it; to anyone else it does not exist (404)" }),
    variants: z.array(z.object({ width: z.number().int(), height: z.number().int(), url: z.string() }).openapi("ImageVariant")).openapi({
      description:
        "Resized copies to pick from (`srcset`), smallest first, each with the size it really has: every variant size below the picture's width, then the picture at its own width (at most 2048). The first (32 px) serves as a blurred placeholder. Empty when the picture's size is unknown. Public: no token needed.",
    }),
    createdAt: z.string(),
  })
  .openapi("Image");

const ImagePage = z.object({ items: z.array(ImageSchema), nextCursor: z.string().nullable() }).openapi("ImagePage");

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N}_-]+$/u, "Letters, digits, _ and - only");

const PublishBody = z
  .object({
    fileId: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).optional(),
    tags: z.array(Tag).max(20).optional(),
  })
  .strict()
  .openapi("PublishImageRequest");

const EditBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5000).nullable().optional(),
    tags: z.array(Tag).max(20).optional(),
    visibility: z.enum(["public", "private"]).optional(),
  })
  .strict()
  .openapi("EditImageRequest");

const FeedQuery = PageQuery.extend({ tag: Tag.optional().openapi({ param: { name: "tag", in: "query" } }) });

function likeRoute(method: "put" | "delete", summary: string) {
  return authedRoute({
    method,
    path: "/{id}/like",
    tags,
    summary,
    description:
      "Answers the image with its new `likeCount`; repeating is harmless. The count is recomputed from the likes in the same transaction, so concurrent likes never lose one.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ImageSchema, "The image"), ...problemResponses(401, 404) },
  });
}

export const imageRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Put one of your image files in the gallery",
      description: "The file must be yours and uploaded with `purpose=image`; it becomes public. A file already in the gallery: `409 already_published`.",
      request: { body: jsonBody(PublishBody) },
      responses: { 201: jsonResponse(ImageSchema, "The image"), ...problemResponses(400, 401, 404, 409, 415) },
    }),
    async (c) => c.json(await publishImage(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/feed",
      tags,
      summary: "The gallery, newest first",
      description: "No token needed; with one, `likedByMe` says whether the caller likes each image.",
      security: optionalBearer,
      request: { query: FeedQuery },
      responses: { 200: jsonResponse(ImagePage, "A page of images"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      const query = c.req.valid("query");
      return c.json(await galleryPage(c.get("deps"), { tag: query.tag }, query.cursor, query.limit, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One gallery image",
      description: "A private image answers only its owner; anyone else gets `404`.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: { 200: jsonResponse(ImageSchema, "The image"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json(await galleryImage(c.get("deps"), c.req.valid("param").id, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit your image: title, description, tags, who sees it",
      description:
        "Only the fields given change; `tags` replaces the tags. `visibility: private` takes it out of the feed and its page (404 to anyone but you); its file turns private too, under the same rule as removing the image. Someone else's image: `403` (a private one: `404`).",
      request: { params: IdParam, body: jsonBody(EditBody) },
      responses: { 200: jsonResponse(ImageSchema, "The image"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await editImage(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Remove an image from the gallery (owner or moderator)",
      description:
        "The file stays. It is private again unless its owner had made it public before publishing it, or an avatar, a company icon or a video thumbnail uses it (a file stays readable as long as anything public refers to it).",
      request: { params: IdParam },
      responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeImage(c.get("deps"), c.req.valid("param").id, c.get("principal"));
      return c.body(null, 204);
    },
  )
  .openapi(likeRoute("put", "Like an image"), async (c) =>
    c.json(await likeImage(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, true), 200),
  )
  .openapi(likeRoute("delete", "Unlike an image"), async (c) =>
    c.json(await likeImage(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, false), 200),
  );

/** Mounted at /v1/users: one user's gallery. */
export const userImageRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{id}/images",
    tags,
    summary: "One user's gallery images, newest first",
    security: optionalBearer,
    request: { params: IdParam, query: PageQuery },
    responses: { 200: jsonResponse(ImagePage, "A page of images"), ...problemResponses(400, 401) },
  }),
  async (c) => {
    const viewer = await optionalPrincipal(c);
    const query = c.req.valid("query");
    return c.json(await galleryPage(c.get("deps"), { ownerId: c.req.valid("param").id }, query.cursor, query.limit, viewer?.userId ?? null), 200);
  },
);
