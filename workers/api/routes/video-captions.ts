import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { askForCaptions, MAX_CAPTION_LANGUAGES, videoCaptionFile, videoCaptionList } from "../../../shared/video/captions";
import { badRequest } from "../../../shared/http/errors";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["video"];
const optionalBearer = [...bearerSecurity, {}];

const CaptionSchema = z
  .object({
    language: z.string().openapi({ example: "en", description: "BCP 47" }),
    label: z.string().openapi({ example: "English", description: "The language's name in itself, for a player's menu" }),
    status: z.enum(["pending", "ready", "failed"]),
    source: z
      .enum(["stream", "transcript"])
      .nullable()
      .openapi({ description: "Stream's generated captions, or the transcript model's (VIDEO_TRANSCRIPT_MODEL)" }),
    url: z.string().nullable().openapi({ description: "The WebVTT file (`text/vtt`), once ready" }),
    error: z.string().nullable().optional().openapi({ description: "Why there are none (the owner and moderators only)" }),
  })
  .openapi("VideoCaption");

// The file name's form is checked in the handler, after the caller's token: a bad token answers
// 401 whatever the path says (the endpoint sweep holds every route to that).
const CaptionFileParams = IdParam.extend({
  file: z
    .string()
    .max(64)
    .openapi({ param: { name: "file", in: "path" }, example: "en.vtt", description: "`<language>.vtt`, e.g. en.vtt" }),
});
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const CAPTION_FILE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\.vtt$/;

const AskForCaptionsBody = z
  .object({
    language: z
      .string()
      .max(35)
      .regex(LANGUAGE_TAG, "a BCP 47 language tag, e.g. en or pt-BR")
      .optional()
      .openapi({ example: "en", description: "BCP 47; default VIDEO_CAPTION_LANGUAGE" }),
  })
  .strict()
  .openapi("AskForCaptions");
const CaptionsAsked = z
  .object({ language: z.string().openapi({ example: "en" }), status: z.literal("pending") })
  .openapi("CaptionsAsked", { description: "The captions are being made: GET /v1/videos/{id}/captions says when they are ready, or why they failed" });

/** Mounted at /v1/videos: a video's captions, with the video's own visibility (shared/video/captions.ts). */
export const videoCaptionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/captions",
      tags,
      summary: "A video's captions by language",
      description:
        "Whoever may see the video (GET /v1/videos/{id}) sees its ready captions; its owner and moderators also pending and failed ones, with why. Anyone else: `404`.",
      security: optionalBearer,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ items: z.array(CaptionSchema) }).openapi("VideoCaptionList"), "The captions"),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      return c.json({ items: await videoCaptionList(c.get("deps"), c.req.valid("param").id, viewer) }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/captions",
      tags,
      summary: "Ask for a video's captions (again)",
      description: [
        "For a video that was ready before captions were made, or whose captions failed: queues the same `video.captions` job the platform runs when a video becomes ready.",
        "The video's owner, moderators and admins; anyone else: `404`. Idempotent: while captions in that language are pending the answer is `202` again and nothing more is queued; failed ones are made anew.",
        `Ready captions in that language are kept: \`409 captions_exist\` (nothing replaces them). \`409 not_ready\` before the video is ready, \`409 too_many_caption_languages\` past ${MAX_CAPTION_LANGUAGES} languages, \`400 language_required\` without a language where VIDEO_CAPTION_LANGUAGE is empty.`,
      ].join(" "),
      request: { params: IdParam, body: jsonBody(AskForCaptionsBody) },
      responses: { 202: jsonResponse(CaptionsAsked, "Being made"), ...problemResponses(400, 401, 404, 409, 503) },
    }),
    async (c) => {
      const asked = await askForCaptions(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").language);
      return c.json(asked, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/captions/{file}",
      tags,
      summary: "A video's captions in one language, as WebVTT",
      description: "`file` is `<language>.vtt`. For whoever may see the video; anyone else, or a language without ready captions: `404`.",
      security: optionalBearer,
      request: { params: CaptionFileParams },
      responses: {
        200: { description: "The WebVTT document", content: { "text/vtt": { schema: z.string() } } },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const viewer = await optionalPrincipal(c);
      const { id, file } = c.req.valid("param");
      if (!CAPTION_FILE.test(file))
        throw badRequest("invalid_path", "The request param is invalid", [{ path: "file", message: "<language>.vtt, e.g. en.vtt" }]);
      const vtt = await videoCaptionFile(c.get("deps"), id, file.slice(0, -".vtt".length), viewer);
      // Public videos' captions may be cached like the public page; anything signed-in stays private.
      return c.body(vtt, 200, { "content-type": "text/vtt; charset=utf-8", "cache-control": viewer ? "private, no-store" : "public, max-age=60" });
    },
  );
