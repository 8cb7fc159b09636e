import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses, bearerSecurity } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import {
  editProfile,
  follow,
  followPage,
  ownProfile,
  PROFILE_VIEWERS_KEPT_DAYS,
  profileViewerOf,
  profileViewers,
  viewProfile,
} from "../../../shared/jobs-board/profiles/profiles";
import { LocationSchema, ProfileSchema, ProfileVisibilitySchema } from "../../../shared/jobs-board/schemas";
import { MAX_TAG_LENGTH, MAX_TAGS } from "../../../shared/jobs-board/tags";
import { introScript, profileAnalysis, requestIntroScript, requestProfileAnalysis } from "../../../shared/jobs-board/ai/ai-tasks";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["jobs"];
const optionalBearer = [...bearerSecurity, {}];

const ProfilePatch = z
  .object({
    headline: z.string().max(160).optional(),
    bio: z.string().max(5000).optional(),
    tags: z
      .array(z.string().max(MAX_TAG_LENGTH * 2))
      .max(MAX_TAGS * 3)
      .optional()
      .openapi({ description: `Normalised (NFKC, lower case, spaces as -) and deduplicated; at most ${MAX_TAGS} distinct` }),
    location: LocationSchema.nullable().optional(),
    links: z
      .array(z.object({ label: z.string().max(60).nullable().optional(), url: z.string().max(2048) }).strict())
      .max(20)
      .optional()
      .openapi({ description: "http(s) URLs of public hosts, at most 10" }),
    avatarFileId: z.string().min(1).max(64).optional().openapi({ description: "One of your image files (purpose avatar or image), as PUT /v1/me/avatar" }),
    videoId: z.string().min(1).max(64).nullable().optional().openapi({
      description: "One of your own videos as your introduction (`404` otherwise), or null to remove it; others see it only while it is approved and visible",
    }),
    visibility: ProfileVisibilitySchema.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("JobsProfilePatch");

const UserIdParam = z.object({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "userId", in: "path" } }),
});

const FollowSchema = z
  .object({ userId: z.string(), displayName: z.string(), avatarUrl: z.string().nullable(), headline: z.string(), followedAt: z.string() })
  .openapi("ProfileFollow");
const FollowPage = z.object({ items: z.array(FollowSchema), nextCursor: z.string().nullable() }).openapi("ProfileFollowPage");

const ViewerPage = z
  .object({
    items: z.array(
      z
        .object({
          userId: z.string(),
          displayName: z.string(),
          avatarUrl: z.string().nullable(),
          headline: z.string(),
          day: z.string().openapi({ description: "UTC day, YYYY-MM-DD" }),
        })
        .openapi("ProfileViewer"),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("ProfileViewerPage");

const AnalysisAccepted = z.object({ id: z.string(), status: z.enum(["pending", "completed", "failed"]) }).openapi("ProfileAnalysisAccepted");
const AnalysisSchema = z
  .object({
    id: z.string(),
    status: z.enum(["pending", "completed", "failed"]),
    analysis: z.object({ strengths: z.array(z.string()), gaps: z.array(z.string()), suggestedTags: z.array(z.string()) }).optional(),
    error: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi("ProfileAnalysis");
const AnalysisParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const IntroScriptRequest = z
  .object({
    vacancyId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "The vacancy the introduction is recorded for (one you can read; `404` otherwise)" }),
  })
  .strict()
  .openapi("IntroScriptRequest");
const IntroScriptSchema = z
  .object({
    id: z.string(),
    status: z.enum(["pending", "completed", "failed"]),
    script: z
      .object({ script: z.string().openapi({ description: "The words to read, shown as a teleprompter" }), talkingPoints: z.array(z.string()) })
      .optional(),
    error: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi("IntroScript");

function followRoute(method: "put" | "delete", summary: string) {
  return authedRoute({
    method,
    path: "/{userId}/follow",
    tags,
    summary,
    description:
      "Answers the followed user's profile with the new counts; repeating is harmless. Following yourself: `400 cannot_follow_self`. A profile you may not see (its `visibility`) is `404`, as an unknown user; unfollowing one still removes your follow.",
    request: { params: UserIdParam },
    responses: { 200: jsonResponse(ProfileSchema, "The followed user's profile"), ...problemResponses(400, 401, 404) },
  });
}

function followListRoute(direction: "followers" | "following") {
  return createRoute({
    method: "get",
    path: `/{userId}/${direction}`,
    tags,
    summary: direction === "followers" ? "Who follows a user, newest first" : "Whom a user follows, newest first",
    description: "Only people whose profiles you may see (their `visibility`); a user whose profile you may not see is `404`, as an unknown one.",
    security: optionalBearer,
    request: { params: UserIdParam, query: PageQuery },
    responses: { 200: jsonResponse(FollowPage, "A page of users"), ...problemResponses(400, 401, 404) },
  });
}

/** Mounted at /v1/profiles. */
export const profileRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/me",
      tags,
      summary: "Your jobs-board profile",
      description: "With `viewCount`, which only you see.",
      responses: { 200: jsonResponse(ProfileSchema, "Your profile"), ...problemResponses(401) },
    }),
    async (c) => c.json(await ownProfile(c.get("deps"), c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/me",
      tags,
      summary: "Edit your profile",
      description:
        "Headline, bio, tags, location (lat/lng and a place name, or null), links, avatar, video introduction and `visibility` (who may see the profile). Fields left out stay.",
      request: { body: jsonBody(ProfilePatch) },
      responses: { 200: jsonResponse(ProfileSchema, "Your profile"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await editProfile(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/me/views",
      tags,
      summary: "Who viewed your profile, newest day first",
      description: `Signed-in viewers other than you, one entry per viewer and UTC day, for the last ${PROFILE_VIEWERS_KEPT_DAYS} days (\`?limit&cursor\`).`,
      request: { query: PageQuery },
      responses: { 200: jsonResponse(ViewerPage, "A page of viewers"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      return c.json(await profileViewers(c.get("deps"), profileViewerOf(c.get("principal")), cursor, limit), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/me/analysis",
      tags,
      summary: "Have the AI analyse your profile (strengths, gaps, suggested tags)",
      description:
        "Stored and queued like a vacancy draft; poll `GET /v1/profiles/me/analysis/{id}`. No model configured: `503 ai_unavailable`. Shares the per-user AI budget with vacancy drafts (`RATE_LIMIT_JOBS_AI_PER_USER`): past it, `429 rate_limited` with `Retry-After`.",
      responses: { 202: jsonResponse(AnalysisAccepted, "Accepted"), ...problemResponses(401, 429, 503) },
    }),
    async (c) => c.json(await requestProfileAnalysis(c.get("deps"), c.get("principal").userId), 202),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/me/analysis/{id}",
      tags,
      summary: "One of your profile analyses",
      description: "Yours only (`404` otherwise).",
      request: { params: AnalysisParam },
      responses: { 200: jsonResponse(AnalysisSchema, "The analysis"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await profileAnalysis(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/me/intro-script",
      tags,
      summary: "Have the AI suggest a script and talking points for your video introduction",
      description:
        "From your profile and, when given, a vacancy you can read. Stored and queued like a profile analysis; poll `GET /v1/profiles/me/intro-script/{id}`. No model configured: `503 ai_unavailable`. Shares the per-user AI budget (`RATE_LIMIT_JOBS_AI_PER_USER`).",
      request: { body: jsonBody(IntroScriptRequest) },
      responses: { 202: jsonResponse(AnalysisAccepted, "Accepted"), ...problemResponses(400, 401, 404, 429, 503) },
    }),
    async (c) => c.json(await requestIntroScript(c.get("deps"), c.get("principal").userId, c.req.valid("json").vacancyId), 202),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/me/intro-script/{id}",
      tags,
      summary: "One of your suggested introduction scripts",
      description: "Yours only (`404` otherwise).",
      request: { params: AnalysisParam },
      responses: { 200: jsonResponse(IntroScriptSchema, "The script"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await introScript(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{userId}",
      tags,
      summary: "A user's public profile",
      description:
        "No token needed for a profile whose `visibility` is `everyone`. A profile you may not see is `404`, as an unknown user, and is not counted. A signed-in viewer other than the owner counts one view per UTC day; the count is shown to the owner only.",
      security: optionalBearer,
      request: { params: UserIdParam },
      responses: { 200: jsonResponse(ProfileSchema, "The profile"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = profileViewerOf(await optionalPrincipal(c));
      return c.json(await viewProfile(c.get("deps"), c.req.valid("param").userId, viewer), 200);
    },
  )
  .openapi(followRoute("put", "Follow a user"), async (c) =>
    c.json(await follow(c.get("deps"), profileViewerOf(c.get("principal")), c.req.valid("param").userId, true), 200),
  )
  .openapi(followRoute("delete", "Unfollow a user"), async (c) =>
    c.json(await follow(c.get("deps"), profileViewerOf(c.get("principal")), c.req.valid("param").userId, false), 200),
  )
  .openapi(followListRoute("followers"), async (c) => {
    const viewer = profileViewerOf(await optionalPrincipal(c));
    const query = c.req.valid("query");
    return c.json(await followPage(c.get("deps"), c.req.valid("param").userId, "followers", viewer, query.cursor, query.limit), 200);
  })
  .openapi(followListRoute("following"), async (c) => {
    const viewer = profileViewerOf(await optionalPrincipal(c));
    const query = c.req.valid("query");
    return c.json(await followPage(c.get("deps"), c.req.valid("param").userId, "following", viewer, query.cursor, query.limit), 200);
  });
