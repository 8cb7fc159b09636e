import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../shared/http/errors";
import { bearerSecurity, IdParam, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import {
  httpDate,
  parseByteCount,
  parseUploadMetadata,
  checkPatchContentType,
  checkTusResumable,
  TUS_EXTENSIONS,
  TUS_VERSION,
  tusHeaders,
  type TusParsed,
} from "../../../shared/media/tus-protocol";
import { createTusUpload, patchTusUpload, terminateTusUpload, uploadProgress, uploadView } from "../../../shared/media/tus-uploads";
import { createRouter } from "../context";
import { authedRoute, sessionInStatementRoute } from "../middleware/auth";

const tags = ["media"];

const UploadSchema = z
  .object({
    id: z.string(),
    offset: z.number().int(),
    length: z.number().int(),
    fileId: z.string().nullable().openapi({ description: "Set once the last byte arrived and the file was checked" }),
    expiresAt: z.string(),
  })
  .openapi("Upload");

const tusRequestHeaders = z.object({
  "tus-resumable": z
    .string()
    .optional()
    .openapi({ param: { name: "tus-resumable", in: "header" }, example: TUS_VERSION }),
});

function required<T>(parsed: TusParsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw new ApiError(parsed.status, parsed.code, parsed.detail, {}, tusHeaders);
}

const bytesContent = { "application/offset+octet-stream": { schema: z.string().openapi({ format: "binary" }) } };

export const uploadRoutes = createRouter()
  .openapi(
    createRoute({
      method: "options",
      path: "/",
      tags,
      summary: "tus discovery",
      description: "What this tus server speaks: version 1.0.0 with creation, termination and expiration.",
      responses: { 204: { description: "Tus-Version, Tus-Extension and Tus-Max-Size headers" } },
    }),
    (c) => {
      const largest = Math.max(...Object.values(c.get("deps").config.media.maxBytes));
      return c.body(null, 204, { ...tusHeaders, "tus-version": TUS_VERSION, "tus-extension": TUS_EXTENSIONS, "tus-max-size": String(largest) });
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Start a resumable upload (tus creation)",
      description:
        "`Upload-Length` and `Upload-Metadata` (`purpose`, `name` or `filename`, `visibility`, base64 values). Size limit and quota are checked here (`413`). The bytes follow in PATCH requests to `Location`; any client that speaks tus 1.0 (tus-js-client, Uppy) works unchanged.",
      request: {
        headers: tusRequestHeaders.extend({
          "upload-length": z
            .string()
            .optional()
            .openapi({ param: { name: "upload-length", in: "header" } }),
          "upload-metadata": z
            .string()
            .optional()
            .openapi({ param: { name: "upload-metadata", in: "header" } }),
        }),
      },
      responses: { 201: { description: "Created; `Location` is the upload's URL" }, ...problemResponses(400, 401, 412, 413, 429) },
    }),
    async (c) => {
      required(checkTusResumable(c.req.header("tus-resumable") ?? null));
      if (c.req.header("upload-defer-length") !== undefined) throw new ApiError(400, "invalid_header", "Upload-Defer-Length is not supported", {}, tusHeaders);
      const length = required(parseByteCount("Upload-Length", c.req.header("upload-length") ?? null));
      const metadata = required(parseUploadMetadata(c.req.header("upload-metadata") ?? null));
      const upload = await createTusUpload(c.get("deps"), c.get("principal").userId, { length, metadata });
      const location = new URL(`/v1/uploads/${upload.id}`, c.req.url).toString();
      return c.body(null, 201, { ...tusHeaders, location, "upload-expires": httpDate(upload.expiresAt), "upload-offset": "0" });
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "An upload's progress (HEAD: tus offset)",
      description:
        "`GET` answers JSON; `HEAD` is the tus offset request (`Upload-Offset`, `Upload-Length`, `Upload-Expires`). Owner only; another user's upload, or one that expired or failed, is `404`. An upload whose bytes are all stored but whose file was not made (its last PATCH failed after storing them) is finished first, so `Upload-Offset` equal to `Upload-Length` always means the file exists: bytes not allowed for the purpose are then `415` (the upload is gone), and while another request finishes it, or finishing failed and will be tried again, the answer is `423 upload_finishing` with `Retry-After` (423, which tus clients retry, rather than a 5xx, after which they start a new upload).",
      request: { params: IdParam, headers: tusRequestHeaders },
      responses: { 200: jsonResponse(UploadSchema, "The upload"), ...problemResponses(401, 404, 412, 415, 423) },
    }),
    async (c) => {
      const upload = await uploadProgress(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      c.header("cache-control", "no-store");
      if (c.req.method === "HEAD") {
        // Hono answers HEAD through the GET handler and drops the body.
        required(checkTusResumable(c.req.header("tus-resumable") ?? null));
        c.header("tus-resumable", TUS_VERSION);
        c.header("upload-offset", String(upload.offset));
        c.header("upload-length", String(upload.length));
        c.header("upload-expires", httpDate(upload.expiresAt));
      }
      return c.json(uploadView(upload), 200);
    },
  )
  .openapi(
    sessionInStatementRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Send bytes at an offset (tus)",
      description:
        "`Upload-Offset` must equal the upload's offset (`409` otherwise, with the current `Upload-Offset`); the body is `application/offset+octet-stream` with a `content-length`. Answers `204` with the new `Upload-Offset`. The last byte completes the upload: bytes not allowed for the purpose are `415` and the upload is gone. If making the file fails after every byte is stored, the answer is `423 upload_finishing` with `Retry-After`: the bytes are kept and the next HEAD, GET or PATCH (or the media cron) makes the file. Another request writing or finishing the upload is `423` too (`upload_locked`, `upload_finishing`). A PATCH that stalled past its 15 s lease while another request took over, or whose upload was terminated meanwhile, stores nothing of what it brought and answers `409`, `423` or `404`; an upload whose R2 part numbers were used up by such takeovers is `410 upload_failed`.",
      request: {
        params: IdParam,
        headers: tusRequestHeaders.extend({
          "upload-offset": z
            .string()
            .optional()
            .openapi({ param: { name: "upload-offset", in: "header" } }),
        }),
        body: { required: true, content: bytesContent },
      },
      responses: { 204: { description: "Stored; `Upload-Offset` is the new offset" }, ...problemResponses(400, 401, 404, 409, 410, 411, 412, 413, 415, 423) },
    }),
    async (c) => {
      required(checkTusResumable(c.req.header("tus-resumable") ?? null));
      required(checkPatchContentType(c.req.header("content-type") ?? null));
      const offset = required(parseByteCount("Upload-Offset", c.req.header("upload-offset") ?? null));
      const length = c.req.header("content-length");
      const upload = await patchTusUpload(c.get("deps"), c.get("claimedSession"), c.req.valid("param").id, {
        offset,
        length: length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : null,
        body: c.req.raw.body,
      });
      return c.body(null, 204, { ...tusHeaders, "upload-offset": String(upload.offset), "upload-expires": httpDate(upload.expiresAt) });
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Terminate an upload (tus termination)",
      description: "The upload and the bytes stored so far go; a file already made from it stays.",
      request: { params: IdParam, headers: tusRequestHeaders },
      responses: { 204: { description: "Terminated" }, ...problemResponses(401, 404, 412) },
    }),
    async (c) => {
      required(checkTusResumable(c.req.header("tus-resumable") ?? null));
      await terminateTusUpload(c.get("deps"), c.get("principal").userId, c.req.valid("param").id);
      return c.body(null, 204, tusHeaders);
    },
  );

uploadRoutes.openAPIRegistry.registerPath({
  method: "head",
  path: "/{id}",
  tags,
  summary: "tus offset request",
  security: bearerSecurity,
  request: { params: IdParam, headers: tusRequestHeaders },
  description:
    "The upload's offset. One whose bytes are all stored but whose file was not made is finished first: `415` for bytes not allowed for the purpose, `423 upload_finishing` with `Retry-After` while it is being finished or after finishing failed (tus clients retry a 423 HEAD on the same upload).",
  responses: { 200: { description: "`Upload-Offset`, `Upload-Length`, `Upload-Expires`" }, ...problemResponses(401, 404, 412, 415, 423) },
});
