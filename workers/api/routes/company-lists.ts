import { z } from "@hono/zod-openapi";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { moderationCompanies, myCompanies } from "../../../shared/jobs-board/companies/company-lists";
import { CompanySchema } from "../../../shared/jobs-board/schemas";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["jobs"];

export const CompanyPage = z.object({ items: z.array(CompanySchema), nextCursor: z.string().nullable() }).openapi("CompanyPage");

const MyCompany = CompanySchema.extend({ myRole: z.enum(["owner", "recruiter"]) }).openapi("MyCompany");

const ModerationCompany = z
  .object({
    company: CompanySchema,
    members: z.array(z.object({ userId: z.string(), displayName: z.string().nullable(), role: z.enum(["owner", "recruiter"]) })),
    history: z
      .array(z.object({ kind: z.enum(["requested", "approved", "rejected", "reset"]), text: z.string().nullable(), at: z.string() }))
      .openapi({ description: "The last 10 verification events, newest first: requests with the owner's note, decisions with the reason, resets by edits" }),
  })
  .openapi("ModerationCompany");

/** Mounted at /v1/me/companies. */
export const myCompanyRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/",
    tags,
    summary: "The companies you belong to, with your role",
    responses: { 200: jsonResponse(z.object({ items: z.array(MyCompany) }).openapi("MyCompanyList"), "Your companies"), ...problemResponses(401) },
  }),
  async (c) => c.json({ items: await myCompanies(c.get("deps"), c.get("principal").userId) }, 200),
);

/** Mounted at /v1/moderation/companies. */
export const companyModerationRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Companies by verification status, first asked first (moderators, admins)",
    description:
      "Default `status=pending`: the verification queue, each company with the owner's note, its members by name and its verification history. Decide with `POST /v1/companies/{id}/verification/approve|reject`. Others: `403`.",
    request: {
      query: PageQuery.extend({
        status: z
          .enum(["none", "pending", "verified", "rejected"])
          .default("pending")
          .openapi({ param: { name: "status", in: "query" } }),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(ModerationCompany), nextCursor: z.string().nullable() }).openapi("ModerationCompanyPage"), "The queue"),
      ...problemResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { status, cursor, limit } = c.req.valid("query");
    return c.json(await moderationCompanies(c.get("deps"), c.get("principal"), status, cursor, limit), 200);
  },
);
