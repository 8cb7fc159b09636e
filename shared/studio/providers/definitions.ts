import { Validator } from "@cfworker/json-schema";
import { badRequest, type FieldProblem } from "../../http/errors";
import { JSON_POINTER } from "./json-pointer";
import { checkPlaceholders, fillPathTemplate, type JsonValue, TemplateError, type TemplateVariables } from "./templates";
import { logEvent } from "../../observability/log";

export type ModelKind = "image" | "video" | "text";

/** Where a provider's answer (to the start request and to each poll) keeps what the platform reads. */
export interface ResponseMapping {
  /** Pointer to the task id of an asynchronous API; absent for a synchronous one. */
  taskId?: string;
  /** Pointer to the task's status; compared with the values below. */
  status?: string;
  succeededValues?: string[];
  failedValues?: string[];
  /** Pointer to a URL or an array of URLs of the results (image and video models). */
  resultUrls?: string;
  /** Pointer to the generated text (text models). */
  resultText?: string;
  /** Pointer to the provider's error message. */
  error?: string;
}

export interface PollRequest {
  method: "GET" | "POST";
  /** Path below the base URL; `{{taskId}}` names the task. */
  endpoint: string;
  bodyTemplate?: JsonValue;
}

/** The request that cancels a running task, for providers that offer one. */
export interface CancelRequest {
  method: "POST" | "DELETE";
  /** Path below the base URL; `{{taskId}}` names the task. */
  endpoint: string;
  bodyTemplate?: JsonValue;
}

export interface ModelDefinition {
  id: string;
  providerId: string;
  name: string;
  kind: ModelKind;
  method: "POST" | "PUT" | "GET";
  endpoint: string;
  requestTemplate: JsonValue;
  paramsSchema: ParamsSchema;
  response: ResponseMapping;
  poll: PollRequest | null;
  /** How to cancel a task (asynchronous models whose provider can); null when it cannot be cancelled. */
  cancel: CancelRequest | null;
}

export interface ProviderAuth {
  headerName: string;
  /** The header's value with `{{secret}}` where the secret goes. */
  template: string;
  /** Name of the Worker secret. */
  secretRef: string;
}

export interface ProviderDefinition {
  id: string;
  name: string;
  baseUrl: string;
  auth: ProviderAuth | null;
  headers: Record<string, string>;
}

/** A JSON Schema of an object, the params a model takes. */
export interface ParamsSchema {
  type: "object";
  properties?: Record<string, unknown>;
  [keyword: string]: unknown;
}

export const DEFAULT_SUCCEEDED_VALUES = ["succeeded", "success", "successful", "completed", "complete", "done", "finished"];
export const DEFAULT_FAILED_VALUES = ["failed", "fail", "failure", "error", "errored", "canceled", "cancelled", "rejected", "expired"];

/**
 * Variables every request has, whatever the model: the user's prompt, the seed, the asset id as an
 * idempotency key, and a signed URL of the parent asset (image to video). Params may not reuse them.
 */
export const REQUEST_VARIABLES = ["prompt", "seed", "idempotencyKey", "parentImageUrl"] as const;
/** What a poll or cancel request knows besides the request's variables. */
export const POLL_VARIABLES = ["taskId"] as const;

/** Names of Worker secrets a provider may refer to: its own prefix, so no platform secret (signing keys, tokens) can be sent out. */
export const SECRET_REF_PATTERN = /^STUDIO_SECRET_[A-Z0-9_]{1,48}$/;

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Checks a model definition as a whole before it is saved; throws 400 listing every problem. */
export function checkModelDefinition(model: Omit<ModelDefinition, "id" | "providerId">): void {
  const problems: FieldProblem[] = [];
  const schemaProblem = paramsSchemaProblem(model.paramsSchema);
  if (schemaProblem) problems.push({ path: "paramsSchema", message: schemaProblem });
  const params = Object.keys(model.paramsSchema.properties ?? {});
  const known = new Set<string>([...REQUEST_VARIABLES, ...params]);
  const pollKnown = new Set<string>([...known, ...POLL_VARIABLES]);

  const placeholders = (template: unknown, names: ReadonlySet<string>, path: string) => {
    try {
      checkPlaceholders(template, names, path);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push({ path, message: error.message, code: error.code });
    }
  };
  placeholders(model.requestTemplate, known, "requestTemplate");
  placeholders(model.endpoint, known, "endpoint");
  if (!model.endpoint.startsWith("/")) problems.push({ path: "endpoint", message: "A path below the provider's base URL, starting with /" });

  const mapping = model.response;
  for (const [field, pointer] of Object.entries(mapping)) {
    if (typeof pointer === "string" && !JSON_POINTER.test(pointer)) problems.push({ path: `response.${field}`, message: "Not a JSON pointer (RFC 6901)" });
  }
  if (model.kind === "text" && !mapping.resultText) problems.push({ path: "response.resultText", message: "A text model needs a pointer to its text" });
  if (model.kind !== "text" && !mapping.resultUrls)
    problems.push({ path: "response.resultUrls", message: "An image or video model needs a pointer to its result URLs" });
  if (mapping.taskId) {
    if (!model.poll) problems.push({ path: "poll", message: "An asynchronous model (response.taskId) needs a poll request" });
    if (!mapping.status) problems.push({ path: "response.status", message: "An asynchronous model needs a pointer to the task status" });
  } else if (model.poll) {
    problems.push({ path: "response.taskId", message: "A poll request needs a pointer to the task id" });
  }
  if (model.poll) {
    placeholders(model.poll.endpoint, pollKnown, "poll.endpoint");
    if (!model.poll.endpoint.startsWith("/")) problems.push({ path: "poll.endpoint", message: "A path below the provider's base URL, starting with /" });
    if (model.poll.bodyTemplate !== undefined) placeholders(model.poll.bodyTemplate, pollKnown, "poll.bodyTemplate");
  }
  if (model.cancel) {
    if (!mapping.taskId) problems.push({ path: "cancel", message: "Only an asynchronous model (response.taskId) has tasks to cancel" });
    placeholders(model.cancel.endpoint, pollKnown, "cancel.endpoint");
    if (!model.cancel.endpoint.startsWith("/")) problems.push({ path: "cancel.endpoint", message: "A path below the provider's base URL, starting with /" });
    if (model.cancel.bodyTemplate !== undefined) placeholders(model.cancel.bodyTemplate, pollKnown, "cancel.bodyTemplate");
  }
  if (problems.length > 0) throw badRequest("invalid_model", "The model definition is not usable", problems);
}

/** Stand-ins for what a request knows only later (the task id, the asset id), to check endpoints before any work. */
const LATER_VARIABLES = { taskId: "task", idempotencyKey: "key", parentImageUrl: "url" } as const;

/**
 * Refuses (400 `invalid_params`, naming each param) values that would make a segment of one of
 * the model's endpoints `.` or `..`, before anything is stored or sent; the HTTP provider refuses
 * them again when it fills the path.
 */
export function checkPathValues(model: Pick<ModelDefinition, "endpoint" | "poll" | "cancel">, variables: TemplateVariables): void {
  const names = new Set<string>();
  for (const endpoint of [model.endpoint, model.poll?.endpoint, model.cancel?.endpoint]) {
    if (endpoint === undefined) continue;
    try {
      fillPathTemplate(endpoint, { ...LATER_VARIABLES, ...variables });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      if (error.code === "invalid_path_value") for (const name of error.names) names.add(name);
    }
  }
  if (names.size === 0) return;
  throw badRequest(
    "invalid_params",
    "A param used in the model's endpoint path cannot be . or ..",
    [...names].sort().map((name) => ({
      path: (REQUEST_VARIABLES as readonly string[]).includes(name) ? name : `params.${name}`,
      message: "Not . or .. (it is a segment of the provider's URL path)",
      code: "invalid_path_value",
    })),
  );
}

/** Why `schema` cannot be a model's params schema, or null when it can. */
export function paramsSchemaProblem(schema: unknown): string | null {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return "A JSON Schema object";
  const object = schema as Record<string, unknown>;
  if (object.type !== "object") return 'The params schema describes an object ("type": "object")';
  const properties = object.properties ?? {};
  if (properties === null || typeof properties !== "object" || Array.isArray(properties)) return "properties is an object of schemas";
  for (const name of Object.keys(properties)) {
    if (!PARAM_NAME.test(name)) return `Param "${name}" is not a usable placeholder name (letters, digits, _)`;
    if ((REQUEST_VARIABLES as readonly string[]).includes(name) && name !== "seed") return `Param "${name}" is a variable every request has`;
  }
  try {
    new Validator(object as never, "2020-12", false).validate({});
  } catch (error) {
    logEvent("warn", "params schema refused", { error: String(error) });
    return "The schema cannot be used (the validator refused it: check $ref and keywords)";
  }
  return null;
}

/** Checks a provider's auth before it is saved: the secret's name has the studio prefix, the template uses `{{secret}}` only. */
export function checkProviderAuth(auth: ProviderAuth | null): void {
  if (!auth) return;
  const problems: FieldProblem[] = [];
  if (!SECRET_REF_PATTERN.test(auth.secretRef)) {
    problems.push({ path: "auth.secretRef", message: "The name of a Worker secret starting with STUDIO_SECRET_ (A-Z, 0-9, _)" });
  }
  try {
    checkPlaceholders(auth.template, new Set(["secret"]), "auth.template");
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    problems.push({ path: "auth.template", message: error.message, code: error.code });
  }
  if (!auth.template.includes("{{secret}}")) problems.push({ path: "auth.template", message: "The template places the secret with {{secret}}" });
  if (problems.length > 0) throw badRequest("invalid_provider", "The provider definition is not usable", problems);
}
