import { createRoute, z } from "@hono/zod-openapi";
import { VIDEO_STATUSES } from "../../../shared/db/schema/video";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { VIDEO_REPORT_CATEGORIES, VideoReportSchema, VideoSchema } from "../../../shared/video/model";
import { playbackOf } from "../../../shared/video/playback";
import { reportVideo } from "../../../shared/video/reports";
import {
  createVideo,
  deleteVideo,
  editVideo,
  listMyVideos,
  listVideos,
  receiveVideoContent,
  requestDownload,
  setArchived,
  videoViewFor,
  visibleVideo,
} from "../../../shared/video/videos";
import { recordView } from "../../../shared/video/views";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["video"];
const optionalBearer = [...bearerSecurity, {}];

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N}_-]+$/u, "Letters, digits, _ and - only");
const Instant = z.string().datetime({ offset: true }).openapi({ example: "2026-12-01T09:00:00Z" });

const CreateBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).optional(),
    tags: z.array(Tag).max(20).optional(),
    isPublic: z.boolean().optional().openapi({ description: "Default true" }),
    publishAt: Instant.optional().openapi({ description: "Visible to others from then on (once approved)" }),
    size: z
      .number()
      .int()
      .positive()
      .max(30 * 1024 ** 3)
      .optional()
      .openapi({ description: "Bytes you will send; over 200 MB production hands out a tus URL" }),
  })
  .strict()
  .openapi("CreateVideoRequest");

const UploadTarget = z
  .object({
    method: z.enum(["PUT", "POST", "tus"]).openapi({
      description:
        "`PUT`: raw bytes to `url` with your token (local development); `POST`: multipart field `file` to Stream's one-time URL; `tus`: a tus upload at `url`",
    }),
    url: z.string(),
  })
  .openapi("VideoUpload");

const Created = z.object({ video: VideoSchema, upload: UploadTarget }).openapi("CreatedVideo");

const EditBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5000).nullable().optional(),
    tags: z.array(Tag).max(20).optional(),
    isPublic: z.boolean().optional(),
    publishAt: Instant.nullable().optional(),
    thumbnailTimestampPct: z.number().min(0).max(1).optional().openapi({ description: "A frame as the thumbnail: fraction of the duration" }),
    thumbnailFileId: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .optional()
      .openapi({ description: "Your file of purpose `video-thumbnail` (becomes public); null for Stream's" }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, "Change at least one field")
  .openapi("EditVideoRequest");

const VideoPage = z.object({ items: z.array(VideoSchema), nextCursor: z.string().nullable() }).openapi("VideoPage");

const ListQuery = PageQuery.extend({
  ownerId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: "ownerId", in: "query" } }),
  tag: Tag.optional().openapi({ param: { name: "tag", in: "query" } }),
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Videos whose title holds every word of this text (any case), or whose captions say its words" }),
});

const MineQuery = PageQuery.extend({
  status: z
    .enum(VIDEO_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

const PlaybackSchema = z
  .object({
    hls: z.string(),
    dash: z.string(),
    thumbnailUrl: z.string().nullable(),
    token: z
      .string()
      .optional()
      .openapi({ description: "Stream signed-URL token (RS256 JWT), already in the URLs; only while the video is not visible to everyone" }),
    expiresAt: z.string().optional(),
    localFile: z.string().optional().openapi({
      description: "Development and tests only (the local Stream emulation): the uploaded file itself, a path on this origin, for a plain video element",
    }),
  })
  .openapi("VideoPlayback");

const DownloadSchema = z
  .object({ status: z.enum(["inprogress", "ready", "error"]), percentComplete: z.number(), url: z.string().nullable() })
  .openapi("VideoDownload");

const ReportBody = z
  .object({ category: z.enum(VIDEO_REPORT_CATEGORIES), text: z.string().trim().max(2000).optional() })
  .strict()
  .openapi("ReportVideoRequest");

const ViewResult = z
  .object({ counted: z.boolean().openapi({ description: "False when this viewer counted within the last 24 h, and always for the video's owner" }) })
  .openapi("VideoViewResult");

const bytesContent = { "video/mp4": { schema: z.string().openapi({ format: "binary" }) } };

function archiveRoute(path: "/{id}/archive" | "/{id}/unarchive", summary: string) {
  return authedRoute({
    method: "post",
    path,
    tags,
    summary,
    description: "Owner only; an archived video is hidden from everyone else. Audit logged; the owner's hub gets `video.updated`.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(401, 404) },
  });
}

export const videoRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a video and learn where to send its bytes",
      description:
        "In production `upload` is Stream's one-time direct-upload URL (with the maximum duration, signed URLs required and the watermark profile; tus over 200 MB); in local development it is `PUT /v1/videos/:id/content` on this API. Rate limited per user (`RATE_LIMIT_VIDEO_UPLOADS_PER_USER`).",
      request: { body: jsonBody(CreateBody) },
      responses: { 201: jsonResponse(Created, "The video (`uploading`) and its upload target"), ...problemResponses(400, 401, 413, 429, 503) },
    }),
    async (c) => c.json(await createVideo(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 201),
  )
  .openapi(
    authedRoute({
      method: "put",
      path: "/{id}/content",
      tags,
      summary: "Send the video's bytes through the API (local development)",
      description:
        "Raw bytes with a `content-length`, streamed into Stream. MP4, MOV or WebM by magic bytes, else `415`; over VIDEO_MAX_BYTES `413`; a video whose upload is a Stream URL `409 direct_upload`; a second upload `409 already_uploaded`.",
      request: { params: IdParam, body: { required: true, content: bytesContent } },
      responses: { 202: jsonResponse(VideoSchema, "The video, now `processing`"), ...problemResponses(400, 401, 404, 409, 411, 413, 415, 503) },
    }),
    async (c) => {
      const length = c.req.header("content-length");
      const video = await receiveVideoContent(
        c.get("deps"),
        c.get("principal").userId,
        c.req.valid("param").id,
        length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : null,
        c.req.raw.body,
      );
      return c.json(video, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Videos visible to everyone, newest first",
      description: "Approved, public, published, not archived, not hidden by reports. No token needed. `tag` and `q` (words of the title) narrow it.",
      security: optionalBearer,
      request: { query: ListQuery },
      responses: { 200: jsonResponse(VideoPage, "A page of videos"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      await optionalPrincipal(c);
      const query = c.req.valid("query");
      return c.json(await listVideos(c.get("deps"), { ownerId: query.ownerId, tag: query.tag, q: query.q }, query.cursor, query.limit), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One video",
      description:
        "Its owner and moderators always (with `revision` and `revisionRejectionReason`); anyone else only when it is visible to everyone, otherwise `404`, and only the approved values.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json(videoViewFor(await visibleVideo(c.get("deps"), c.req.valid("param").id, viewer), viewer), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit a video's metadata (owner)",
      description:
        "Title, description, tags, `isPublic`, `publishAt` (scheduled publication; null publishes now), a frame or an image file as thumbnail. Once the video is approved, changes to title, description, tags and thumbnail wait as `revision` until a moderator approves it (`POST /v1/videos/:id/revision/approve`); everyone else sees the approved values meanwhile. `isPublic` and `publishAt` apply at once.",
      request: { params: IdParam, body: jsonBody(EditBody) },
      responses: { 200: jsonResponse(VideoSchema, "The video"), ...problemResponses(400, 401, 404, 409, 503) },
    }),
    async (c) => c.json(await editVideo(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a video (owner)",
      description: "Removed from Stream first (if Stream fails, `503` and nothing is deleted), then its thumbnail file, reports and record.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404, 503) },
    }),
    async (c) => {
      await deleteVideo(c.get("deps"), c.get("principal").userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(archiveRoute("/{id}/archive", "Archive a video (owner)"), async (c) =>
    c.json(await setArchived(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, true), 200),
  )
  .openapi(archiveRoute("/{id}/unarchive", "Unarchive a video (owner)"), async (c) =>
    c.json(await setArchived(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, false), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/playback",
      tags,
      summary: "Where to play a video",
      description:
        "HLS, DASH and thumbnail URLs. While the video is not visible to everyone (private, unpublished, not approved, archived, hidden), only its owner and moderators get here, and the URLs carry a signed token that expires within VIDEO_PLAYBACK_TOKEN_TTL_SECONDS. Not ready yet: `409 not_ready`.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: { 200: jsonResponse(PlaybackSchema, "Playback URLs"), ...problemResponses(401, 404, 409, 503) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      const video = await visibleVideo(c.get("deps"), c.req.valid("param").id, viewer);
      return c.json(await playbackOf(c.get("deps"), video), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/downloads",
      tags,
      summary: "Ask for an MP4 download of your video (owner)",
      description: "Stream makes the MP4; call again until `status` is `ready` and `url` is set.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(DownloadSchema, "The download's state"), ...problemResponses(401, 404, 409, 503) },
    }),
    async (c) => c.json(await requestDownload(c.get("deps"), c.get("principal").userId, c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/reports",
      tags,
      summary: "Report a video",
      description:
        "One report per user per video (`409 already_reported`); not your own (`403`). Every report reaches moderators; only reports that count (`countsToHide`: a moderator's, or from a verified e-mail on an account at least VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS old) hide the video, once max(VIDEO_REPORTS_TO_HIDE, ceil(views x VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS / 1000)) of them arrived since the last review (a moderator's report at once), until a moderator decides.",
      request: { params: IdParam, body: jsonBody(ReportBody) },
      responses: { 201: jsonResponse(VideoReportSchema, "The report"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await reportVideo(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/views",
      tags,
      summary: "Count a view",
      description:
        "One view per viewer per video per 24 h counts: the user, or without a token the caller's IP address (IPv6: its /64 network), hashed; the user agent plays no part, so varying it does not count again. The owner's own views never count. The count in the video follows within VIDEO_VIEW_FLUSH_SECONDS.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: { 202: jsonResponse(ViewResult, "Received"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json(await recordView(c.get("deps"), c.req.valid("param").id, viewer, clientInfo(c.req.raw)), 202);
    },
  );

/** Mounted at /v1/me/videos. */
export const myVideoRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/",
    tags,
    summary: "All of your videos with their status and reasons",
    request: { query: MineQuery },
    responses: { 200: jsonResponse(VideoPage, "A page of videos, newest first"), ...problemResponses(400, 401) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return c.json(await listMyVideos(c.get("deps"), c.get("principal").userId, query.status, query.cursor, query.limit), 200);
  },
);
