import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { companyFollowers, companyFollowState, followCompany, followedCompanies } from "../../../shared/jobs-board/companies/follows";
import { profileViewerOf } from "../../../shared/jobs-board/profiles/profiles";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["jobs"];

const CompanyFollow = z.object({ companyId: z.string(), following: z.boolean(), followerCount: z.number().int() }).openapi("CompanyFollow");

const FollowedCompanyPage = z
  .object({
    items: z.array(
      z
        .object({ companyId: z.string(), name: z.string(), iconUrl: z.string().nullable(), verified: z.boolean(), followedAt: z.string() })
        .openapi("FollowedCompany"),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("FollowedCompanyPage");

const CompanyFollowerPage = z
  .object({
    items: z.array(
      z
        .object({ userId: z.string(), displayName: z.string(), avatarUrl: z.string().nullable(), headline: z.string(), followedAt: z.string() })
        .openapi("CompanyFollower"),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("CompanyFollowerPage");

function followRoute(method: "get" | "put" | "delete", summary: string) {
  return authedRoute({
    method,
    path: "/{id}/follow",
    tags,
    summary,
    description: "Answers whether you follow the company and how many people do; repeating is harmless. An unknown company: `404`.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(CompanyFollow, "Your follow of the company"), ...problemResponses(400, 401, 404) },
  });
}

/** Mounted at /v1/companies beside the company routes. */
export const companyFollowRoutes = createRouter()
  .openapi(followRoute("get", "Whether you follow a company, and its follower count"), async (c) =>
    c.json(await companyFollowState(c.get("deps"), c.get("principal").userId, c.req.valid("param").id), 200),
  )
  .openapi(followRoute("put", "Follow a company"), async (c) =>
    c.json(await followCompany(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, true), 200),
  )
  .openapi(followRoute("delete", "Unfollow a company"), async (c) =>
    c.json(await followCompany(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, false), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/followers",
      tags,
      summary: "Who follows a company, newest follow first",
      description:
        "The company's owners and recruiters, and admins (`?limit&cursor`); anyone else `403 forbidden`, an unknown company `404`. Followers whose profile you may not see (their `visibility`, e.g. `hidden`) are left out.",
      request: { params: IdParam, query: PageQuery },
      responses: { 200: jsonResponse(CompanyFollowerPage, "A page of followers"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      return c.json(await companyFollowers(c.get("deps"), profileViewerOf(c.get("principal")), c.req.valid("param").id, cursor, limit), 200);
    },
  );

/** Mounted at /v1/me/followed-companies. */
export const followedCompanyRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/",
    tags,
    summary: "The companies you follow, newest follow first",
    description: "Only you see them (`?limit&cursor`).",
    request: { query: PageQuery },
    responses: { 200: jsonResponse(FollowedCompanyPage, "A page of companies"), ...problemResponses(400, 401) },
  }),
  async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(await followedCompanies(c.get("deps"), c.get("principal").userId, cursor, limit), 200);
  },
);
