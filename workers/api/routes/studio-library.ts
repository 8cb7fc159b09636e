import { z } from "@hono/zod-openapi";
import { ASSET_STATUSES, ASSET_TYPES } from "../../../shared/db/schema/studio";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { addUploadedAsset, deleteAsset, getAsset, listBoxAssets, listProjectAssets, updateAsset } from "../../../shared/studio/library/assets";
import {
  createBox,
  createProject,
  deleteBox,
  deleteProject,
  getProject,
  listProjects,
  projectBoxes,
  renameProject,
  reorderBoxes,
  updateBox,
} from "../../../shared/studio/library/projects";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AssetSchema, BoxSchema, Name, ProjectSchema } from "./studio-schemas";

const tags = ["studio"];

const ProjectPage = z.object({ items: z.array(ProjectSchema), nextCursor: z.string().nullable() }).openapi("StudioProjectPage");
const BoxList = z.object({ items: z.array(BoxSchema) }).openapi("StudioBoxList");
const AssetPage = z.object({ items: z.array(AssetSchema), nextCursor: z.string().nullable() }).openapi("StudioAssetPage");

const NameBody = z.object({ name: Name }).strict().openapi("StudioNameRequest");
const OrderBody = z
  .object({ boxIds: z.array(z.string().min(1).max(64)).max(1000) })
  .strict()
  .openapi("StudioBoxOrderRequest");
const BoxPatch = z
  .object({ name: Name.optional(), headlinerAssetId: z.string().min(1).max(64).nullable().optional() })
  .strict()
  .openapi("StudioBoxUpdate");
const AssetPatch = z.object({ favorite: z.boolean().optional() }).strict().openapi("StudioAssetUpdate");
const UploadedAssetBody = z
  .object({ fileId: z.string().min(1).max(64) })
  .strict()
  .openapi("StudioUploadedAssetRequest");

const AssetQuery = PageQuery.extend({
  type: z
    .enum(ASSET_TYPES)
    .optional()
    .openapi({ param: { name: "type", in: "query" } }),
  status: z
    .enum(ASSET_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
  favorite: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ param: { name: "favorite", in: "query" } }),
  q: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Words of the prompt (each matches as a prefix; operators are plain text)" }),
});

/** Mounted at /v1/studio: projects, boxes and assets of the caller. */
export const studioLibraryRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/projects",
      tags,
      summary: "Create a project",
      request: { body: jsonBody(NameBody) },
      responses: { 201: jsonResponse(ProjectSchema, "The project"), ...problemResponses(400, 401) },
    }),
    async (c) => c.json(await createProject(c.get("deps"), c.get("principal").userId, c.req.valid("json").name), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/projects",
      tags,
      summary: "Your projects, newest first",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(ProjectPage, "A page of projects"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      return c.json(await listProjects(c.get("deps"), c.get("principal").userId, query.cursor, query.limit), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/projects/{id}",
      tags,
      summary: "One of your projects",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ProjectSchema, "The project"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getProject(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/projects/{id}",
      tags,
      summary: "Rename a project",
      request: { params: IdParam, body: jsonBody(NameBody) },
      responses: { 200: jsonResponse(ProjectSchema, "The project"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await renameProject(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").name), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/projects/{id}",
      tags,
      summary: "Delete a project with its boxes, assets, comments and share links",
      description: "The assets' files go with them; bytes nobody else references are freed by the media cleanup.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await deleteProject(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/projects/{id}/boxes",
      tags,
      summary: "Add a box after the project's last one",
      request: { params: IdParam, body: jsonBody(NameBody) },
      responses: { 201: jsonResponse(BoxSchema, "The box"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await createBox(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").name), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/projects/{id}/boxes",
      tags,
      summary: "The project's boxes in orderIndex order",
      request: { params: IdParam },
      responses: { 200: jsonResponse(BoxList, "The boxes"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await projectBoxes(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/projects/{id}/assets",
      tags,
      summary: "The assets of every box of the project, newest first",
      description: "The same filters as a box's list: `?type&status&favorite&q`, pages with `?limit&cursor`.",
      request: { params: IdParam, query: AssetQuery },
      responses: { 200: jsonResponse(AssetPage, "A page of assets"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await listProjectAssets(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("query")), 200),
  )
  .openapi(
    authedRoute({
      method: "put",
      path: "/projects/{id}/boxes/order",
      tags,
      summary: "Reorder every box of the project in one request",
      description: "`boxIds` lists every box of the project exactly once; anything else is `400 invalid_order`.",
      request: { params: IdParam, body: jsonBody(OrderBody) },
      responses: { 200: jsonResponse(BoxList, "The boxes in their new order"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await reorderBoxes(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").boxIds), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/boxes/{id}",
      tags,
      summary: "Rename a box or set its headliner",
      description: "`headlinerAssetId` must be an asset of this box (`400 invalid_headliner`), or null to clear it.",
      request: { params: IdParam, body: jsonBody(BoxPatch) },
      responses: { 200: jsonResponse(BoxSchema, "The box"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await updateBox(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/boxes/{id}",
      tags,
      summary: "Delete a box with its assets and comments",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await deleteBox(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/boxes/{id}/assets",
      tags,
      summary: "The box's assets, newest first",
      request: { params: IdParam, query: AssetQuery },
      responses: { 200: jsonResponse(AssetPage, "A page of assets"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await listBoxAssets(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("query")), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/boxes/{id}/assets",
      tags,
      summary: "Add one of your image or video files to the box",
      description: "The asset (source `uploaded`) keeps its own reference to the bytes: deleting the original file later does not affect it.",
      request: { params: IdParam, body: jsonBody(UploadedAssetBody) },
      responses: { 201: jsonResponse(AssetSchema, "The asset"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await addUploadedAsset(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").fileId), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/assets/{id}",
      tags,
      summary: "One of your assets",
      request: { params: IdParam },
      responses: { 200: jsonResponse(AssetSchema, "The asset"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getAsset(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/assets/{id}",
      tags,
      summary: "Mark an asset favourite (kept by retention) or not",
      request: { params: IdParam, body: jsonBody(AssetPatch) },
      responses: { 200: jsonResponse(AssetSchema, "The asset"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await updateAsset(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/assets/{id}",
      tags,
      summary: "Delete an asset and its files",
      description:
        "A generation that already reached its provider keeps its slot of STUDIO_MAX_CONCURRENT_GENERATIONS until the provider's task is cancelled (where the model has a cancel request), ends, or times out.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await deleteAsset(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  );
