import { afterEach, describe, expect, it, vi } from "vitest";
import { api, expectProblem, registerUser } from "../../helpers";
import { newAdmin, registerFakeProvider } from "../providers/fixtures";
import { generate, installFakeProvider, newBox, settled } from "./fixtures";

describe("POST /v1/studio/boxes/:id/generate", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is 401 without a token", async () => {
    await expectProblem(await api("/v1/studio/boxes/some-box/generate", { body: { modelId: "dev-image", prompt: "x" } }), 401);
  });

  it("is 404 for another user's box and for another user's parent asset", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const box = await newBox(owner);
    await expectProblem(await api(`/v1/studio/boxes/${box}/generate`, { token: other.accessToken, body: { modelId: "dev-image", prompt: "x" } }), 404);
    const [asset] = await generate(owner, box, { modelId: "dev-image", prompt: "parent", params: { width: 16, height: 16 } });
    await settled(owner, asset!.id);
    const otherBox = await newBox(other);
    await expectProblem(
      await api(`/v1/studio/boxes/${otherBox}/generate`, { token: other.accessToken, body: { modelId: "dev-image", prompt: "x", parentAssetId: asset!.id } }),
      404,
    );
  });

  it("refuses malformed bodies, unknown and text models, and params that fail the model's schema (400)", async () => {
    const user = await registerUser();
    const box = await newBox(user);
    const post = (body: unknown) => api(`/v1/studio/boxes/${box}/generate`, { token: user.accessToken, body });
    await expectProblem(await post({ prompt: "x" }), 400, "invalid_body");
    await expectProblem(await post({ modelId: "dev-image", prompt: "" }), 400, "invalid_body");
    await expectProblem(await post({ modelId: "dev-image", prompt: "x", count: 9 }), 400, "invalid_body");
    await expectProblem(await post({ modelId: "no-such-model", prompt: "x" }), 400, "unknown_model");
    await expectProblem(await post({ modelId: "dev-text", prompt: "x" }), 400, "invalid_model");
    const problem = await expectProblem(await post({ modelId: "dev-image", prompt: "x", params: { width: 5000, style: "ink" } }), 400, "invalid_params");
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain("params.width");
    const list = await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken });
    expect((await list.json<{ items: unknown[] }>()).items).toEqual([]);
  });

  it("answers 202 with pending assets, each with its own seed and the params with their defaults", async () => {
    const user = await registerUser();
    const box = await newBox(user);
    const items = await generate(user, box, { modelId: "dev-image", prompt: "a lighthouse at dusk", count: 3, params: { width: 32, seed: 10 } });
    expect(items).toHaveLength(3);
    for (const [i, item] of items.entries()) {
      expect(item).toMatchObject({
        boxId: box,
        type: "image",
        status: "pending",
        source: "generated",
        prompt: "a lighthouse at dusk",
        modelId: "dev-image",
        fileId: null,
        seed: 10 + i,
        params: { width: 32, height: 256, seed: 10 },
      });
    }
    for (const item of items) expect((await settled(user, item.id)).status).toBe("completed");
  });

  it("holds the per-user concurrency limit under parallel requests (429 generation_limit)", async () => {
    const { models } = await registerFakeProvider(await newAdmin());
    const fake = installFakeProvider();
    fake.pollsToFinish = 1_000_000;
    const user = await registerUser();
    const box = await newBox(user);
    const post = () => api(`/v1/studio/boxes/${box}/generate`, { token: user.accessToken, body: { modelId: models.async, prompt: "slow", count: 5 } });
    const answers = await Promise.all([post(), post(), post()]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get("retry-after")).toBe("10");
    await expectProblem(refused, 429, "generation_limit");
    const list = await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken });
    expect((await list.json<{ items: unknown[] }>()).items).toHaveLength(5);
  });
});
