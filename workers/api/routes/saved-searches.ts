import { z } from "@hono/zod-openapi";
import { badRequest } from "../../../shared/http/errors";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { MAX_SAVED_SEARCHES, mySavedSearches, removeSavedSearch, saveSearch } from "../../../shared/jobs-board/saved-searches/saved-searches";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { SearchQuery, toSearch } from "./vacancies";

const tags = ["jobs"];

const SavedSearchSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    query: z.record(z.string(), z.string()).openapi({ description: "The query parameters of GET /v1/vacancies, as saved" }),
    digestedAt: z.string().openapi({ description: "Vacancies published after this are in the next daily digest" }),
    createdAt: z.string(),
  })
  .openapi("SavedSearch");

const SaveBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    query: z
      .record(z.string().max(40), z.string().max(600))
      .openapi({ description: "The query parameters of `GET /v1/vacancies` (q, tags, salaryMin, currency, lat, lng, radiusKm, remote, ...), as strings" }),
  })
  .strict()
  .openapi("SavedSearchRequest");

/** Mounted at /v1/me/saved-searches. */
export const savedSearchRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Save a vacancy search for the daily digest",
      description: `The same query parameters as \`GET /v1/vacancies\` (checked the same way: \`400\` for a bad one; \`sort\`, \`cursor\` and \`limit\` are ignored: the digest lists the newest). A daily e-mail lists vacancies published since the last one. At most ${MAX_SAVED_SEARCHES}: \`409 too_many_saved_searches\`.`,
      request: { body: jsonBody(SaveBody) },
      responses: { 201: jsonResponse(SavedSearchSchema, "Saved"), ...problemResponses(400, 401, 409) },
    }),
    async (c) => {
      const { name, query } = c.req.valid("json");
      const { sort: _sort, cursor: _cursor, limit: _limit, ...kept } = query;
      const parsed = SearchQuery.safeParse(kept);
      if (!parsed.success)
        throw badRequest(
          "invalid_body",
          "The saved query is not a valid vacancy search",
          parsed.error.issues.map((issue) => ({ path: ["query", ...issue.path].join("."), message: issue.message })),
        );
      return c.json(await saveSearch(c.get("deps"), c.get("principal").userId, name, kept, toSearch(parsed.data)), 201);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Your saved searches, newest first",
      responses: {
        200: jsonResponse(z.object({ items: z.array(SavedSearchSchema) }).openapi("SavedSearchList"), "Your saved searches"),
        ...problemResponses(401),
      },
    }),
    async (c) => c.json({ items: await mySavedSearches(c.get("deps"), c.get("principal").userId) }, 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a saved search (yours; others' are 404)",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await removeSavedSearch(c.get("deps"), c.get("principal").userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
