import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { addMember, createCompany, decideCompanyVerification, editCompany, getCompany, removeMember, submitVerification } from "../../../shared/jobs/companies/companies";
import { CompanySchema } from "../../../shared/jobs/schemas";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["jobs"];

const CompanyFields = {
  about: z.string().max(5000).optional(),
  website: z.string().max(2048).nullable().optional().openapi({ description: "An http(s) URL" }),
  iconFileId: z.string().min(1).max(64).nullable().optional().openapi({ description: "One of your image files (purpose company-icon or image); it becomes public. Deleting that file (or your account) clears the icon." }),
};

const CreateCompanyBody = z
  .object({ name: z.string().trim().min(1).max(120), ...CompanyFields })
  .strict()
  .openapi("CreateCompanyRequest");

const CompanyPatch = z
  .object({ name: z.string().trim().min(1).max(120).optional(), ...CompanyFields })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("CompanyPatch");

const MemberBody = z.object({ userId: z.string().min(1).max(64), role: z.enum(["owner", "recruiter"]) }).strict().openapi("CompanyMemberRequest");
const VerificationBody = z.object({ note: z.string().trim().min(1).max(2000) }).strict().openapi("VerificationRequest");
const DecisionBody = z.object({ reason: z.string().trim().max(2000).optional() }).strict().openapi("VerificationDecision");
const MemberParams = IdParam.extend({ userId: z.string().min(1).max(64).openapi({ param: { name: "userId", in: "path" } }) });

function decisionRoute(outcome: "approve" | "reject") {
  return authedRoute({
    method: "post",
    path: `/{id}/verification/${outcome}`,
    tags,
    summary: outcome === "approve" ? "Approve a company's verification (moderators, admins)" : "Reject a company's verification with a reason (moderators, admins)",
    description:
      "Only a pending request can be decided (`409 not_pending` otherwise). The decision is audit-logged and the company's owners get `company.verification` on their hub (`/v1/realtime`). Others: `403`.",
    request: { params: IdParam, body: { ...jsonBody(DecisionBody), required: false } },
    responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404, 409) },
  });
}

/** Mounted at /v1/companies. */
export const companyRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a company (you become its owner)",
      request: { body: jsonBody(CreateCompanyBody) },
      responses: { 201: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await createCompany(c.get("db"), c.get("principal").userId, c.req.valid("json"), new URL(c.req.url).origin), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "A company",
      description: "No token needed; members also see the verification note and the moderator's reason.",
      security: [...bearerSecurity, {}],
      request: { params: IdParam },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json(await getCompany(c.get("db"), c.req.valid("param").id, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit a company (owners and recruiters)",
      request: { params: IdParam, body: jsonBody(CompanyPatch) },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await editCompany(c.get("db"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json"), new URL(c.req.url).origin), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/members",
      tags,
      summary: "Add a member or change their role (owners)",
      description: "Demoting the last owner: `409 last_owner` (checked inside the UPDATE, so two owners demoting each other at once cannot both succeed). Audit logged on the member's trail: `company.member_added` or `company.role_changed`.",
      request: { params: IdParam, body: jsonBody(MemberBody) },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await addMember(c.get("db"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json"), clientInfo(c.req.raw)), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/members/{userId}",
      tags,
      summary: "Remove a member (owners)",
      description: "Removing the last owner: `409 last_owner` (checked inside the DELETE). Audit logged on the member's trail: `company.member_removed`.",
      request: { params: MemberParams },
      responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await removeMember(c.get("db"), id, c.get("principal").userId, userId, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/verification",
      tags,
      summary: "Ask for verification (owners)",
      description: "The company becomes `pending` with your note until a moderator decides. A verified company: `409 already_verified`.",
      request: { params: IdParam, body: jsonBody(VerificationBody) },
      responses: { 202: jsonResponse(CompanySchema, "The company, pending"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await submitVerification(c.get("db"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").note, clientInfo(c.req.raw)), 202),
  )
  .openapi(decisionRoute("approve"), async (c) =>
    c.json(await decideCompanyVerification(c.env, c.get("db"), c.req.valid("param").id, c.get("principal"), "verified", c.req.valid("json")?.reason ?? null, clientInfo(c.req.raw)), 200),
  )
  .openapi(decisionRoute("reject"), async (c) =>
    c.json(await decideCompanyVerification(c.env, c.get("db"), c.req.valid("param").id, c.get("principal"), "rejected", c.req.valid("json")?.reason ?? null, clientInfo(c.req.raw)), 200),
  );
