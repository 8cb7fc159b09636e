import { renderPng } from "../../shared/studio/providers/dev-png";

/**
 * An AI provider the tests control, answering at https://fake-provider.test:
 *   POST /v1/images/sync          -> {status:"succeeded", output:{urls:[...]}} at once
 *   POST /v1/images/async         -> {data:{taskId}}; GET /v1/tasks/:id -> running, then success with urls
 *   POST /v1/text                 -> {choices:[{message:{content}}]}
 *   POST /v1/tasks/:id/cancel     -> {data:{taskId, state:"canceled"}}; later polls of the task say "canceled"
 *   GET  /files/:name.png         -> PNG bytes
 * `failNext(path, response)` makes the next call(s) to a path answer something else (5xx, 429,
 * 4xx, a malformed body, or a hang until the caller's timeout). Every request is recorded.
 */
export const FAKE_PROVIDER_URL = "https://fake-provider.test";

type Scripted = { status: number; body?: string; headers?: Record<string, string> } | "hang";

export class FakeProvider {
  readonly requests: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  private readonly scripted = new Map<string, Scripted[]>();
  private readonly polls = new Map<string, number>();
  /** Ids of the tasks this fake started, in order. */
  readonly started: string[] = [];
  /** Tasks cancelled through POST /v1/tasks/:id/cancel. */
  readonly cancelled = new Set<string>();
  private tasks = 0;
  /** Polls after which an async task succeeds (the earlier ones answer "running"). */
  pollsToFinish = 2;
  /** What a poll of a finished task says: "success" (default) or "failed". */
  asyncOutcome: "success" | "failed" = "success";

  /** The next `times` calls to `path` answer `response` instead. */
  failNext(path: string, response: Scripted, times = 1): void {
    const list = this.scripted.get(path) ?? [];
    for (let i = 0; i < times; i++) list.push(response);
    this.scripted.set(path, list);
  }

  callsTo(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== FAKE_PROVIDER_URL) throw new Error(`the fake provider does not serve ${url.origin}`);
    const text = request.method === "GET" ? "" : await request.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // recorded as text
    }
    const path = url.pathname;
    this.requests.push({ method: request.method, path, headers: request.headers, body });

    const scripted = this.scripted.get(path)?.shift();
    if (scripted === "hang") {
      return new Promise<Response>((_, reject) => {
        const signal = request.signal;
        signal.addEventListener("abort", () => reject(signal.reason ?? new DOMException("aborted", "AbortError")));
      });
    }
    if (scripted) return new Response(scripted.body ?? "", { status: scripted.status, headers: scripted.headers });
    return this.answer(request.method, path, body);
  };

  private async answer(method: string, path: string, body: unknown): Promise<Response> {
    const json = (value: unknown, status = 200) => Response.json(value, { status });
    const prompt = (body as { input?: { prompt?: string } } | undefined)?.input?.prompt ?? "";
    if (method === "POST" && path === "/v1/images/sync") {
      return json({
        status: "succeeded",
        output: {
          urls: [
            `${FAKE_PROVIDER_URL}/files/${encodeURIComponent(prompt || "image")}-1.png`,
            `${FAKE_PROVIDER_URL}/files/${encodeURIComponent(prompt || "image")}-2.png`,
          ],
        },
      });
    }
    if (method === "POST" && path === "/v1/images/async") {
      this.tasks += 1;
      this.started.push(`task-${this.tasks}`);
      return json({ code: 200, data: { taskId: `task-${this.tasks}`, state: "queued" } });
    }
    const cancel = /^\/v1\/tasks\/([^/]+)\/cancel$/.exec(path);
    if (method === "POST" && cancel) {
      const id = decodeURIComponent(cancel[1]!);
      this.cancelled.add(id);
      return json({ data: { taskId: id, state: "canceled" } });
    }
    const task = /^\/v1\/tasks\/([^/]+)$/.exec(path);
    if (method === "GET" && task) {
      const id = decodeURIComponent(task[1]!);
      if (this.cancelled.has(id)) return json({ data: { taskId: id, state: "canceled" } });
      const polls = (this.polls.get(id) ?? 0) + 1;
      this.polls.set(id, polls);
      if (polls < this.pollsToFinish) return json({ data: { taskId: id, state: "running" } });
      if (this.asyncOutcome === "failed") return json({ data: { taskId: id, state: "failed", failMsg: "content policy: the prompt was refused" } });
      return json({ data: { taskId: id, state: "success", resultUrls: [`${FAKE_PROVIDER_URL}/files/${id}.png`] } });
    }
    if (method === "POST" && path === "/v1/text") {
      const messages = (body as { messages?: { content: string }[] } | undefined)?.messages ?? [];
      return json({ choices: [{ message: { content: JSON.stringify({ echo: messages.at(-1)?.content ?? "" }) } }] });
    }
    const file = /^\/files\/(.+)\.png$/.exec(path);
    if (method === "GET" && file) {
      return new Response(await renderPng(decodeURIComponent(file[1]!), 1, 32, 32), { headers: { "content-type": "image/png" } });
    }
    return json({ error: { message: `no route ${method} ${path}` } }, 404);
  }
}

/** Definitions of the fake provider's models, as an admin would post them. */
export const FAKE_MODELS = {
  sync: {
    name: "Fake sync image",
    kind: "image",
    method: "POST",
    endpoint: "/v1/images/sync",
    requestTemplate: { input: { prompt: "{{prompt}}", width: "{{width}}", seed: "{{seed?}}" }, meta: { request: "{{idempotencyKey?}}" } },
    paramsSchema: { type: "object", properties: { width: { type: "integer", minimum: 16, maximum: 2048, default: 512 } }, additionalProperties: false },
    response: { status: "/status", resultUrls: "/output/urls", error: "/error/message" },
  },
  async: {
    name: "Fake async image",
    kind: "image",
    method: "POST",
    endpoint: "/v1/images/async",
    requestTemplate: { model: "fake-1", input: { prompt: "{{prompt}}", seed: "{{seed?}}" } },
    paramsSchema: { type: "object", properties: {}, additionalProperties: false },
    response: { taskId: "/data/taskId", status: "/data/state", resultUrls: "/data/resultUrls", error: "/data/failMsg" },
    poll: { method: "GET", endpoint: "/v1/tasks/{{taskId}}" },
  },
  cancellable: {
    name: "Fake async image that can be cancelled",
    kind: "image",
    method: "POST",
    endpoint: "/v1/images/async",
    requestTemplate: { model: "fake-1", input: { prompt: "{{prompt}}", seed: "{{seed?}}" } },
    paramsSchema: { type: "object", properties: {}, additionalProperties: false },
    response: { taskId: "/data/taskId", status: "/data/state", resultUrls: "/data/resultUrls", error: "/data/failMsg" },
    poll: { method: "GET", endpoint: "/v1/tasks/{{taskId}}" },
    cancel: { method: "POST", endpoint: "/v1/tasks/{{taskId}}/cancel" },
  },
  text: {
    name: "Fake text",
    kind: "text",
    method: "POST",
    endpoint: "/v1/text",
    requestTemplate: { messages: [{ role: "user", content: "{{prompt}}" }], response_format: "{{responseSchema?}}" },
    paramsSchema: { type: "object", properties: { responseSchema: { type: "object" } }, additionalProperties: false },
    response: { resultText: "/choices/0/message/content", error: "/error/message" },
  },
} as const;
