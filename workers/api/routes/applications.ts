import { z } from "@hono/zod-openapi";
import { ChatSchema } from "../../../shared/chat/schemas";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import {
  applyToVacancy,
  CV_URL_SECONDS,
  cvLink,
  getApplication,
  moveApplicationStatus,
  myApplications,
  openApplicationChat,
  withdrawApplication,
} from "../../../shared/jobs-board/applications/applications";
import { APPLICATION_STATUS_VALUES, ApplicationSchema } from "../../../shared/jobs-board/schemas";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["jobs"];

export const ApplicationPage = z.object({ items: z.array(ApplicationSchema), nextCursor: z.string().nullable() }).openapi("ApplicationPage");

export const ApplyBody = z
  .object({
    coverLetter: z.string().max(10_000).optional(),
    cvFileId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "One of your files (PDF, Word, OpenDocument or plain text), uploaded with purpose attachment" }),
    videoId: z.string().min(1).max(64).optional().openapi({ description: "One of your videos" }),
  })
  .strict()
  .openapi("ApplicationRequest");

const MoveBody = z
  .object({
    status: z.enum(APPLICATION_STATUS_VALUES),
    note: z.string().max(2000).optional().openapi({ description: "A note to the candidate; it goes with the e-mail and is kept in the history" }),
  })
  .strict()
  .openapi("ApplicationStatusChange");

const CvLink = z.object({ url: z.string(), expiresAt: z.string() }).openapi("ApplicationCvLink");

/** The apply route, chained into the vacancies router (`POST /v1/vacancies/{id}/applications`). */
export const applyRoute = authedRoute({
  method: "post",
  path: "/{id}/applications",
  tags,
  summary: "Apply to a published vacancy",
  description:
    "One application per candidate and vacancy: a second one is `409 already_applied` (also after a withdrawal). A closed vacancy: `409 vacancy_not_open`; a draft or scheduled one, or none: `404`. The CV is one of your own document files (`400 invalid_cv` for another type, `404` for a file that is not yours); the video one of your own videos (`404` otherwise).",
  request: { params: IdParam, body: jsonBody(ApplyBody) },
  responses: { 201: jsonResponse(ApplicationSchema, "The application, submitted"), ...problemResponses(400, 401, 404, 409) },
});

export { applyToVacancy };

/** Mounted at /v1/me/applications. */
export const myApplicationRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Your applications, newest first",
    description: "Changes also arrive on the hub (`application.updated`), by e-mail and by push.",
    request: { query: PageQuery },
    responses: { 200: jsonResponse(ApplicationPage, "Your applications"), ...problemResponses(400, 401) },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await myApplications(c.get("deps"), c.get("principal").userId, cursor, limit), 200);
  },
);

/** Mounted at /v1/applications. */
export const applicationRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "An application with its history (its candidate, or members of its company)",
      description: "Anyone else: `404`.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ApplicationSchema, "The application"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getApplication(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Move an application along the pipeline (company members)",
      description:
        "`submitted → reviewing → interview → offer → hired`, forward only (steps may be skipped), or `rejected` from any open status; hired, rejected and withdrawn are final. Any other move, or one that lost a race: `409 invalid_transition`. The candidate is told on the hub (`application.updated`), by e-mail (with the note) and by push. The candidate and everyone else: `404`.",
      request: { params: IdParam, body: jsonBody(MoveBody) },
      responses: { 200: jsonResponse(ApplicationSchema, "The application"), ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => c.json(await moveApplicationStatus(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/withdraw",
      tags,
      summary: "Withdraw your application (the candidate)",
      description:
        "An open application becomes `withdrawn`: the company keeps it in its records but can no longer read the CV. Final: you cannot apply to the vacancy again. Hired or rejected: `409 invalid_transition`. Anyone else: `404`.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ApplicationSchema, "The application, withdrawn"), ...problemResponses(401, 404, 409) },
    }),
    async (c) => c.json(await withdrawApplication(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/cv",
      tags,
      summary: "A short-lived link to the CV (the candidate, members of the company)",
      description: `A signed URL of the file's content, valid ${CV_URL_SECONDS} s. Only while the application lives: a withdrawn application, a deleted CV or a deleted account: \`404\`.`,
      request: { params: IdParam },
      responses: { 200: jsonResponse(CvLink, "The link"), ...problemResponses(401, 404, 503) },
    }),
    async (c) => c.json(await cvLink(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/chat",
      tags,
      summary: "Open the direct chat with the candidate (company members)",
      description:
        "The chat module's direct chat between you and the candidate (`201` when new, `200` when it existed). A deleted candidate: `409 candidate_gone`. The candidate and everyone else: `404`.",
      request: { params: IdParam },
      responses: {
        201: jsonResponse(ChatSchema, "The new direct chat"),
        200: jsonResponse(ChatSchema, "The direct chat already existed"),
        ...problemResponses(401, 404, 409),
      },
    }),
    async (c) => {
      const { chat, created } = await openApplicationChat(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return created ? c.json(chat, 201) : c.json(chat, 200);
    },
  );
