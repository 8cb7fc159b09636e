import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../../shared/db/client";
import type { Env } from "../../../shared/env";
import { pollModelTask, startModelTask } from "../../../shared/studio/providers/model-tasks";
import { FakeProvider } from "../fake-provider";
import { FAKE_SECRET, newAdmin, registerFakeProvider } from "./fixtures";

const db = createDatabase(env.DB);

describe("startModelTask / pollModelTask (the provider layer without the asset pipeline)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("dev-text answers at once with JSON of the responseSchema", async () => {
    const responseSchema = { type: "object", properties: { title: { type: "string", maxLength: 30 }, tags: { type: "array", items: { type: "string" }, maxItems: 3 } }, required: ["title", "tags"] };
    const result = await startModelTask(env, db, "dev-text", { prompt: "Backend engineer, Go, remote", params: { responseSchema } });
    expect(result).toMatchObject({ kind: "done", output: { kind: "text", json: { title: expect.any(String), tags: expect.any(Array) } } });
  });

  it("dev-image is pending, then done with PNG bytes after two polls", async () => {
    const input = { prompt: "lighthouse", params: { width: 16, height: 16, seed: 1 }, idempotencyKey: crypto.randomUUID() };
    const started = await startModelTask(env, db, "dev-image", input);
    expect(started).toMatchObject({ kind: "pending", providerStatus: "queued" });
    const taskId = (started as { taskId: string }).taskId;
    expect(await pollModelTask(env, db, "dev-image", taskId, input)).toMatchObject({ kind: "pending", providerStatus: "running" });
    expect(await pollModelTask(env, db, "dev-image", taskId, input)).toMatchObject({ kind: "done", output: { kind: "files", results: [{ kind: "bytes" }] } });
  });

  it("calls a stored HTTP model with the Worker secret and reads its answers", async () => {
    const { models } = await registerFakeProvider(await newAdmin());
    const fake = new FakeProvider();
    vi.spyOn(globalThis, "fetch").mockImplementation(fake.fetch);
    const input = { prompt: "a boat" };
    const started = await startModelTask(env, db, models.async, input);
    expect(started).toEqual({ kind: "pending", taskId: "task-1", providerStatus: "queued" });
    expect(fake.requests[0]!.headers.get("authorization")).toBe(`Bearer ${FAKE_SECRET}`);
    await pollModelTask(env, db, models.async, "task-1", input);
    expect(await pollModelTask(env, db, models.async, "task-1", input)).toEqual({
      kind: "done",
      output: { kind: "files", results: [{ kind: "url", url: "https://fake-provider.test/files/task-1.png" }] },
    });
    expect(await startModelTask(env, db, models.text, { prompt: "hi" })).toEqual({ kind: "done", output: { kind: "text", text: '{"echo":"hi"}', json: { echo: "hi" } } });
  });

  it("refuses params that fail the model's schema (400) and unknown models (404)", async () => {
    await expect(startModelTask(env, db, "dev-image", { prompt: "x", params: { width: 5000 } })).rejects.toMatchObject({ status: 400, code: "invalid_params" });
    await expect(startModelTask(env, db, "no-such-model", { prompt: "x" })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
  });

  it("offers no development model outside development and tests", async () => {
    const production = { ...env, ENVIRONMENT: "production" } as Env;
    await expect(startModelTask(production, db, "dev-text", { prompt: "x" })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
  });
});
