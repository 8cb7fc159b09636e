import { afterEach, describe, expect, it, vi } from "vitest";
import { pollModelTask, startModelTask } from "../../../shared/studio/providers/model-tasks";
import { testDeps } from "../../kit/deps";
import { FakeProvider } from "../fake-provider";
import { FAKE_SECRET, newAdmin, registerFakeProvider } from "./fixtures";

describe("startModelTask / pollModelTask (the provider layer without the asset pipeline)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("dev-text answers at once with JSON of the responseSchema", async () => {
    const responseSchema = {
      type: "object",
      properties: { title: { type: "string", maxLength: 30 }, tags: { type: "array", items: { type: "string" }, maxItems: 3 } },
      required: ["title", "tags"],
    };
    const result = await startModelTask(testDeps(), "dev-text", { prompt: "Backend engineer, Go, remote", params: { responseSchema } });
    expect(result).toMatchObject({ kind: "done", output: { kind: "text", json: { title: expect.any(String), tags: expect.any(Array) } } });
  });

  it("dev-image is pending, then done with PNG bytes after two polls", async () => {
    const input = { prompt: "lighthouse", params: { width: 16, height: 16, seed: 1 }, idempotencyKey: crypto.randomUUID() };
    const started = await startModelTask(testDeps(), "dev-image", input);
    expect(started).toMatchObject({ kind: "pending", providerStatus: "queued" });
    const taskId = (started as { taskId: string }).taskId;
    expect(await pollModelTask(testDeps(), "dev-image", taskId, input)).toMatchObject({ kind: "pending", providerStatus: "running" });
    expect(await pollModelTask(testDeps(), "dev-image", taskId, input)).toMatchObject({
      kind: "done",
      output: { kind: "files", results: [{ kind: "bytes" }] },
    });
  });

  it("calls a stored HTTP model with the Worker secret and reads its answers", async () => {
    const { models } = await registerFakeProvider(await newAdmin());
    const fake = new FakeProvider();
    vi.spyOn(globalThis, "fetch").mockImplementation(fake.fetch);
    const input = { prompt: "a boat" };
    const started = await startModelTask(testDeps(), models.async, input);
    expect(started).toEqual({ kind: "pending", taskId: "task-1", providerStatus: "queued" });
    expect(fake.requests[0]!.headers.get("authorization")).toBe(`Bearer ${FAKE_SECRET}`);
    await pollModelTask(testDeps(), models.async, "task-1", input);
    expect(await pollModelTask(testDeps(), models.async, "task-1", input)).toEqual({
      kind: "done",
      output: { kind: "files", results: [{ kind: "url", url: "https://fake-provider.test/files/task-1.png" }] },
    });
    expect(await startModelTask(testDeps(), models.text, { prompt: "hi" })).toEqual({
      kind: "done",
      output: { kind: "text", text: '{"echo":"hi"}', json: { echo: "hi" } },
    });
  });

  it("refuses params that fail the model's schema (400) and unknown models (404)", async () => {
    await expect(startModelTask(testDeps(), "dev-image", { prompt: "x", params: { width: 5000 } })).rejects.toMatchObject({
      status: 400,
      code: "invalid_params",
    });
    await expect(startModelTask(testDeps(), "no-such-model", { prompt: "x" })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
  });

  it("offers no development model outside development and tests", async () => {
    await expect(startModelTask(testDeps({ vars: { ENVIRONMENT: "production" } }), "dev-text", { prompt: "x" })).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
  });
});
