import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { fileOfSignedUrl, signedContentUrl } from "../../../shared/media/content-urls";
import { contentResponse } from "../../../shared/media/file-content";
import { deleteFile, fileView, listFiles, uploadFile } from "../../../shared/media/files";
import { findReadableFile } from "../../../shared/media/records/files";
import { notFound, unauthorized } from "../../../shared/http/errors";
import { FILE_PURPOSES, FILE_VISIBILITIES } from "../../../shared/media/media-types";
import { hasSignature } from "../../../shared/media/signed-urls";
import { VARIANT_FITS, VARIANT_FORMATS, VARIANT_SIZES, variantContent, wantsVariant } from "../../../shared/media/variants";
import { bearerSecurity, IdParam, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { type AppEnv, createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { optionalPrincipal } from "../middleware/optional-auth";

const tags = ["media"];

export const FileSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    contentType: z.string().openapi({ description: "What the bytes are, by their magic bytes; never what the client said" }),
    size: z.number().int(),
    sha256: z.string(),
    purpose: z.enum(FILE_PURPOSES),
    visibility: z.enum(FILE_VISIBILITIES),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    durationMs: z.number().int().optional().openapi({ description: "Audio: the recording's length, as its recorder measured it" }),
    waveform: z.string().optional().openapi({ description: "Audio: loudness for display, one base-32 digit (0-31) per slice" }),
    createdAt: z.string(),
  })
  .openapi("File");

const FilePage = z.object({ items: z.array(FileSchema), nextCursor: z.string().nullable() }).openapi("FilePage");

const UploadQuery = z.object({
  purpose: z.enum(FILE_PURPOSES).openapi({ param: { name: "purpose", in: "query" }, description: "Decides the allowed types and the size limit" }),
  name: z
    .string()
    .max(1024)
    .optional()
    .openapi({ param: { name: "name", in: "query" } }),
  visibility: z
    .enum(FILE_VISIBILITIES)
    .default("private")
    .openapi({ param: { name: "visibility", in: "query" } }),
  durationMs: z.coerce
    .number()
    .int()
    .min(1)
    .max(6 * 60 * 60 * 1000)
    .optional()
    .openapi({
      param: { name: "durationMs", in: "query" },
      description: "A recording's length as the recorder measured it (kept for audio only; for display)",
    }),
  waveform: z
    .string()
    .regex(/^[0-9a-v]{1,128}$/, "One base-32 digit (0-9, a-v: 0-31) per slice, at most 128")
    .optional()
    .openapi({
      param: { name: "waveform", in: "query" },
      description: "A recording's loudness for display: one base-32 digit per slice (kept for audio only)",
    }),
});

const UploadHeaders = z.object({
  "x-content-sha256": z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional()
    .openapi({ param: { name: "x-content-sha256", in: "header" }, description: "SHA-256 of the bytes (hex); R2 refuses bytes that differ" }),
});

const ListQuery = PageQuery.extend({
  purpose: z
    .enum(FILE_PURPOSES)
    .optional()
    .openapi({ param: { name: "purpose", in: "query" } }),
});

const VariantQuery = z.object({
  width: z.coerce
    .number()
    .int()
    .refine((n) => (VARIANT_SIZES as readonly number[]).includes(n), `One of ${VARIANT_SIZES.join(", ")}`)
    .optional()
    .openapi({ param: { name: "width", in: "query" }, description: `Resized variant (images only): one of ${VARIANT_SIZES.join(", ")}` }),
  height: z.coerce
    .number()
    .int()
    .refine((n) => (VARIANT_SIZES as readonly number[]).includes(n), `One of ${VARIANT_SIZES.join(", ")}`)
    .optional()
    .openapi({ param: { name: "height", in: "query" }, description: `One of ${VARIANT_SIZES.join(", ")}` }),
  fit: z
    .enum(VARIANT_FITS)
    .optional()
    .openapi({ param: { name: "fit", in: "query" } }),
  format: z
    .enum(VARIANT_FORMATS)
    .optional()
    .openapi({ param: { name: "format", in: "query" }, description: "Variant format (default webp)" }),
});

const UrlQuery = VariantQuery.extend({
  expiresIn: z.coerce
    .number()
    .int()
    .min(1)
    .max(31_536_000)
    .default(3600)
    .openapi({
      param: { name: "expiresIn", in: "query" },
      description: "Seconds the URL works; capped by MEDIA_SIGNED_URL_MAX_SECONDS",
    }),
});
const SignedUrl = z.object({ url: z.string(), expiresAt: z.string() }).openapi("SignedFileUrl");

const ContentQuery = VariantQuery.extend({
  expires: z
    .string()
    .optional()
    .openapi({ param: { name: "expires", in: "query" }, description: "Part of a signed URL" }),
  kid: z
    .string()
    .optional()
    .openapi({ param: { name: "kid", in: "query" }, description: "Part of a signed URL" }),
  sig: z
    .string()
    .optional()
    .openapi({ param: { name: "sig", in: "query" }, description: "Part of a signed URL" }),
  reader: z
    .string()
    .optional()
    .openapi({
      param: { name: "reader", in: "query" },
      description: "Part of a signed URL: who it was made for; each use checks they may still read the file",
    }),
});

const bytesContent = { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } };

export const fileRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Upload a file in one request",
      description:
        "The body is the raw bytes with a `content-length`. The type is read from the bytes: not allowed for the purpose is `415 unsupported_media_type`; over the purpose's limit `413 file_too_large`; over the storage quota `413 quota_exceeded`; a declared `x-content-sha256` that differs `400 checksum_mismatch`. Same bytes uploaded twice are stored once.",
      request: { query: UploadQuery, headers: UploadHeaders, body: { required: true, content: bytesContent } },
      responses: { 201: jsonResponse(FileSchema, "The stored file"), ...problemResponses(400, 401, 411, 413, 415, 429) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const declared = c.req.valid("header")["x-content-sha256"]?.toLowerCase();
      const length = c.req.header("content-length");
      const file = await uploadFile(c.get("deps"), c.get("principal").userId, {
        purpose: query.purpose,
        name: query.name,
        visibility: query.visibility,
        length: length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : null,
        declaredSha256: declared,
        body: c.req.raw.body,
        audio: { durationMs: query.durationMs, waveform: query.waveform },
      });
      return c.json(file, 201);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The caller's own files, newest first",
      request: { query: ListQuery },
      responses: { 200: jsonResponse(FilePage, "A page of files"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      return c.json(await listFiles(c.get("deps"), c.get("principal").userId, query.purpose, query.cursor, query.limit), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "A file's record",
      description: "For the owner, for anyone if public (no token needed), for members of a chat where it is attached. Otherwise `404`.",
      security: [...bearerSecurity, {}],
      request: { params: IdParam },
      responses: { 200: jsonResponse(FileSchema, "The file"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      return c.json(fileView(await fileFor(c, c.req.valid("param").id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/content",
      tags,
      summary: "The bytes of a file",
      description:
        "Same access rule as the record, or a signed URL from `/url` (no token). A signed URL whose reader can no longer read the file is `404`. One `Range` gives `206`; one whose first byte is at or past the end, however large the number, is `416 range_not_satisfiable` with `Content-Range: bytes */<size>` (never the whole file); `If-None-Match` with the `ETag` gives `304`. Images and videos are `inline`, everything else an `attachment`; `nosniff` always.",
      security: [...bearerSecurity, {}],
      request: { params: IdParam, query: ContentQuery },
      responses: {
        200: { description: "The bytes", content: bytesContent },
        206: { description: "The requested range", content: bytesContent },
        304: { description: "Not modified" },
        ...problemResponses(401, 403, 404, 416),
      },
    }),
    async (c) => {
      const url = new URL(c.req.url);
      const { expires: _expires, kid: _kid, sig: _sig, reader: _reader, ...variant } = c.req.valid("query");
      const signed = hasSignature(url) ? await fileOfSignedUrl(c.get("deps"), url, c.req.method) : null;
      const file = signed ? signed.file : await fileFor(c, c.req.valid("param").id);
      const cacheControl = signed
        ? `private, max-age=${signed.secondsLeft}`
        : file.visibility === "public"
          ? "public, max-age=31536000, immutable"
          : "private, no-cache";
      const content = wantsVariant(variant)
        ? await variantContent(c.get("deps").files, c.get("deps").images, file, variant)
        : { ...file, etag: `"${file.sha256}"` };
      return contentResponse(c.get("deps").files, content, c.req.raw, cacheControl);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/url",
      tags,
      summary: "A signed URL for the content",
      description:
        "Works with no token until `expiresAt` (for `<img>` or a player), and only while the caller may still read the file: every use checks again, so a URL stops working (`404`) the moment its reader loses access (removed from the chat, the message deleted, the file private again). An expired or altered URL is `403`.",
      request: { params: IdParam, query: UrlQuery },
      responses: { 200: jsonResponse(SignedUrl, "The signed URL"), ...problemResponses(400, 401, 404, 503) },
    }),
    async (c) => {
      const { expiresIn, ...variant } = c.req.valid("query");
      const params = Object.fromEntries(Object.entries(variant).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])));
      const signed = await signedContentUrl(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, expiresIn, params);
      c.header("cache-control", "no-store");
      return c.json(signed, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a file (owner)",
      description:
        "Drops the file's reference to its bytes; bytes nobody references are removed by a cron after a grace period. An avatar or company icon that was this file is cleared in the same transaction (`avatarUrl`/`iconUrl` become null).",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await deleteFile(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  );

/** Without a token only public files are readable; for anything else, say a token is missing (not whether the file exists). */
async function fileFor(c: Context<AppEnv>, id: string) {
  const reader = (await optionalPrincipal(c))?.userId ?? null;
  const file = await findReadableFile(c.get("deps").db, id, reader);
  if (file) return file;
  throw reader === null ? unauthorized() : notFound("No such file");
}
