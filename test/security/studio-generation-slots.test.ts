import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configOf } from "../../shared/config";
import { api, expectProblem, registerUser, type TestUser } from "../helpers";
import type { FakeProvider } from "../studio/fake-provider";
import { generate, installFakeProvider, newBox, settled } from "../studio/generation/fixtures";
import { newAdmin, registerFakeProvider } from "../studio/providers/fixtures";

const limit = configOf(env).studio.maxConcurrentGenerations;

let fakeModels: Awaited<ReturnType<typeof registerFakeProvider>>["models"] | undefined;
async function models() {
  fakeModels ??= (await registerFakeProvider(await newAdmin())).models;
  return fakeModels;
}

/** Tasks this fake provider started and has been polled for: running tasks. */
function polledTasks(fake: FakeProvider): Set<string> {
  const polled = new Set(fake.requests.flatMap((r) => /^\/v1\/tasks\/([^/]+)$/.exec(r.path)?.[1] ?? []));
  return new Set(fake.started.filter((id) => polled.has(id)));
}

/** `limit` generations of `modelId` in a new box, each with a running provider task. */
async function runningGenerations(modelId: string) {
  const user = await registerUser();
  const box = await newBox(user);
  const fake = installFakeProvider();
  fake.pollsToFinish = 1_000_000;
  const items = await generate(user, box, { modelId, prompt: "a paid task", count: limit });
  await vi.waitFor(() => expect(polledTasks(fake).size).toBe(limit), { timeout: 20_000, interval: 50 });
  return { user, box, fake, items };
}

const generateOnce = (user: TestUser, box: string, modelId: string) =>
  api(`/v1/studio/boxes/${box}/generate`, { token: user.accessToken, body: { modelId, prompt: "one more" } });

/** Generates once as soon as a slot is free; the asset is finished before the test ends, so nothing of it runs on into the next. */
async function generateWhenFree(user: TestUser, box: string, modelId: string, fake: FakeProvider): Promise<void> {
  const asset = await vi.waitFor(
    async () => {
      const response = await generateOnce(user, box, modelId);
      expect(response.status).toBe(202);
      return (await response.json<{ items: { id: string }[] }>()).items[0]!;
    },
    { timeout: 20_000, interval: 200 },
  );
  fake.pollsToFinish = 0;
  await settled(user, asset.id);
}

async function cancellationsOf(assetIds: readonly string[]): Promise<{ assetId: string; taskId: string }[]> {
  const { results } = await env.DB.prepare("SELECT detail FROM audit_events WHERE type = 'studio.generation_cancelled'").all<{ detail: string }>();
  return results.map((row) => JSON.parse(row.detail) as { assetId: string; taskId: string }).filter((detail) => assetIds.includes(detail.assetId));
}

describe("studio: a generation's slot is held until its provider task ends or is cancelled", () => {
  afterEach(() => vi.restoreAllMocks());

  it("deleting generating assets in parallel keeps their slots while the provider's tasks run on (no cancel request), until the tasks end", async () => {
    const { async: modelId } = await models();
    const { user, box, fake, items } = await runningGenerations(modelId);
    const deletes = await Promise.all(items.map((asset) => api(`/v1/studio/assets/${asset.id}`, { method: "DELETE", token: user.accessToken })));
    expect(deletes.map((r) => r.status)).toEqual(items.map(() => 204));
    const list = await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken });
    expect((await list.json<{ items: unknown[] }>()).items).toEqual([]);

    const again = await Promise.all(Array.from({ length: limit }, () => generateOnce(user, box, modelId)));
    for (const response of again) await expectProblem(response, 429, "generation_limit");
    expect(fake.callsTo("/v1/images/async")).toBe(limit);

    // The tasks end at the provider: each slot comes back, and no result of a deleted asset is downloaded.
    fake.pollsToFinish = 0;
    await generateWhenFree(user, box, modelId, fake);
    const downloads = fake.requests.filter((r) => r.path.startsWith("/files/")).map((r) => r.path);
    expect(downloads).toEqual([`/files/${fake.started.at(-1)}.png`]);
  });

  it("deleting a box of generating assets cancels their tasks through the provider's cancel request, records each cancellation, then frees the slots", async () => {
    const { cancellable: modelId } = await models();
    const { user, box, fake, items } = await runningGenerations(modelId);
    const tasks = polledTasks(fake);
    expect((await api(`/v1/studio/boxes/${box}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await vi.waitFor(() => expect(fake.cancelled).toEqual(tasks), { timeout: 20_000, interval: 50 });
    const recorded = await vi.waitFor(
      async () => {
        const found = await cancellationsOf(items.map((a) => a.id));
        expect(found).toHaveLength(limit);
        return found;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(new Set(recorded.map((c) => c.taskId))).toEqual(tasks);
    await generateWhenFree(user, await newBox(user), modelId, fake);
    const downloads = fake.requests.filter((r) => r.path.startsWith("/files/")).map((r) => r.path);
    expect(downloads).toEqual([`/files/${fake.started.at(-1)}.png`]);
  });
});
