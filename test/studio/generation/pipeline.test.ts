import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../../shared/clock";
import type { JobMessage } from "../../../shared/env";
import { runGenerationJob } from "../../../shared/studio/generation/pipeline";
import { storeResult } from "../../../shared/studio/generation/result-files";
import { sweepGenerations } from "../../../shared/studio/generation/sweep";
import { renderPng } from "../../../shared/studio/providers/dev-png";
import { handleJobBatch } from "../../../workers/jobs/queue";
import { deadLetterHandlers, jobHandlers } from "../../../workers/modules";
import { api, openSocket, registerUser, type TestUser } from "../../helpers";
import { detectType } from "../../../shared/media/media-types";
import { newAdmin, registerFakeProvider } from "../providers/fixtures";
import { fileCount, generate, generationRow, installFakeProvider, newBox, readAsset, settled, until } from "./fixtures";
import { testDeps } from "../../kit/deps";

async function content(user: TestUser, fileId: string): Promise<Uint8Array> {
  const response = await api(`/v1/files/${fileId}/content`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

let fakeModels: Awaited<ReturnType<typeof registerFakeProvider>>["models"] | undefined;
async function models() {
  fakeModels ??= (await registerFakeProvider(await newAdmin())).models;
  return fakeModels;
}

async function setup() {
  const user = await registerUser();
  return { user, box: await newBox(user), models: await models() };
}

describe("generation with the development provider", () => {
  it("goes pending -> processing -> completed, pushing asset.updated to the owner's hub each time, with a PNG and a thumbnail", async () => {
    const user = await registerUser();
    const box = await newBox(user);
    const hub = await openSocket("/v1/realtime", user.accessToken);
    await hub.next("hello");
    const [pending] = await generate(user, box, { modelId: "dev-image", prompt: "red fox in snow", params: { width: 48, height: 32, seed: 7 } });
    const statuses: string[] = [];
    for (;;) {
      const frame = await hub.next("asset.updated", () => true, 20_000);
      expect(frame.asset.id).toBe(pending!.id);
      statuses.push(frame.asset.status);
      if (frame.asset.status === "completed" || frame.asset.status === "failed") break;
    }
    expect(statuses[0]).toBe("pending");
    expect(statuses).toContain("processing");
    expect(statuses.at(-1)).toBe("completed");
    const asset = await readAsset(user, pending!.id);
    expect(asset).toMatchObject({ status: "completed", error: null });
    expect(await content(user, asset.fileId!)).toEqual(await renderPng("red fox in snow", 7, 48, 32));
    const thumbnail = await content(user, asset.thumbnailFileId!);
    expect((await detectType(thumbnail))?.mime).toBe("image/webp");
    const row = await env.DB.prepare("SELECT provider_task_id, attempts FROM studio_assets WHERE id = ?")
      .bind(asset.id)
      .first<{ provider_task_id: string; attempts: number }>();
    expect(row).toEqual({ provider_task_id: `devtask-${asset.id}`, attempts: 3 });
    expect(await generationRow(asset.id)).toBeNull();
    hub.close();
  });
});

describe("generation against a fake provider", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a synchronous model: every result stored, the first in the asset, the others as sibling assets; the template and idempotency key sent", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    const [pending] = await generate(user, box, { modelId: models.sync, prompt: 'say "hi" {now}', params: { width: 64 } });
    const asset = await settled(user, pending!.id);
    expect(asset).toMatchObject({ status: "completed", error: null });
    const start = fake.requests.find((r) => r.path === "/v1/images/sync")!;
    expect(start.body).toEqual({ input: { prompt: 'say "hi" {now}', width: 64, seed: pending!.seed }, meta: { request: pending!.id } });
    expect(start.headers.get("idempotency-key")).toBe(pending!.id);
    expect(fake.callsTo("/v1/images/sync")).toBe(1);
    const list = await (await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken })).json<{
      items: { id: string; status: string; fileId: string }[];
    }>();
    expect(list.items).toHaveLength(2);
    expect(list.items.every((a) => a.status === "completed" && a.fileId)).toBe(true);
    expect(new Set(list.items.map((a) => a.fileId)).size).toBe(2);
  });

  it("an asynchronous model: task id stored, polled until success", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.pollsToFinish = 3;
    const [pending] = await generate(user, box, { modelId: models.async, prompt: "async boat" });
    const asset = await settled(user, pending!.id);
    expect(asset.status).toBe("completed");
    expect(fake.callsTo("/v1/images/async")).toBe(1);
    const row = await env.DB.prepare("SELECT provider_task_id, attempts FROM studio_assets WHERE id = ?")
      .bind(asset.id)
      .first<{ provider_task_id: string; attempts: number }>();
    expect(row!.attempts).toBe(4);
    expect(fake.callsTo(`/v1/tasks/${row!.provider_task_id}`)).toBe(3);
  });

  it("a task the provider reports failed fails the asset with the provider's message", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.pollsToFinish = 1;
    fake.asyncOutcome = "failed";
    const [pending] = await generate(user, box, { modelId: models.async, prompt: "refused" });
    expect(await settled(user, pending!.id)).toMatchObject({ status: "failed", error: "content policy: the prompt was refused", fileId: null });
  });

  it("a 4xx fails at once, without a retry", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/v1/images/sync", { status: 422, body: JSON.stringify({ error: { message: "prompt too short" } }) });
    const [pending] = await generate(user, box, { modelId: models.sync, prompt: "x" });
    const asset = await settled(user, pending!.id);
    expect(asset.status).toBe("failed");
    expect(asset.error).toContain("prompt too short");
    expect(fake.callsTo("/v1/images/sync")).toBe(1);
  });

  it("429 then success: retried after Retry-After, then completed", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/v1/images/sync", { status: 429, body: "busy", headers: { "retry-after": "1" } });
    const [pending] = await generate(user, box, { modelId: models.sync, prompt: "patience" });
    expect((await settled(user, pending!.id)).status).toBe("completed");
    expect(fake.callsTo("/v1/images/sync")).toBe(2);
  });

  it("5xx and a timeout are retried, then completed", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/v1/images/async", { status: 502, body: "bad gateway" });
    fake.failNext("/v1/images/async", "hang");
    const [pending] = await generate(user, box, { modelId: models.async, prompt: "flaky" });
    expect((await settled(user, pending!.id, 30_000)).status).toBe("completed");
    expect(fake.callsTo("/v1/images/async")).toBe(3);
  });

  it("a malformed start answer fails the asset; a malformed poll answer is asked again", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/v1/images/sync", { status: 200, body: "<html>maintenance</html>" });
    const [broken] = await generate(user, box, { modelId: models.sync, prompt: "m" });
    expect((await settled(user, broken!.id)).error).toContain("not JSON");
    fake.failNext("/v1/tasks/task-1", { status: 200, body: JSON.stringify({ nothing: true }) });
    const [polled] = await generate(user, box, { modelId: models.async, prompt: "m2" });
    expect((await settled(user, polled!.id)).status).toBe("completed");
  });

  it("a result that is not an image (by its bytes) fails the asset", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/files/html-1.png", { status: 200, body: "<!doctype html><script>alert(1)</script>", headers: { "content-type": "image/png" } });
    const [pending] = await generate(user, box, { modelId: models.sync, prompt: "html" });
    const asset = await settled(user, pending!.id);
    expect(asset.status).toBe("failed");
    expect(asset.error).toMatch(/not a known file type|cannot be/);
  });
});

describe("idempotency", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a redelivered message creates no second provider task, asset or file", async () => {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.pollsToFinish = 1_000_000;
    const [pending] = await generate(user, box, { modelId: models.async, prompt: "once" });
    await until(user, pending!.id, (a) => a.status === "processing");
    await vi.waitFor(() => expect(fake.requests.some((r) => r.path.startsWith("/v1/tasks/"))).toBe(true), { timeout: 10_000 });
    // The current message, delivered again twice (as after a crash): the first may poll, the copy finds the token moved on.
    const token = (await generationRow(pending!.id))!.token;
    await runGenerationJob({ kind: "studio.generation", assetId: pending!.id, token }, testDeps());
    await runGenerationJob({ kind: "studio.generation", assetId: pending!.id, token }, testDeps());
    expect(fake.callsTo("/v1/images/async")).toBe(1);
    fake.pollsToFinish = 0;
    const asset = await settled(user, pending!.id);
    expect(asset.status).toBe("completed");
    const files = await fileCount(user.id);
    await runGenerationJob({ kind: "studio.generation", assetId: pending!.id, token }, testDeps());
    expect(fake.callsTo("/v1/images/async")).toBe(1);
    expect(await fileCount(user.id)).toBe(files);
    const list = await (await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken })).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(1);
  });

  it("storing a result again finds the file stored before: no second file or blob reference", async () => {
    const user = await registerUser();
    const bytes = await renderPng(`unique ${crypto.randomUUID()}`, 1, 20, 20);
    const target = { assetId: crypto.randomUUID(), ownerId: user.id, kind: "image" as const };
    const first = await storeResult(testDeps(), target, 0, { kind: "bytes", bytes }, 1000);
    const refCount = async () =>
      (await env.DB.prepare("SELECT b.ref_count AS n FROM blobs b JOIN files f ON f.blob_id = b.id WHERE f.id = ?").bind(first.fileId).first<{ n: number }>())!
        .n;
    const before = { files: await fileCount(user.id), refs: await refCount() };
    expect(await storeResult(testDeps(), target, 0, { kind: "bytes", bytes }, 1000)).toEqual(first);
    expect({ files: await fileCount(user.id), refs: await refCount() }).toEqual(before);
    expect(before.refs).toBe(1);
  });
});

describe("giving up", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    clock.reset();
  });

  /** An asset whose provider keeps answering 503 with a long Retry-After: it waits, holding one token. */
  async function waitingAsset() {
    const { user, box, models } = await setup();
    const fake = installFakeProvider();
    fake.failNext("/v1/images/sync", { status: 503, body: "down", headers: { "retry-after": "300" } }, 100);
    const [pending] = await generate(user, box, { modelId: models.sync, prompt: "never" });
    await until(user, pending!.id, () => fake.callsTo("/v1/images/sync") === 1);
    await until(user, pending!.id, (a) => a.status === "processing");
    const deadline = Date.now() + 10_000;
    while (!(await generationRow(pending!.id))?.last_error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return { user, pending: pending!, fake };
  }

  it("a message that reached the dead-letter queue fails its asset", async () => {
    const { user, pending } = await waitingAsset();
    const token = (await generationRow(pending.id))!.token;
    const batch = createMessageBatch<JobMessage>("edge-platform-jobs-dlq", [
      { id: `dlq-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 6, body: { kind: "studio.generation", assetId: pending.id, token } },
    ]);
    await handleJobBatch(batch, env, jobHandlers, deadLetterHandlers);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual([batch.messages[0]!.id]);
    const asset = await readAsset(user, pending.id);
    expect(asset.status).toBe("failed");
    expect(asset.error).toContain("Gave up after repeated errors");
    expect(asset.error).toContain("503");
  });

  it("the sweep fails assets stuck past the timeout, with the last error", async () => {
    const { user, pending } = await waitingAsset();
    clock.advance(1801 * 1000);
    const swept = await sweepGenerations(testDeps());
    expect(swept.timedOut).toBeGreaterThanOrEqual(1);
    clock.reset();
    const asset = await readAsset(user, pending.id);
    expect(asset.status).toBe("failed");
    expect(asset.error).toMatch(/^Timed out: not finished within 1800 s \(last error: The provider answered 503/);
    expect(await generationRow(pending.id)).toBeNull();
  });

  it("the sweep sends again a generation whose message was lost", async () => {
    const { user, pending, fake } = await waitingAsset();
    const before = (await generationRow(pending.id))!.token;
    clock.advance(11 * 60 * 1000);
    const swept = await sweepGenerations(testDeps());
    expect(swept.redriven).toBeGreaterThanOrEqual(1);
    expect((await generationRow(pending.id))!.token).not.toBe(before);
    await until(user, pending.id, () => fake.callsTo("/v1/images/sync") === 2);
  });
});
