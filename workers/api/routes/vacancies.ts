import { createRoute, z } from "@hono/zod-openapi";
import { badRequest } from "../../../shared/http/errors";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { MAX_DISTANCE_KM } from "../../../shared/jobs-board/geo";
import { EMPLOYMENT_TYPES, LocationSchema, SALARY_PERIODS, SalarySchema, SENIORITIES, VacancySchema } from "../../../shared/jobs-board/schemas";
import { normalizeTag } from "../../../shared/jobs-board/tags";
import { planName, searchVacancies, type VacancySearch } from "../../../shared/jobs-board/vacancies/search";
import {
  close,
  createVacancy,
  editVacancy,
  getVacancy,
  normalizeRole,
  publish,
  rebuildSearchIndex,
  removeVacancy,
  reopen,
  yearly,
} from "../../../shared/jobs-board/vacancies/vacancies";
import { requestVacancyDraft, vacancyDraft } from "../../../shared/jobs-board/ai/ai-tasks";
import { applyRoute, applyToVacancy } from "./applications";
import { createRouter } from "../context";
import { adminRoute, authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["jobs"];
const optionalBearer = [...bearerSecurity, {}];

const Role = z.string().trim().min(1).max(60).openapi({ description: "A short slug, e.g. backend; matched exactly after normalising" });

const VacancyFields = {
  description: z.string().max(20_000).optional(),
  tags: z.array(z.string().max(80)).max(60).optional(),
  salary: SalarySchema.nullable().optional(),
  remote: z.boolean().optional(),
  location: LocationSchema.nullable().optional(),
  videoId: z.string().min(1).max(64).nullable().optional().openapi({
    description: "One of your own videos (`404` otherwise), or null to remove it; shown on the vacancy only while it is approved and visible",
  }),
};

const CreateVacancyBody = z
  .object({
    companyId: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(200),
    role: Role,
    employmentType: z.enum(EMPLOYMENT_TYPES),
    seniority: z.enum(SENIORITIES),
    ...VacancyFields,
  })
  .strict()
  .openapi("CreateVacancyRequest");

const VacancyPatch = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    role: Role.optional(),
    employmentType: z.enum(EMPLOYMENT_TYPES).optional(),
    seniority: z.enum(SENIORITIES).optional(),
    ...VacancyFields,
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("VacancyPatch");

const PublishBody = z
  .object({ publishAt: z.iso.datetime({ offset: true }).optional() })
  .strict()
  .openapi("PublishVacancyRequest");

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const q = <T extends z.ZodType>(schema: T, name: string, description?: string) => schema.optional().openapi({ param: { name, in: "query" }, description });

export const SearchQuery = PageQuery.extend({
  q: q(z.string().max(200), "q", "Words in the title, description or tags (diacritics and case ignored; the last word is a prefix)"),
  tags: q(z.string().max(600), "tags", "Comma-separated tags"),
  tagsMode: z
    .enum(["any", "all"])
    .default("any")
    .openapi({ param: { name: "tagsMode", in: "query" } }),
  role: q(z.string().max(60), "role"),
  employmentType: q(z.enum(EMPLOYMENT_TYPES), "employmentType"),
  seniority: q(z.enum(SENIORITIES), "seniority"),
  remote: q(bool, "remote"),
  companyId: q(z.string().min(1).max(64), "companyId"),
  verified: q(bool, "verified", "true: only vacancies of verified companies"),
  salaryMin: q(z.coerce.number().int().min(0).max(1_000_000_000), "salaryMin"),
  salaryMax: q(z.coerce.number().int().min(0).max(1_000_000_000), "salaryMax"),
  currency: q(z.string().regex(/^[A-Z]{3}$/), "currency", "Needed with salaryMin, salaryMax and sort=salary: one currency per query"),
  salaryPeriod: z
    .enum(SALARY_PERIODS)
    .default("year")
    .openapi({
      param: { name: "salaryPeriod", in: "query" },
      description: "The period salaryMin and salaryMax are given in (default year); salaries are compared per year",
    }),
  lat: q(z.coerce.number().min(-90).max(90), "lat"),
  lng: q(z.coerce.number().min(-180).max(180), "lng"),
  radiusKm: q(z.coerce.number().min(0).max(50_000), "radiusKm", "With lat and lng; distances are great-circle"),
  sort: z
    .enum(["newest", "salary", "distance"])
    .default("newest")
    .openapi({
      param: { name: "sort", in: "query" },
      description:
        "distance: nearest first. Each page reads the index within a fixed budget of rows, so a distance page may hold fewer than limit items (even none) with a nextCursor: only nextCursor null ends the list",
    }),
});

const DraftBody = z
  .object({ companyId: z.string().min(1).max(64), notes: z.string().trim().min(1).max(5000) })
  .strict()
  .openapi("VacancyDraftRequest");
const AiTaskAccepted = z.object({ id: z.string(), status: z.enum(["pending", "completed", "failed"]) }).openapi("AiTaskAccepted");
const DraftSchema = z
  .object({
    id: z.string(),
    status: z.enum(["pending", "completed", "failed"]),
    vacancy: VacancySchema.optional().openapi({
      description: "Once completed: the draft vacancy written from the answer (status draft, editable and publishable as any other)",
    }),
    error: z.string().optional().openapi({ description: "Why a failed draft failed, e.g. invalid_model_answer: ..." }),
    createdAt: z.string(),
  })
  .openapi("VacancyDraft");
const DraftParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const VacancyPage = z
  .object({
    items: z.array(VacancySchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "The next page's cursor; null at the end. By distance, a page may hold fewer than limit items and still have one" }),
  })
  .openapi("VacancyPage");

export function toSearch(query: z.output<typeof SearchQuery>): VacancySearch {
  const problems: { path: string; message: string }[] = [];
  const geoParts = [query.lat, query.lng, query.radiusKm].filter((v) => v !== undefined).length;
  if (geoParts !== 0 && geoParts !== 3) problems.push({ path: "radiusKm", message: "lat, lng and radiusKm go together" });
  if ((query.salaryMin !== undefined || query.salaryMax !== undefined || query.sort === "salary") && !query.currency)
    problems.push({ path: "currency", message: "Salary filters and sort=salary need a currency" });
  if (query.salaryMin !== undefined && query.salaryMax !== undefined && query.salaryMin > query.salaryMax)
    problems.push({ path: "salaryMin", message: "salaryMin must not exceed salaryMax" });
  if (query.sort === "distance" && geoParts !== 3) problems.push({ path: "sort", message: "sort=distance needs lat, lng and radiusKm" });
  const tagList = query.tags === undefined ? [] : [...new Set(query.tags.split(",").map(normalizeTag).filter(Boolean))];
  if (tagList.length > 20) problems.push({ path: "tags", message: "At most 20 tags" });
  if (problems.length > 0) throw badRequest("invalid_query", "The search is not valid", problems);
  return {
    text: query.q?.trim() || undefined,
    tags: tagList.length > 0 ? tagList : undefined,
    tagsMode: query.tagsMode,
    role: query.role ? normalizeRole(query.role) : undefined,
    employmentType: query.employmentType,
    seniority: query.seniority,
    remote: query.remote,
    companyId: query.companyId,
    verified: query.verified || undefined,
    salary: query.currency
      ? {
          currency: query.currency,
          minYear: query.salaryMin === undefined ? undefined : yearly(query.salaryMin, query.salaryPeriod),
          maxYear: query.salaryMax === undefined ? undefined : yearly(query.salaryMax, query.salaryPeriod),
        }
      : undefined,
    geo: geoParts === 3 ? { center: { lat: query.lat!, lng: query.lng! }, radiusKm: Math.min(query.radiusKm!, MAX_DISTANCE_KM) } : undefined,
    sort: query.sort,
    limit: query.limit,
  };
}

/** Mounted at /v1/vacancies. */
export const vacancyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Search published vacancies",
      description:
        'Every filter combines with the others. Salary ranges overlap the asked range, compared per year, in one currency. With lat, lng and radiusKm every item has `distanceKm` (great-circle). `sort=newest|salary|distance`, each with its own keyset cursor. The `server-timing` header names the D1 rows the search read (`db;desc="rows_read=N"`).',
      security: optionalBearer,
      request: { query: SearchQuery },
      responses: { 200: jsonResponse(VacancyPage, "A page of vacancies"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      await optionalPrincipal(c);
      const query = c.req.valid("query");
      const started = Date.now();
      const { page, cost } = await searchVacancies(c.get("deps"), toSearch(query), query.cursor);
      c.header("server-timing", `db;dur=${Date.now() - started};desc="rows_read=${cost.rowsRead} statements=${cost.statements} plan=${planName(cost)}"`);
      return c.json(page, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/drafts",
      tags,
      summary: "Have the AI write a vacancy draft from notes (company owners and recruiters)",
      description:
        "Stored and queued; the JOBS consumer asks the model `JOBS_AI_MODEL` (a studio model; `dev-text` in development answers deterministically) for a JSON answer, checks it against the draft schema and creates a draft vacancy from it. Poll `GET /v1/vacancies/drafts/{id}`. No model configured: `503 ai_unavailable`. Drafts and profile analyses share a per-user budget (`RATE_LIMIT_JOBS_AI_PER_USER`): past it, `429 rate_limited` with `Retry-After`, and nothing is stored.",
      request: { body: jsonBody(DraftBody) },
      responses: { 202: jsonResponse(AiTaskAccepted, "Accepted"), ...problemResponses(400, 401, 403, 404, 429, 503) },
    }),
    async (c) => {
      const { companyId, notes } = c.req.valid("json");
      return c.json(await requestVacancyDraft(c.get("deps"), c.get("principal").userId, companyId, notes), 202);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/drafts/{id}",
      tags,
      summary: "An AI vacancy draft: its status, and the draft vacancy once ready",
      description: "Company members only (`404` to others).",
      request: { params: DraftParam },
      responses: { 200: jsonResponse(DraftSchema, "The draft"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await vacancyDraft(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a vacancy draft (company owners and recruiters)",
      request: { body: jsonBody(CreateVacancyBody) },
      responses: { 201: jsonResponse(VacancySchema, "The draft"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { companyId, ...fields } = c.req.valid("json");
      return c.json(await createVacancy(c.get("deps"), c.get("principal").userId, companyId, fields), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "A vacancy",
      description: "Published and closed vacancies are public; drafts and scheduled ones are `404` to anyone but the company's members.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: { 200: jsonResponse(VacancySchema, "The vacancy"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json(await getVacancy(c.get("deps"), c.req.valid("param").id, viewer?.userId ?? null), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit a vacancy (company owners and recruiters)",
      description: "A published vacancy's search entry follows at once. A closed one: `409 vacancy_closed`.",
      request: { params: IdParam, body: jsonBody(VacancyPatch) },
      responses: { 200: jsonResponse(VacancySchema, "The vacancy"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await editVacancy(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a vacancy (company owners and recruiters)",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeVacancy(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/publish",
      tags,
      summary: "Publish a vacancy now, or schedule it (company owners and recruiters)",
      description:
        "A `publishAt` in the future schedules it (a cron publishes it within a minute of that time); none or a past one publishes now. An unverified company, and all the unverified companies of the publisher together, may have `UNVERIFIED_COMPANY_MAX_PUBLISHED` published or scheduled vacancies: `409 publish_limit_reached` beyond. Published or closed already: `409 not_publishable`.",
      request: { params: IdParam, body: { ...jsonBody(PublishBody), required: false } },
      responses: { 200: jsonResponse(VacancySchema, "The vacancy"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const publishAt = c.req.valid("json")?.publishAt;
      return c.json(await publish(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, publishAt ? new Date(publishAt) : undefined), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/close",
      tags,
      summary: "Close a vacancy (company owners and recruiters)",
      description:
        "It leaves search at once and frees the company's publication slot; its open applicants are told (`application.updated` with reason `vacancy_closed`, e-mail, push). Closed already: `409 vacancy_closed`.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(VacancySchema, "The vacancy"), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await close(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/reopen",
      tags,
      summary: "Reopen a closed vacancy as a draft (company owners and recruiters)",
      description:
        "It becomes a draft again, editable, and goes back on the board through `POST /v1/vacancies/{id}/publish` (the publication caps apply then). Its applications stay as they were. Not closed: `409 not_closed`.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(VacancySchema, "The vacancy, now a draft"), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await reopen(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(applyRoute, async (c) => c.json(await applyToVacancy(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, c.req.valid("json")), 201));

/** Mounted at /v1/admin: maintenance of the jobs board's derived search index. */
export const jobsAdminRoutes = createRouter().openapi(
  adminRoute({
    method: "post",
    path: "/jobs/search-index/rebuild",
    tags,
    summary: "Rebuild the vacancy search index (admins)",
    description:
      "Empties and refills vacancy_search, its full-text index, tag postings and counts from the vacancies and companies tables (after restoring a backup, see docs/jobs-board.md).",
    responses: {
      200: jsonResponse(z.object({ indexed: z.number().int() }).openapi("SearchIndexRebuild"), "How many published vacancies were indexed"),
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ indexed: await rebuildSearchIndex(c.get("deps")) }, 200),
);
