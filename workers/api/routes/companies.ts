import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { notFound } from "../../../shared/http/errors";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import {
  acceptMembership,
  addMember,
  closeCompany,
  companyInvitations,
  createCompany,
  decideCompanyVerification,
  dropInvitation,
  editCompany,
  getCompany,
  inviteMember,
  MAX_OPEN_INVITATIONS,
  myInvitations,
  removeMember,
  submitVerification,
} from "../../../shared/jobs-board/companies/companies";
import { CompanyInvitationSchema, CompanySchema } from "../../../shared/jobs-board/schemas";
import { PageQuery } from "../../../shared/http/pagination";
import { companyApplications } from "../../../shared/jobs-board/applications/applications";
import { companyVacancies, searchCompanies } from "../../../shared/jobs-board/companies/company-lists";
import { APPLICATION_STATUS_VALUES, VACANCY_STATUSES, VacancySchema } from "../../../shared/jobs-board/schemas";
import { createRouter } from "../context";
import { ApplicationPage } from "./applications";
import { CompanyPage } from "./company-lists";

const VacancyPage = z.object({ items: z.array(VacancySchema), nextCursor: z.string().nullable() }).openapi("CompanyVacancyPage");
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["jobs"];

const CompanyFields = {
  about: z.string().max(5000).optional(),
  website: z.string().max(2048).nullable().optional().openapi({ description: "An http(s) URL" }),
  iconFileId: z.string().min(1).max(64).nullable().optional().openapi({
    description: "One of your image files (purpose company-icon or image); it becomes public. Deleting that file (or your account) clears the icon.",
  }),
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

const MemberBody = z
  .object({ userId: z.string().min(1).max(64), role: z.enum(["owner", "recruiter"]) })
  .strict()
  .openapi("CompanyMemberRequest");
const InvitationBody = z
  .object({
    userId: z.string().min(1).max(64).optional().openapi({ description: "Who is invited, by id (or give email)" }),
    email: z.email().max(320).optional().openapi({ description: "Who is invited, by the e-mail of their account (or give userId)" }),
    role: z.enum(["owner", "recruiter"]),
  })
  .strict()
  .refine((body) => (body.userId === undefined) !== (body.email === undefined), "Give exactly one of userId and email")
  .openapi("CompanyInvitationRequest");
const InvitationList = z.object({ items: z.array(CompanyInvitationSchema) }).openapi("CompanyInvitationList");
const VerificationBody = z
  .object({ note: z.string().trim().min(1).max(2000) })
  .strict()
  .openapi("VerificationRequest");
const DecisionBody = z
  .object({ reason: z.string().trim().max(2000).optional() })
  .strict()
  .openapi("VerificationDecision");
const MemberParams = IdParam.extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "userId", in: "path" } }),
});

function decisionRoute(outcome: "approve" | "reject") {
  return authedRoute({
    method: "post",
    path: `/{id}/verification/${outcome}`,
    tags,
    summary:
      outcome === "approve" ? "Approve a company's verification (moderators, admins)" : "Reject a company's verification with a reason (moderators, admins)",
    description:
      "Only a pending request can be decided (`409 not_pending` otherwise). The decision is audit-logged and the company's owners get `company.verification` on their hub (`/v1/realtime`). Others: `403`.",
    request: { params: IdParam, body: { ...jsonBody(DecisionBody), required: false } },
    responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404, 409) },
  });
}

const ApplicationsQuery = PageQuery.extend({
  vacancyId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ param: { name: "vacancyId", in: "query" } }),
  status: z
    .enum(APPLICATION_STATUS_VALUES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

const CompanySearchQuery = PageQuery.extend({
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Words of the name; each is a prefix, case and diacritics folded" }),
  verified: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ param: { name: "verified", in: "query" } }),
});

const VacancyStatusQuery = PageQuery.extend({
  status: z
    .enum(VACANCY_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

/** Mounted at /v1/companies. */
export const companyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Find companies by name, newest first",
      description: "No token needed. `q` searches names (full-text, every word a prefix); `verified=true|false` filters by verification.",
      security: [...bearerSecurity, {}],
      request: { query: CompanySearchQuery },
      responses: { 200: jsonResponse(CompanyPage, "Companies"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      const { q, verified, cursor, limit } = c.req.valid("query");
      return c.json(await searchCompanies(c.get("deps"), { q, verified }, cursor, limit, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a company (you become its owner)",
      description:
        "A user may have created `UNVERIFIED_COMPANIES_PER_USER` (default 3) companies that are not verified: `409 company_limit_reached` beyond (counted inside the INSERT, so parallel creations cannot overshoot).",
      request: { body: jsonBody(CreateCompanyBody) },
      responses: { 201: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await createCompany(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/invitations",
      tags,
      summary: "Your open invitations to join companies, newest first",
      description:
        "Each names the company and the role offered; accept with `POST /v1/companies/{id}/invitations/{userId}/accept`, decline with `DELETE /v1/companies/{id}/invitations/{userId}` (your own user id). New ones also arrive on the hub (`company.invitation`).",
      responses: { 200: jsonResponse(InvitationList, "Your invitations"), ...problemResponses(401) },
    }),
    async (c) => c.json({ items: await myInvitations(c.get("deps"), c.get("principal").userId) }, 200),
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
      return c.json(await getCompany(c.get("deps"), c.req.valid("param").id, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit a company (owners and recruiters)",
      description:
        "Changing the name or website of a verified company sends it back to `pending` (search shows its vacancies unverified, the owners' hubs get `company.verification` with reason `details_changed`, audit `company.verification_reset`).",
      request: { params: IdParam, body: jsonBody(CompanyPatch) },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await editCompany(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json"), clientInfo(c.req.raw)), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Close the company (owners)",
      description:
        'Its vacancies are closed (out of search), then the company is deleted with its members, invitations and vacancies. The owner\'s audit trail keeps `company.deleted {companyId, reason: "closed_by_owner", vacanciesClosed}`.',
      request: { params: IdParam },
      responses: { 204: { description: "Closed" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await closeCompany(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/members",
      tags,
      summary: "Change a member's role (owners)",
      description:
        "Only members: people join by accepting an invitation (`POST /v1/companies/{id}/invitations`); a non-member is `404`. Demoting the last owner: `409 last_owner` (checked inside the UPDATE, so two owners demoting each other at once cannot both succeed). Audit logged on the member's trail: `company.role_changed`.",
      request: { params: IdParam, body: jsonBody(MemberBody) },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await addMember(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json"), clientInfo(c.req.raw)), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/members/{userId}",
      tags,
      summary: "Remove a member (owners), or leave (your own user id)",
      description:
        "Anyone may leave. A last owner who leaves hands the company to its longest-standing other member, who becomes owner in the same batch (hub `company.promoted`, reason `last_owner_left`); a company left with nobody is closed down. Owners removing someone else: removing the last owner is `409 last_owner` (checked inside the DELETE). Audit logged on the member's trail: `company.member_removed` or `company.member_left`.",
      request: { params: MemberParams },
      responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await removeMember(c.get("deps"), id, c.get("principal").userId, userId, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/invitations",
      tags,
      summary: "Invite someone to join with a role (owners)",
      description: `Nobody becomes a member without accepting. Inviting again changes the role. A member already: \`409 already_member\`; ${MAX_OPEN_INVITATIONS} open invitations: \`409 too_many_invitations\`. The invitee's hub gets \`company.invitation\`; their audit trail \`company.member_invited\`.`,
      request: { params: IdParam, body: jsonBody(InvitationBody) },
      responses: { 201: jsonResponse(CompanyInvitationSchema, "The invitation"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await inviteMember(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json"), clientInfo(c.req.raw)), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/invitations",
      tags,
      summary: "The company's open invitations (owners)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(InvitationList, "Open invitations, oldest first"), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json({ items: await companyInvitations(c.get("deps"), c.req.valid("param").id, c.get("principal").userId) }, 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/invitations/{userId}/accept",
      tags,
      summary: "Accept your invitation (the invitee)",
      description: "You become a member with the role offered (audit `company.member_added`, `by` the inviter). Someone else's invitation, or none: `404`.",
      request: { params: MemberParams },
      responses: { 200: jsonResponse(CompanySchema, "The company"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      const me = c.get("principal").userId;
      if (userId !== me) throw notFound("No such invitation");
      return c.json(await acceptMembership(c.get("deps"), id, me, clientInfo(c.req.raw)), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/invitations/{userId}",
      tags,
      summary: "Decline your invitation, or revoke one (owners)",
      request: { params: MemberParams },
      responses: { 204: { description: "Gone" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await dropInvitation(c.get("deps"), id, c.get("principal").userId, userId);
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
    async (c) =>
      c.json(await submitVerification(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json").note, clientInfo(c.req.raw)), 202),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/applications",
      tags,
      summary: "The company's applications, newest first (owners and recruiters)",
      description:
        'Optionally of one of its vacancies (`vacancyId`; another company\'s vacancy gives an empty page) and in one status. Read through one index range: the `server-timing` header names the D1 rows read (`db;desc="rows_read=N"`). Someone who is not a member: `404`, as for no company.',
      request: { params: IdParam, query: ApplicationsQuery },
      responses: { 200: jsonResponse(ApplicationPage, "Applications"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { limit, cursor, vacancyId, status } = c.req.valid("query");
      const started = Date.now();
      const { rowsRead, ...page } = await companyApplications(
        c.get("deps"),
        c.req.valid("param").id,
        c.get("principal").userId,
        { vacancyId, status },
        cursor,
        limit,
      );
      c.header("server-timing", `db;dur=${Date.now() - started};desc="rows_read=${rowsRead}"`);
      return c.json(page, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/vacancies",
      tags,
      summary: "The company's vacancies in every status, newest first (owners and recruiters)",
      description: "`status=draft|scheduled|published|closed` narrows it. Someone who is not a member: `404`.",
      request: { params: IdParam, query: VacancyStatusQuery },
      responses: { 200: jsonResponse(VacancyPage, "Vacancies"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { status, cursor, limit } = c.req.valid("query");
      return c.json(await companyVacancies(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, status, cursor, limit), 200);
    },
  )
  .openapi(decisionRoute("approve"), async (c) =>
    c.json(
      await decideCompanyVerification(
        c.get("deps"),
        c.req.valid("param").id,
        c.get("principal"),
        "verified",
        c.req.valid("json")?.reason ?? null,
        clientInfo(c.req.raw),
      ),
      200,
    ),
  )
  .openapi(decisionRoute("reject"), async (c) =>
    c.json(
      await decideCompanyVerification(
        c.get("deps"),
        c.req.valid("param").id,
        c.get("principal"),
        "rejected",
        c.req.valid("json")?.reason ?? null,
        clientInfo(c.req.raw),
      ),
      200,
    ),
  );
