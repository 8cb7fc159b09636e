import { describe, expect, it } from "vitest";
import type { ModelDefinition, ProviderDefinition } from "../../../shared/studio/providers/definitions";
import { HttpProvider } from "../../../shared/studio/providers/http-provider";
import { ProviderError } from "../../../shared/studio/providers/provider-adapter";
import { FAKE_MODELS, FAKE_PROVIDER_URL, FakeProvider } from "../fake-provider";

const SECRET = "sk-test-0123456789abcdef";
const provider: ProviderDefinition = {
  id: "fake",
  name: "Fake",
  baseUrl: FAKE_PROVIDER_URL,
  auth: { headerName: "authorization", template: "Bearer {{secret}}", secretRef: "STUDIO_SECRET_FAKE" },
  headers: { "x-api-version": "2026-01" },
};

function model(kind: keyof typeof FAKE_MODELS): ModelDefinition {
  const definition = FAKE_MODELS[kind] as unknown as Omit<ModelDefinition, "id" | "providerId" | "poll"> & { poll?: ModelDefinition["poll"] };
  return { ...definition, id: `fake-${kind}`, providerId: "fake", poll: definition.poll ?? null };
}

function adapter(fake: FakeProvider, timeoutMs = 2000) {
  return new HttpProvider(provider, { secret: SECRET, timeoutMs, fetch: fake.fetch });
}

async function providerError(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("HttpProvider against a fake provider", () => {
  it("sends the filled template with the secret in the auth header and the idempotency key", async () => {
    const fake = new FakeProvider();
    const answer = await adapter(fake).start({
      model: model("sync"),
      variables: { prompt: 'a "cat"', width: 64, idempotencyKey: "asset-1" },
      idempotencyKey: "asset-1",
    });
    expect(answer).toEqual({
      state: "succeeded",
      taskId: undefined,
      output: {
        kind: "files",
        results: [
          { kind: "url", url: `${FAKE_PROVIDER_URL}/files/a%20%22cat%22-1.png` },
          { kind: "url", url: `${FAKE_PROVIDER_URL}/files/a%20%22cat%22-2.png` },
        ],
      },
    });
    const [request] = fake.requests;
    expect(request!.headers.get("authorization")).toBe(`Bearer ${SECRET}`);
    expect(request!.headers.get("x-api-version")).toBe("2026-01");
    expect(request!.headers.get("idempotency-key")).toBe("asset-1");
    expect(request!.body).toEqual({ input: { prompt: 'a "cat"', width: 64 }, meta: { request: "asset-1" } });
  });

  it("reads an asynchronous task: pending with its id, running, then the result URLs", async () => {
    const fake = new FakeProvider();
    const provider = adapter(fake);
    const started = await provider.start({ model: model("async"), variables: { prompt: "p", seed: 5 } });
    expect(started).toEqual({ state: "pending", taskId: "task-1", providerStatus: "queued" });
    expect(fake.requests[0]!.body).toEqual({ model: "fake-1", input: { prompt: "p", seed: 5 } });
    expect(await provider.poll(model("async"), "task-1", { prompt: "p" })).toEqual({ state: "pending", taskId: "task-1", providerStatus: "running" });
    expect(await provider.poll(model("async"), "task-1", { prompt: "p" })).toMatchObject({
      state: "succeeded",
      output: { kind: "files", results: [{ kind: "url", url: `${FAKE_PROVIDER_URL}/files/task-1.png` }] },
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/images/async", "GET /v1/tasks/task-1", "GET /v1/tasks/task-1"]);
  });

  it("a task the provider reports failed carries the provider's message", async () => {
    const fake = new FakeProvider();
    fake.pollsToFinish = 1;
    fake.asyncOutcome = "failed";
    expect(await adapter(fake).poll(model("async"), "task-9", { prompt: "p" })).toEqual({
      state: "failed",
      taskId: "task-9",
      error: "content policy: the prompt was refused",
    });
  });

  it("reads a text model's text and parses it when it is JSON", async () => {
    const fake = new FakeProvider();
    const answer = await adapter(fake).start({ model: model("text"), variables: { prompt: "hello", responseSchema: { type: "object" } } });
    expect(answer).toEqual({ state: "succeeded", taskId: undefined, output: { kind: "text", text: '{"echo":"hello"}', json: { echo: "hello" } } });
    expect(fake.requests[0]!.body).toEqual({ messages: [{ role: "user", content: "hello" }], response_format: { type: "object" } });
  });

  it("5xx and 429 are retryable (429 with its Retry-After); 4xx is not, with the provider's message", async () => {
    const fake = new FakeProvider();
    fake.failNext("/v1/images/sync", { status: 503, body: "upstream down" });
    fake.failNext("/v1/images/sync", { status: 429, body: JSON.stringify({ error: { message: "slow down" } }), headers: { "retry-after": "7" } });
    fake.failNext("/v1/images/sync", { status: 400, body: JSON.stringify({ error: { message: "width must be even" } }) });
    const call = () => adapter(fake).start({ model: model("sync"), variables: { prompt: "p", width: 64 } });
    const unavailable = await providerError(call());
    expect([unavailable.retryable, unavailable.status, unavailable.message]).toEqual([true, 503, "The provider answered 503: upstream down"]);
    const limited = await providerError(call());
    expect([limited.retryable, limited.status, limited.retryAfterSeconds]).toEqual([true, 429, 7]);
    expect(limited.message).toContain("slow down");
    const refused = await providerError(call());
    expect([refused.retryable, refused.status]).toEqual([false, 400]);
    expect(refused.message).toContain("width must be even");
  });

  it("a malformed answer fails the start but is asked again when polling", async () => {
    const fake = new FakeProvider();
    fake.failNext("/v1/images/sync", { status: 200, body: "<html>oops</html>" });
    fake.failNext("/v1/images/sync", { status: 200, body: JSON.stringify({ status: "succeeded", output: {} }) });
    fake.failNext("/v1/tasks/task-3", { status: 200, body: "not json" });
    const notJson = await providerError(adapter(fake).start({ model: model("sync"), variables: { prompt: "p", width: 64 } }));
    expect([notJson.retryable, notJson.malformed]).toEqual([false, true]);
    const noUrls = await providerError(adapter(fake).start({ model: model("sync"), variables: { prompt: "p", width: 64 } }));
    expect(noUrls.message).toContain("result URLs");
    const poll = await providerError(adapter(fake).poll(model("async"), "task-3", { prompt: "p" }));
    expect([poll.retryable, poll.malformed]).toEqual([true, true]);
  });

  it("a provider that does not answer in time is a retryable timeout", async () => {
    const fake = new FakeProvider();
    fake.failNext("/v1/images/sync", "hang");
    const error = await providerError(adapter(fake, 50).start({ model: model("sync"), variables: { prompt: "p", width: 64 } }));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("did not answer within 50 ms");
  });

  it("never lets the secret into an error message, even when the provider echoes it", async () => {
    const fake = new FakeProvider();
    fake.failNext("/v1/images/sync", { status: 401, body: JSON.stringify({ error: { message: `bad key Bearer ${SECRET}` } }) });
    const error = await providerError(adapter(fake).start({ model: model("sync"), variables: { prompt: "p", width: 64 } }));
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain("[redacted]");
  });

  it("refuses to call without its secret", async () => {
    const fake = new FakeProvider();
    const error = await providerError(
      new HttpProvider(provider, { secret: null, timeoutMs: 1000, fetch: fake.fetch }).start({ model: model("sync"), variables: { prompt: "p", width: 1 } }),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("STUDIO_SECRET_FAKE");
    expect(fake.requests).toEqual([]);
  });
});
