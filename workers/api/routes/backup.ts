import { z } from "@hono/zod-openapi";
import { describeDatabase, MAX_ROWS_PER_PAGE, tablePage } from "../../../shared/platform/backup/database";
import { listStoredObjects, readStoredObject, writeStoredObject } from "../../../shared/platform/backup/files";
import { listInstances, objectState } from "../../../shared/platform/backup/objects";
import { INSTANCE_KINDS } from "../../../shared/platform/backup/records";
import { MAX_PAGE } from "../../../shared/platform/durable-state-export";
import { isPortable } from "../../../shared/platform/portable-value";
import { ApiError } from "../../../shared/http/errors";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { createRouter } from "../context";
import { adminRoute } from "../middleware/auth";

const tags = ["admin"];

const TableName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][\w$]*$/);
const KindParam = z.object({ kind: z.enum(INSTANCE_KINDS).openapi({ param: { name: "kind", in: "path" }, description: "Which class of Durable Object" }) });
const ObjectParams = KindParam.extend({
  name: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "name", in: "path" }, description: "The object's name: the id of its chat, user, call or video" }),
});
const TableParams = z.object({ table: TableName.openapi({ param: { name: "table", in: "path" } }) });
const RowsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: "after", in: "query" }, description: "The `next` of the previous page (a rowid, or an offset for tables without one)" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ROWS_PER_PAGE)
    .default(MAX_ROWS_PER_PAGE)
    .openapi({ param: { name: "limit", in: "query" } }),
});
const NamesQuery = z.object({
  after: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ param: { name: "after", in: "query" }, description: "The `next` of the previous page" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(500)
    .openapi({ param: { name: "limit", in: "query" } }),
});
const KeysQuery = z.object({
  after: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .openapi({ param: { name: "after", in: "query" }, description: "The `next` of the previous page (a key)" }),
  limit: RowsQuery.shape.limit,
});
const KeyQuery = z.object({
  key: z
    .string()
    .min(1)
    .max(1024)
    .openapi({ param: { name: "key", in: "query" }, description: "The object's key in the bucket" }),
});
const FilesQuery = z.object({
  cursor: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(1000)
    .openapi({ param: { name: "limit", in: "query" } }),
});

const Portable = z
  .unknown()
  .refine(isPortable, "not a backup value (JSON, or an object tagged with `$`)")
  .openapi({ description: "A value as JSON; bytes, dates and the like as an object tagged with `$`" });
const Counted = z.object({ name: z.string(), rows: z.number().int() });
const Skipped = z.object({ name: z.string(), why: z.string() });

const DatabaseDescription = z
  .object({
    migrations: z.array(z.string()).openapi({ description: "The D1 migrations applied, in order: a restore target must have the same" }),
    tables: z.array(Counted).openapi({ description: "The tables a backup copies, parents before the tables that reference them" }),
    derived: z
      .array(Counted.extend({ why: z.string() }))
      .openapi({ description: "Tables rebuilt from the copied ones on restore (trigger-kept indexes and counts)" }),
    skipped: z.array(Skipped),
    objects: z.array(z.enum(INSTANCE_KINDS)).openapi({ description: "The Durable Object classes a backup copies" }),
  })
  .openapi("BackupDatabase");
const RowPage = z.object({ columns: z.array(z.string()), rows: z.array(z.array(Portable)), next: z.number().int().nullable() }).openapi("BackupRowPage");
const NamePage = z.object({ names: z.array(z.string()), next: z.string().nullable() }).openapi("BackupObjectNames");
const ObjectDescription = z
  .object({
    schema: z.array(z.string()).openapi({ description: "CREATE statements of every table, index and trigger" }),
    tables: z.array(Counted),
    skipped: z.array(Skipped.extend({ derived: z.boolean() })),
    afterImport: z.array(z.string()).openapi({ description: "Statements a restore runs after the rows (index rebuilds)" }),
    alarm: z.number().nullable(),
    keys: z.number().int().openapi({ description: "How many keys its key-value storage holds" }),
  })
  .openapi("BackupObject");
const KeyPage = z.object({ entries: z.array(z.tuple([z.string(), Portable])), next: z.string().nullable() }).openapi("BackupKeyPage");
const HttpMetadata = z
  .object({
    contentType: z.string().max(1024).optional(),
    contentLanguage: z.string().max(1024).optional(),
    contentDisposition: z.string().max(2048).optional(),
    contentEncoding: z.string().max(1024).optional(),
    cacheControl: z.string().max(1024).optional(),
    cacheExpiry: z.iso.datetime().optional(),
  })
  .strict();
const ObjectMetadata = z.object({ httpMetadata: HttpMetadata, customMetadata: z.record(z.string(), z.string()) });
const StoredObject = ObjectMetadata.extend({ key: z.string(), size: z.number().int(), etag: z.string(), uploaded: z.string() }).openapi("BackupStoredObject");
const StoredObjectPage = z.object({ objects: z.array(StoredObject), cursor: z.string().nullable() }).openapi("BackupStoredObjectPage");

const RestoreStep = z
  .discriminatedUnion("op", [
    z.object({ op: z.literal("reset"), schema: z.array(z.string().min(1).max(100_000)).max(1000) }),
    z.object({ op: z.literal("insert"), table: TableName, columns: z.array(TableName).min(1).max(200), rows: z.array(z.array(Portable)).max(MAX_PAGE) }),
    z.object({ op: z.literal("put"), entries: z.array(z.tuple([z.string().min(1).max(2048), Portable])).max(MAX_PAGE) }),
    z.object({ op: z.literal("finish"), alarm: z.number().int().min(0).nullable(), afterImport: z.array(z.string().min(1).max(10_000)).max(100) }),
  ])
  .openapi("RestoreStep", {
    description:
      "`reset` drops everything the object holds and creates `schema`; `insert` adds rows to a table; `put` writes keys; `finish` sets the alarm, runs `afterImport` and restarts the object on its restored state.",
  });

const RewindBody = z.object({ at: z.iso.datetime({ offset: true }).openapi({ description: "The moment to go back to (ISO 8601)" }) }).openapi("RewindRequest");
const RewindReply = z
  .object({
    restored: z.string().openapi({ description: "The bookmark the object restarts on" }),
    undo: z.string().openapi({ description: "The bookmark of the state it replaced" }),
  })
  .openapi("RewindReply");

const RestoreHeaders = z.object({
  "x-backup-metadata": z
    .string()
    .min(2)
    .max(8192)
    .openapi({ param: { name: "x-backup-metadata", in: "header" }, description: "The object's `httpMetadata` and `customMetadata` as JSON, URI-encoded" }),
  "x-content-sha256": z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional()
    .openapi({ param: { name: "x-content-sha256", in: "header" }, description: "SHA-256 of the bytes (hex); R2 refuses bytes that differ" }),
  "content-length": z
    .string()
    .regex(/^\d{1,15}$/)
    .openapi({ param: { name: "content-length", in: "header" } }),
});

const bytesContent = { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } };

function metadataOf(header: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(header));
  } catch {
    throw new ApiError(400, "invalid_header", "x-backup-metadata is not URI-encoded JSON");
  }
  const metadata = ObjectMetadata.safeParse(parsed);
  if (!metadata.success) throw new ApiError(400, "invalid_header", "x-backup-metadata needs httpMetadata and customMetadata as the backup listing gives them");
  return metadata.data;
}

/**
 * Backup and restore of every store (docs/operations.md): D1 rows, each Durable Object's state,
 * R2 objects. Admins only; `npm run backup` and `npm run restore` are the clients.
 */
export const backupRoutes = createRouter()
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup",
      tags,
      summary: "What a backup of the database copies",
      description:
        "The applied migrations, the tables a backup copies with their row counts (in restore order), those rebuilt from them, and the Durable Object classes it copies.",
      responses: { 200: jsonResponse(DatabaseDescription, "The database's tables"), ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ ...(await describeDatabase(c.get("deps"))), objects: INSTANCE_KINDS }, 200),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/tables/{table}",
      tags,
      summary: "A page of a table's rows",
      request: { params: TableParams, query: RowsQuery },
      responses: { 200: jsonResponse(RowPage, "Rows in rowid order"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { after, limit } = c.req.valid("query");
      return c.json(await tablePage(c.get("deps"), c.req.valid("param").table, after, limit), 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/objects/{kind}",
      tags,
      summary: "The names of the Durable Objects of one class",
      description: "Read from D1: a chat room per chat, a user hub per user, a call session per call, a view counter per video.",
      request: { params: KindParam, query: NamesQuery },
      responses: { 200: jsonResponse(NamePage, "A page of names"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { after, limit } = c.req.valid("query");
      return c.json(await listInstances(c.get("deps"), c.req.valid("param").kind, after, limit), 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/objects/{kind}/{name}",
      tags,
      summary: "What one Durable Object holds",
      request: { params: ObjectParams },
      responses: { 200: jsonResponse(ObjectDescription, "Its schema, tables, alarm and number of keys"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      const { op: _op, ...description } = await objectState(c.get("deps"), kind, name, { op: "describe" }, "describe");
      return c.json(description, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/objects/{kind}/{name}/tables/{table}",
      tags,
      summary: "A page of one Durable Object's table",
      request: { params: ObjectParams.extend(TableParams.shape), query: RowsQuery },
      responses: { 200: jsonResponse(RowPage, "Rows in rowid order"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { kind, name, table } = c.req.valid("param");
      const { after, limit } = c.req.valid("query");
      const { op: _op, ...page } = await objectState(c.get("deps"), kind, name, { op: "rows", table, after, limit }, "rows");
      return c.json(page, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/objects/{kind}/{name}/keys",
      tags,
      summary: "A page of one Durable Object's key-value storage",
      request: { params: ObjectParams, query: KeysQuery },
      responses: { 200: jsonResponse(KeyPage, "Keys in order, with their values"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      const { after, limit } = c.req.valid("query");
      const { op: _op, ...page } = await objectState(c.get("deps"), kind, name, { op: "kv", after: after ?? null, limit }, "kv");
      return c.json(page, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/restore/objects/{kind}/{name}",
      tags,
      summary: "One step of restoring a Durable Object",
      description:
        "`reset`, then `insert` and `put` for every page of the backup, then `finish`. A step SQLite refuses is `400 restore_refused` and writes nothing.",
      request: { params: ObjectParams, body: jsonBody(RestoreStep) },
      responses: {
        200: jsonResponse(z.object({ count: z.number().int() }), "How many statements, rows or keys were written"),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      const step = c.req.valid("json");
      const { count } = await objectState(c.get("deps"), kind, name, step as Parameters<typeof objectState>[3], "done");
      return c.json({ count }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/restore/objects/{kind}/{name}/rewind",
      tags,
      summary: "Point-in-time recovery of one Durable Object",
      description:
        "The object restarts on its own storage as it was at `at` (Durable Object point-in-time recovery, the last 30 days; Cloudflare only: local `wrangler dev` answers `400 restore_refused`). `undo` is the bookmark of the state it replaced. D1 is not touched: see docs/operations.md for what to do about the chat's summary in D1.",
      request: { params: ObjectParams, body: jsonBody(RewindBody) },
      responses: { 200: jsonResponse(RewindReply, "The bookmarks"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      const { op: _op, ...bookmarks } = await objectState(c.get("deps"), kind, name, { op: "rewind", at: Date.parse(c.req.valid("json").at) }, "rewound");
      return c.json(bookmarks, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/files",
      tags,
      summary: "A page of every object in the R2 bucket, with its metadata",
      request: { query: FilesQuery },
      responses: { 200: jsonResponse(StoredObjectPage, "Objects in key order"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      return c.json(await listStoredObjects(c.get("deps"), cursor, limit), 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/backup/file",
      tags,
      summary: "The bytes of one R2 object",
      description: "Its metadata is in `x-backup-metadata` (URI-encoded JSON), as the restore takes it back.",
      request: { query: KeyQuery },
      responses: { 200: { description: "The bytes", content: bytesContent }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const object = await readStoredObject(c.get("deps"), c.req.valid("query").key);
      return new Response(object.body, {
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(object.size),
          "x-backup-metadata": encodeURIComponent(JSON.stringify(object.metadata)),
        },
      });
    },
  )
  .openapi(
    adminRoute({
      method: "put",
      path: "/restore/file",
      tags,
      summary: "Write one R2 object back with its metadata",
      description:
        "The body is the raw bytes with a `content-length` (not limited by MAX_BODY_BYTES). With `x-content-sha256`, bytes that hash otherwise are `400 restore_checksum_mismatch` and nothing is written.",
      request: { query: KeyQuery, headers: RestoreHeaders, body: { required: true, content: bytesContent } },
      responses: { 200: jsonResponse(z.object({ key: z.string(), size: z.number().int() }), "The object written"), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const headers = c.req.valid("header");
      const body = c.req.raw.body;
      if (!body) throw new ApiError(400, "invalid_request", "The body is the object's bytes");
      const written = await writeStoredObject(
        c.get("deps"),
        c.req.valid("query").key,
        body,
        Number(headers["content-length"]),
        metadataOf(headers["x-backup-metadata"]),
        headers["x-content-sha256"]?.toLowerCase(),
      );
      return c.json(written, 200);
    },
  );
