import { z } from "@hono/zod-openapi";
import { VIDEO_STATUSES } from "../../../shared/db/schema/video";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { ModerationHintSchema } from "../../../shared/moderation-hints/model";
import { VideoReportSchema, VideoSchema } from "../../../shared/video/model";
import { approveVideo, moderationQueue, rejectVideo, videoHistory } from "../../../shared/video/moderation";
import { approveRevision, rejectRevision } from "../../../shared/video/revisions";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["video"];

const QueueQuery = PageQuery.extend({
  status: z
    .enum(VIDEO_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Default `moderation` (unless `hidden`, `reported` or `revision` is given)" }),
  hidden: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ param: { name: "hidden", in: "query" }, description: "`true`: the videos hidden by reports" }),
  reported: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({
      param: { name: "reported", in: "query" },
      description: "`true`: the videos reported since their last review, hidden or not (reports that do not count toward hiding still reach moderators here)",
    }),
  revision: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ param: { name: "revision", in: "query" }, description: "`true`: approved videos whose owner's changes wait as a revision" }),
});

const ModerationItem = VideoSchema.extend({
  reports: z.array(VideoReportSchema),
  aiHint: ModerationHintSchema.nullable().openapi({ description: "The AI moderation hint (advisory only), or null when none was asked for" }),
}).openapi("ModerationVideo");
const ModerationPage = z.object({ items: z.array(ModerationItem), nextCursor: z.string().nullable() }).openapi("ModerationVideoPage");

const HistoryEntry = z
  .object({
    id: z.string(),
    type: z.string().openapi({ example: "video.status_changed" }),
    by: z.string().nullable().openapi({ description: "The user who acted, or `stream` / `cron` when the platform did" }),
    reason: z.string().nullable(),
    from: z.string().nullable().openapi({ description: "Status before (status changes only)" }),
    to: z.string().nullable().openapi({ description: "Status after (status changes only)" }),
    at: z.string(),
  })
  .openapi("VideoHistoryEntry");
const History = z.object({ items: z.array(HistoryEntry) }).openapi("VideoHistory");

const RejectBody = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .strict()
  .openapi("RejectVideoRequest");

const RevisionId = z.string().min(1).max(64).openapi({ description: "The `revision.id` the moderator looked at" });
const ApproveRevisionBody = z.object({ revisionId: RevisionId }).strict().openapi("ApproveVideoRevisionRequest");
const RejectRevisionBody = z
  .object({ revisionId: RevisionId, reason: z.string().trim().min(1).max(1000) })
  .strict()
  .openapi("RejectVideoRevisionRequest");

/** Mounted at /v1/moderation. */
export const videoModerationRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/videos",
      tags,
      summary: "The video moderation queue (moderators, admins)",
      description: "Oldest first, each with its reports. Others: `403`.",
      request: { query: QueueQuery },
      responses: { 200: jsonResponse(ModerationPage, "A page of videos"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const anyOther = query.hidden !== undefined || query.reported !== undefined || query.revision !== undefined;
      const filter = {
        status: query.status ?? (anyOther ? undefined : ("moderation" as const)),
        hidden: query.hidden,
        reported: query.reported,
        revision: query.revision,
      };
      return c.json(await moderationQueue(c.get("deps"), c.get("principal"), filter, query.cursor, query.limit), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/videos/{id}/history",
      tags,
      summary: "A video's audit trail (moderators, admins, the owner)",
      description:
        "Every status change, archive, hiding by reports, review and revision decision of the video, oldest first, with who and why. Anyone else: `404`.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(History, "The trail"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json({ items: await videoHistory(c.get("deps"), c.get("principal"), c.req.valid("param").id) }, 200),
  );

/** Mounted at /v1/videos: the moderators' decisions. */
export const videoDecisionRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/approve",
      tags,
      summary: "Approve a video (moderators, admins)",
      description:
        "From `moderation` (or reversing a rejection). On an approved video it closes the review of its reports and shows it again if reports hid it. Nobody approves their own video; others `403`. Audit logged with who.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await approveVideo(c.get("deps"), c.get("principal"), c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/reject",
      tags,
      summary: "Reject a video with a reason (moderators, admins)",
      description:
        "From `moderation` or `approved`; the owner sees `rejectionReason`. Nobody rejects their own video; others `403`. Audit logged with who and why.",
      request: { params: IdParam, body: jsonBody(RejectBody) },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await rejectVideo(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").reason), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/revision/approve",
      tags,
      summary: "Approve the owner's pending changes to a video (moderators, admins)",
      description:
        "Title, description, tags and thumbnail of the pending `revision` become what everyone sees (a chosen frame is set at Stream: `503` when Stream fails, nothing changes). `revisionId` names the revision the moderator looked at: if the owner changed it since, `409 revision_changed`; none pending, `409 no_revision`. Nobody decides on their own video; others `403`. Audit logged (`video.revision_approved`).",
      request: { params: IdParam, body: jsonBody(ApproveRevisionBody) },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(400, 401, 403, 404, 409, 503) },
    }),
    async (c) => c.json(await approveRevision(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").revisionId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/revision/reject",
      tags,
      summary: "Reject the owner's pending changes to a video with a reason (moderators, admins)",
      description:
        "The approved values stay; the owner sees `revisionRejectionReason` until the next edit. `409 revision_changed` / `no_revision` as for approval. Nobody decides on their own video; others `403`. Audit logged (`video.revision_rejected`).",
      request: { params: IdParam, body: jsonBody(RejectRevisionBody) },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { revisionId, reason } = c.req.valid("json");
      return c.json(await rejectRevision(c.get("deps"), c.get("principal"), c.req.valid("param").id, revisionId, reason), 200);
    },
  );
