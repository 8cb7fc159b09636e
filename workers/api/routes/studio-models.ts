import { z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import type { ParamsSchema } from "../../../shared/studio/providers/definitions";
import { addModel, createProvider, listModels, listProviders, updateModel, updateProvider } from "../../../shared/studio/providers/registry";
import type { JsonValue } from "../../../shared/studio/providers/templates";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { PageQuery } from "../../../shared/http/pagination";
import { currentEditConfig, editConfigHistory, PROMPT_PLACEHOLDER, saveEditConfig } from "../../../shared/studio/generation/edit-config";
import { createRouter } from "../context";
import { adminRoute, authedRoute } from "../middleware/auth";

const tags = ["studio"];

const Slug = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Lower-case letters, digits, '.', '_' and '-'");
const Pointer = z.string().max(256).openapi({ description: "A JSON pointer (RFC 6901), e.g. /data/taskId" });
const HeaderName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "A header name")
  .refine(
    (name) =>
      !["host", "content-length", "content-type", "connection", "transfer-encoding", "idempotency-key", "traceparent", "tracestate"].includes(
        name.toLowerCase(),
      ),
    "A header the platform sets itself",
  );
const HeaderValue = z
  .string()
  .max(1024)
  .regex(/^[^\r\n]*$/, "One line");
const JsonTemplate = z.unknown().openapi({ description: "A JSON value with {{placeholders}}" });
const JsonSchemaObject = z.record(z.string(), z.unknown()).openapi({ description: 'A JSON Schema with "type": "object"' });

const Auth = z
  .object({
    headerName: HeaderName,
    template: HeaderValue.openapi({ example: "Bearer {{secret}}" }),
    secretRef: z
      .string()
      .max(64)
      .openapi({ description: "The name of the Worker secret holding the credential (STUDIO_SECRET_...); its value is never stored or shown" }),
  })
  .strict();

const ProviderBody = z
  .object({
    id: Slug.optional(),
    name: z.string().trim().min(1).max(200),
    baseUrl: z.string().max(500),
    auth: Auth.nullable().optional(),
    headers: z.record(HeaderName, HeaderValue).optional(),
  })
  .strict()
  .openapi("StudioProviderRequest");

const ProviderPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    baseUrl: z.string().max(500).optional(),
    auth: Auth.nullable().optional(),
    headers: z.record(HeaderName, HeaderValue).optional(),
    active: z.boolean().optional().openapi({ description: "false: its models are not offered for new work (running generations finish)" }),
  })
  .strict()
  .openapi("StudioProviderUpdate");

const ResponseMappingSchema = z
  .object({
    taskId: Pointer.optional(),
    status: Pointer.optional(),
    succeededValues: z.array(z.string().max(64)).max(20).optional(),
    failedValues: z.array(z.string().max(64)).max(20).optional(),
    resultUrls: Pointer.optional(),
    resultText: Pointer.optional(),
    error: Pointer.optional(),
  })
  .strict()
  .openapi("StudioResponseMapping");

const PollSchema = z
  .object({ method: z.enum(["GET", "POST"]), endpoint: z.string().min(1).max(500), bodyTemplate: JsonTemplate.optional() })
  .strict()
  .openapi("StudioPollRequest");

const CancelSchema = z
  .object({ method: z.enum(["POST", "DELETE"]), endpoint: z.string().min(1).max(500), bodyTemplate: JsonTemplate.optional() })
  .strict()
  .openapi("StudioCancelRequest", {
    description:
      "How to cancel a running task (`{{taskId}}` names it); sent when the asset of a running generation is deleted. Any 2xx means the provider took it.",
  });

const Kind = z.enum(["image", "video", "text"]);

const ModelBody = z
  .object({
    id: Slug.optional(),
    name: z.string().trim().min(1).max(200),
    kind: Kind,
    method: z.enum(["POST", "PUT", "GET"]).default("POST"),
    endpoint: z.string().min(1).max(500),
    requestTemplate: JsonTemplate,
    paramsSchema: JsonSchemaObject,
    response: ResponseMappingSchema,
    poll: PollSchema.nullable().optional(),
    cancel: CancelSchema.nullable().optional(),
  })
  .strict()
  .openapi("StudioModelRequest");

const ModelPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    kind: Kind.optional(),
    method: z.enum(["POST", "PUT", "GET"]).optional(),
    endpoint: z.string().min(1).max(500).optional(),
    requestTemplate: JsonTemplate.optional(),
    paramsSchema: JsonSchemaObject.optional(),
    response: ResponseMappingSchema.optional(),
    poll: PollSchema.nullable().optional(),
    cancel: CancelSchema.nullable().optional(),
    active: z.boolean().optional().openapi({ description: "false: not offered for new work (running generations finish)" }),
  })
  .strict()
  .openapi("StudioModelUpdate");
const ProviderModelParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
  modelId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "modelId", in: "path" } }),
});

const ModelDefinitionSchema = z
  .object({
    id: z.string(),
    providerId: z.string(),
    name: z.string(),
    kind: Kind,
    method: z.string(),
    endpoint: z.string(),
    requestTemplate: JsonTemplate,
    paramsSchema: JsonSchemaObject,
    response: ResponseMappingSchema,
    poll: PollSchema.nullable(),
    cancel: CancelSchema.nullable(),
    active: z.boolean().openapi({ description: "Offered to users for new work" }),
    createdAt: z.string().nullable(),
  })
  .openapi("StudioModelDefinition");

const ProviderSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    auth: z.object({ headerName: z.string(), template: z.string(), secretRef: z.string(), secretConfigured: z.boolean() }).nullable(),
    headers: z.record(z.string(), z.string()),
    builtIn: z.boolean(),
    active: z.boolean().openapi({ description: "Its models are offered (each while it is active itself)" }),
    models: z.array(ModelDefinitionSchema),
    createdAt: z.string().nullable(),
  })
  .openapi("StudioProvider");

const ModelSchema = z
  .object({ id: z.string(), name: z.string(), providerId: z.string(), kind: Kind, paramsSchema: JsonSchemaObject, development: z.boolean() })
  .openapi("StudioModel");

const EditConfigSchema = z
  .object({
    version: z.number().int(),
    systemPrompt: z.string(),
    params: z.record(z.string(), z.unknown()),
    note: z.string(),
    createdBy: z.string().openapi({ description: "The admin who saved this version" }),
    createdAt: z.string(),
  })
  .openapi("StudioEditConfig");

const EditConfigBody = z
  .object({
    systemPrompt: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .refine((text) => text.includes(PROMPT_PLACEHOLDER), `Say where the user's words go with ${PROMPT_PLACEHOLDER}`),
    params: z
      .record(z.string().min(1).max(64), z.unknown())
      .refine((params) => Object.keys(params).length <= 20, "At most 20 params")
      .refine((params) => JSON.stringify(params).length <= 4000, "At most 4,000 characters of JSON")
      .default({})
      .openapi({ description: "Defaults under the user's own params; only those a model declares are sent to it" }),
    note: z.string().trim().max(500).default("").openapi({ description: "Why it changed: kept with the version" }),
    expectedVersion: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "The version this change was made from (0 for the first): a newer one in force is `409 edit_config_conflict`" }),
  })
  .strict()
  .openapi("StudioEditConfigRequest");

export const studioModelRoutes = createRouter()
  .openapi(
    adminRoute({
      method: "get",
      path: "/edit-config",
      tags,
      summary: "The Smart Edit configuration in force (admin)",
      description:
        "The system prompt that frames a user's words when they edit a picture with a model (a generation with `parentAssetId`), with default params; `null` until an admin saves one.",
      responses: { 200: jsonResponse(z.object({ current: EditConfigSchema.nullable() }), "The configuration in force"), ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ current: await currentEditConfig(c.get("deps")) }, 200),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/edit-config/versions",
      tags,
      summary: "Every version of the Smart Edit configuration, newest first (admin)",
      description: "The audit trail: who saved each version, when, and why. Versions never change; assets record the version that shaped them.",
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(EditConfigSchema), nextCursor: z.string().nullable() }), "Versions"),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      return c.json(await editConfigHistory(c.get("deps"), cursor, limit), 200);
    },
  )
  .openapi(
    adminRoute({
      method: "put",
      path: "/edit-config",
      tags,
      summary: "Save a new version of the Smart Edit configuration (admin)",
      description:
        "Saved as the next version and in force for edits asked from now on (edits already asked keep theirs); audited as `studio.edit_config_changed`. Two admins saving from the same version: one wins, the other gets `409 edit_config_conflict`.",
      request: { body: jsonBody(EditConfigBody) },
      responses: { 200: jsonResponse(EditConfigSchema, "The version saved"), ...problemResponses(400, 401, 403, 409, 415) },
    }),
    async (c) => c.json(await saveEditConfig(c.get("deps"), { userId: c.get("principal").userId, client: clientInfo(c.req.raw) }, c.req.valid("json")), 200),
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/providers",
      tags,
      summary: "Add an AI provider (admin)",
      description:
        "A provider is data: base URL, fixed headers and how its credential is sent (`auth.template` with `{{secret}}`). The credential is a Worker secret named by `auth.secretRef` (`STUDIO_SECRET_...`); its value is never stored in D1 nor returned.",
      request: { body: jsonBody(ProviderBody) },
      responses: { 201: jsonResponse(ProviderSchema, "The provider"), ...problemResponses(400, 401, 403, 409, 415) },
    }),
    async (c) => c.json(await createProvider(c.get("deps"), c.req.valid("json")), 201),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/providers",
      tags,
      summary: "Providers with their model definitions (admin)",
      description: "In development and tests the built-in development provider is listed first (`builtIn: true`).",
      responses: { 200: jsonResponse(z.object({ items: z.array(ProviderSchema) }), "Every provider"), ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ items: await listProviders(c.get("deps")) }, 200),
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/providers/{id}/models",
      tags,
      summary: "Add a model to a provider (admin)",
      description:
        "`requestTemplate` is JSON with `{{placeholders}}`: `prompt`, `seed`, `idempotencyKey`, `parentImageUrl` and the properties of `paramsSchema` (`{{name?}}` for optional ones); any other name is `400`. `response` holds JSON pointers into the provider's answers; with `taskId` the model is asynchronous and needs `poll` (whose endpoint may use `{{taskId}}`), and may have `cancel`, the request that stops a task whose asset was deleted.",
      request: { params: IdParam, body: jsonBody(ModelBody) },
      responses: { 201: jsonResponse(ModelDefinitionSchema, "The model"), ...problemResponses(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const model = await addModel(c.get("deps"), c.req.valid("param").id, {
        ...body,
        requestTemplate: body.requestTemplate as JsonValue,
        paramsSchema: body.paramsSchema as ParamsSchema,
        poll: body.poll ? { ...body.poll, bodyTemplate: body.poll.bodyTemplate as JsonValue | undefined } : null,
        cancel: body.cancel ? { ...body.cancel, bodyTemplate: body.cancel.bodyTemplate as JsonValue | undefined } : null,
      });
      return c.json(model, 201);
    },
  )
  .openapi(
    adminRoute({
      method: "patch",
      path: "/providers/{id}",
      tags,
      summary: "Change a provider or deactivate it (admin)",
      description:
        "Any of `name`, `baseUrl`, `auth` (null removes the credential header), `headers`; `active: false` stops offering its models for new work (generations already running finish), `active: true` offers them again. The development provider is built in (`403 built_in_provider`).",
      request: { params: IdParam, body: jsonBody(ProviderPatch) },
      responses: { 200: jsonResponse(ProviderSchema, "The provider"), ...problemResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => c.json(await updateProvider(c.get("deps"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    adminRoute({
      method: "patch",
      path: "/providers/{id}/models/{modelId}",
      tags,
      summary: "Change a model's definition or deactivate it (admin)",
      description:
        "Any field of the definition it was added with; the result is checked as a whole, like a new model. `active: false` stops offering it for new work (generations already running finish, and its assets keep its name); `active: true` offers it again.",
      request: { params: ProviderModelParams, body: jsonBody(ModelPatch) },
      responses: { 200: jsonResponse(ModelDefinitionSchema, "The model"), ...problemResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const { id, modelId } = c.req.valid("param");
      const body = c.req.valid("json");
      const model = await updateModel(c.get("deps"), id, modelId, {
        ...body,
        requestTemplate: body.requestTemplate as JsonValue | undefined,
        paramsSchema: body.paramsSchema as ParamsSchema | undefined,
        poll: body.poll === undefined ? undefined : body.poll ? { ...body.poll, bodyTemplate: body.poll.bodyTemplate as JsonValue | undefined } : null,
        cancel:
          body.cancel === undefined ? undefined : body.cancel ? { ...body.cancel, bodyTemplate: body.cancel.bodyTemplate as JsonValue | undefined } : null,
      });
      return c.json(model, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/models",
      tags,
      summary: "Models a user may generate with",
      description:
        "Never carries anything of a provider's credentials. In development and tests the built-in development provider's models (`development: true`) come first: `dev-image`, `dev-video` and `dev-text`.",
      responses: { 200: jsonResponse(z.object({ items: z.array(ModelSchema) }), "The models"), ...problemResponses(401) },
    }),
    async (c) => c.json({ items: await listModels(c.get("deps")) }, 200),
  );
