import { logEvent } from "../../observability/log";
import { tracedFetch } from "../../observability/trace-scope";
import { DEFAULT_FAILED_VALUES, DEFAULT_SUCCEEDED_VALUES, type ModelDefinition, type ProviderDefinition } from "./definitions";
import { resolvePointer } from "./json-pointer";
import { type CancelAnswer, type ModelOutput, type ProviderAdapter, ProviderError, type TaskAnswer, type TaskRequest } from "./provider-adapter";
import { fillPathTemplate, fillTemplate, type JsonValue, TemplateError } from "./templates";
import { readAtMost } from "../../http/bounded-read";

const MAX_MESSAGE = 500;
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface HttpProviderOptions {
  /** The value of the provider's secret (read from the Worker's secrets by name); null when it has none. */
  secret: string | null;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A provider reached over HTTP, described entirely by its definition and its models' templates. */
export class HttpProvider implements ProviderAdapter {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly provider: ProviderDefinition,
    private readonly options: HttpProviderOptions,
  ) {
    this.fetch = options.fetch ?? tracedFetch;
  }

  async start(request: TaskRequest): Promise<TaskAnswer> {
    const { model, variables } = request;
    const body = model.method === "GET" ? undefined : this.fill(() => fillTemplate(model.requestTemplate, variables));
    const path = this.fill(() => fillPathTemplate(model.endpoint, variables));
    const answer = await this.call(model, model.method, path, body, request.idempotencyKey);
    return this.read(model, answer, null);
  }

  async poll(model: ModelDefinition, taskId: string, variables: Record<string, JsonValue>): Promise<TaskAnswer> {
    if (!model.poll) throw new ProviderError(false, `Model ${model.id} has no poll request`);
    const poll = model.poll;
    const pollVariables = { ...variables, taskId };
    const path = this.fill(() => fillPathTemplate(poll.endpoint, pollVariables));
    const body = poll.method === "GET" ? undefined : this.fill(() => fillTemplate(poll.bodyTemplate ?? {}, pollVariables));
    try {
      return this.read(model, await this.call(model, poll.method, path, body, undefined), taskId);
    } catch (error) {
      // The task exists already: an unreadable status answer may be a passing fault, so it is asked again.
      if (error instanceof ProviderError && error.malformed) throw new ProviderError(true, error.message, error.status, undefined, true);
      throw error;
    }
  }

  /** Sends the model's cancel request; any 2xx (a body or none) means the provider took it. */
  async cancel(model: ModelDefinition, taskId: string, variables: Record<string, JsonValue>): Promise<CancelAnswer> {
    if (!model.cancel) return "unsupported";
    const cancel = model.cancel;
    const cancelVariables = { ...variables, taskId };
    const path = this.fill(() => fillPathTemplate(cancel.endpoint, cancelVariables));
    const body = cancel.bodyTemplate === undefined ? undefined : this.fill(() => fillTemplate(cancel.bodyTemplate!, cancelVariables));
    await this.call(model, cancel.method, path, body, undefined, false);
    return "cancelled";
  }

  private fill<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof TemplateError) throw new ProviderError(false, error.message);
      throw error;
    }
  }

  private async call(
    model: ModelDefinition,
    method: string,
    path: string,
    body: JsonValue | undefined,
    idempotencyKey: string | undefined,
    answerIsJson = true,
  ): Promise<unknown> {
    const headers = new Headers(this.provider.headers);
    headers.set("accept", "application/json");
    if (body !== undefined) headers.set("content-type", "application/json");
    if (idempotencyKey) headers.set("idempotency-key", idempotencyKey);
    const auth = this.provider.auth;
    if (auth) {
      if (!this.options.secret) throw new ProviderError(false, `The secret ${auth.secretRef} of provider ${this.provider.id} is not set`);
      headers.set(auth.headerName, auth.template.replaceAll("{{secret}}", this.options.secret));
    }
    const url = `${this.provider.baseUrl.replace(/\/+$/, "")}${path}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      // The failure becomes a task's reason, which its owner reads: the fetch error's words stay in the log.
      if (!timedOut) logEvent("warn", "AI provider not reached", { providerId: this.provider.id, error: this.redact(String(error)) });
      throw new ProviderError(true, timedOut ? `The provider did not answer within ${this.options.timeoutMs} ms` : "The provider could not be reached");
    }
    const text = await readLimited(response);
    const parsed = parseJson(text);
    if (response.status === 429 || response.status >= 500) {
      throw new ProviderError(
        true,
        `The provider answered ${response.status}: ${this.messageOf(parsed, text, model.response.error)}`,
        response.status,
        retryAfter(response.headers.get("retry-after")),
      );
    }
    if (!response.ok)
      throw new ProviderError(
        false,
        `The provider refused the request (${response.status}): ${this.messageOf(parsed, text, model.response.error)}`,
        response.status,
      );
    if (parsed === undefined && answerIsJson)
      throw new ProviderError(false, `The provider answered ${response.status} with a body that is not JSON`, response.status, undefined, true);
    return parsed;
  }

  /** The task state in a provider's answer, read with the model's pointers. */
  private read(model: ModelDefinition, answer: unknown, knownTaskId: string | null): TaskAnswer {
    const mapping = model.response;
    const malformed = (what: string) => new ProviderError(false, `The provider's answer has no ${what} at the model's pointer`, undefined, undefined, true);
    const taskIdValue = mapping.taskId ? resolvePointer(answer, mapping.taskId) : undefined;
    const taskId = knownTaskId ?? (typeof taskIdValue === "string" || typeof taskIdValue === "number" ? String(taskIdValue) : undefined);
    const statusValue = mapping.status ? resolvePointer(answer, mapping.status) : undefined;
    const status = typeof statusValue === "string" || typeof statusValue === "number" ? String(statusValue) : undefined;
    const errorValue = mapping.error ? resolvePointer(answer, mapping.error) : undefined;
    const providerError =
      typeof errorValue === "string" && errorValue ? errorValue : errorValue != null && typeof errorValue === "object" ? JSON.stringify(errorValue) : undefined;

    const failed = (mapping.failedValues ?? DEFAULT_FAILED_VALUES).map((v) => v.toLowerCase());
    const succeeded = (mapping.succeededValues ?? DEFAULT_SUCCEEDED_VALUES).map((v) => v.toLowerCase());
    const normalized = status?.toLowerCase();
    if (normalized !== undefined && failed.includes(normalized)) {
      return { state: "failed", error: this.redact(providerError ?? `The provider reports the task ${status}`).slice(0, MAX_MESSAGE), taskId };
    }
    const asynchronous = Boolean(mapping.taskId);
    const done = normalized !== undefined ? succeeded.includes(normalized) : !asynchronous;
    if (!done) {
      if (mapping.status && status === undefined && knownTaskId) throw malformed("status");
      if (!taskId) throw malformed("task id");
      return { state: "pending", taskId, providerStatus: status };
    }
    return { state: "succeeded", output: this.outputOf(model, answer, malformed), taskId };
  }

  private outputOf(model: ModelDefinition, answer: unknown, malformed: (what: string) => ProviderError): ModelOutput {
    const mapping = model.response;
    if (model.kind === "text") {
      const text = resolvePointer(answer, mapping.resultText ?? "");
      if (typeof text !== "string") throw malformed("text");
      return { kind: "text", text, ...jsonOf(text) };
    }
    const value = resolvePointer(answer, mapping.resultUrls ?? "");
    const urls = typeof value === "string" ? [value] : Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : null;
    if (!urls || urls.length === 0 || !urls.every(isHttpUrl)) throw malformed("result URLs");
    return { kind: "files", results: urls.map((url) => ({ kind: "url", url })) };
  }

  /** The provider's own words for a refusal: the model's error pointer, else the usual places. */
  private messageOf(parsed: unknown, text: string, errorPointer: string | undefined): string {
    const pointers = [...(errorPointer ? [errorPointer] : []), "/error/message", "/error", "/message", "/detail", "/msg"];
    const fromBody = parsed && typeof parsed === "object" ? firstString(parsed, pointers) : undefined;
    return this.redact(fromBody ?? (text.trim() || "no body")).slice(0, MAX_MESSAGE);
  }

  /** A provider may echo the request's headers back: never let the secret into a stored message. */
  private redact(text: string): string {
    const secret = this.options.secret;
    return secret ? text.replaceAll(secret, "[redacted]") : text;
  }
}

function firstString(document: unknown, pointers: string[]): string | undefined {
  for (const pointer of pointers) {
    const value = resolvePointer(document, pointer);
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

function jsonOf(text: string): { json?: JsonValue } {
  const parsed = parseJson(text);
  return parsed === undefined ? {} : { json: parsed as JsonValue };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function retryAfter(header: string | null): number | undefined {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/** The body as text, at most MAX_ANSWER_BYTES: a provider answer is JSON, never a download. */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return "";
  const bytes = await readAtMost(response.body, MAX_ANSWER_BYTES);
  if (!bytes) throw new ProviderError(false, `The provider's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
  return new TextDecoder().decode(bytes);
}
