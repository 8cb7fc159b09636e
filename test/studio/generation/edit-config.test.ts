import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderPng } from "../../../shared/studio/providers/dev-png";
import { api, expectProblem, json, registerUser, type TestUser } from "../../helpers";
import { newAdmin } from "../providers/fixtures";
import { generate, newBox, settled } from "./fixtures";

const put = (token: string | undefined, body: unknown) => api("/v1/studio/edit-config", { method: "PUT", token, body });

async function content(user: TestUser, fileId: string): Promise<Uint8Array> {
  const response = await api(`/v1/files/${fileId}/content`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

// One file, one storage: the configuration is the whole platform's, so the steps run in order.
describe("the Smart Edit configuration (operators' system prompt and defaults, versioned)", () => {
  it("starts empty, saves versions in order, refuses a save from a stale version, and keeps every version with its author", async () => {
    const admin = await newAdmin();
    expect(await json(await api("/v1/studio/edit-config", { token: admin.accessToken }))).toEqual({ current: null });

    const first = await put(admin.accessToken, {
      systemPrompt: "Edit the picture as asked, keep its composition: {{prompt}}",
      params: { width: 40 },
      note: "first",
      expectedVersion: 0,
    });
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await json(first)).toMatchObject({ version: 1, params: { width: 40 }, note: "first", createdBy: admin.id });

    // Two admins save from version 1 at once: one wins, the other is told the version moved on.
    const [a, b] = await Promise.all(
      ["A: {{prompt}}", "B: {{prompt}}"].map((systemPrompt) => put(admin.accessToken, { systemPrompt, params: { width: 40 }, expectedVersion: 1 })),
    );
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const loser = [a!, b!].find((r) => r.status === 409)!;
    const problem = await expectProblem(loser, 409, "edit_config_conflict");
    expect(problem.currentVersion).toBe(2);
    await expectProblem(await put(admin.accessToken, { systemPrompt: "C: {{prompt}}", expectedVersion: 0 }), 409, "edit_config_conflict");

    const current = (await json(await api("/v1/studio/edit-config", { token: admin.accessToken }))).current;
    expect(current.version).toBe(2);
    const page1 = await json(await api("/v1/studio/edit-config/versions?limit=1", { token: admin.accessToken }));
    expect(page1.items.map((v: { version: number }) => v.version)).toEqual([2]);
    const page2 = await json(await api(`/v1/studio/edit-config/versions?limit=1&cursor=${page1.nextCursor}`, { token: admin.accessToken }));
    expect(page2).toMatchObject({ items: [{ version: 1, note: "first", createdBy: admin.id }], nextCursor: null });

    // Each save is in the audit log.
    const audit = await json(await api("/v1/admin/audit-events?type=studio.edit_config_changed", { token: admin.accessToken }));
    expect(audit.items.map((e: { detail: { version: number } }) => e.detail.version).sort()).toEqual([1, 2]);
  });

  it("frames an edit's prompt with the version in force; a plain generation and an edit asked earlier keep theirs", async () => {
    const admin = await newAdmin();
    const user = await registerUser();
    const box = await newBox(user);
    const [plain] = await generate(user, box, { modelId: "dev-image", prompt: "a lighthouse", params: { width: 32, height: 24, seed: 3 } });
    const parent = await settled(user, plain!.id);
    expect(parent.status).toBe("completed");
    const version = (await json(await api("/v1/studio/edit-config", { token: admin.accessToken }))).current.version as number;
    const systemPrompt = "Keep the lighting and framing of the picture. Change only this: {{prompt}}";
    const saved = await json(await put(admin.accessToken, { systemPrompt, params: { width: 36, notAParamOfThisModel: 1 }, expectedVersion: version }));

    // The edit: the user's own words stay the asset's prompt; the provider got them framed, with the default width under the user's params.
    const [edit] = await generate(user, box, { modelId: "dev-image", prompt: "add a storm", parentAssetId: parent.id, params: { height: 24, seed: 5 } });
    expect(edit).toMatchObject({ prompt: "add a storm", editConfigVersion: saved.version, params: { width: 36, height: 24, seed: 5 } });
    const done = await settled(user, edit!.id);
    expect(done.status, done.error ?? "").toBe("completed");
    const framed = "Keep the lighting and framing of the picture. Change only this: add a storm";
    expect(await content(user, done.fileId!)).toEqual(await renderPng(framed, 5, 36, 24));

    // A newer version changes later edits only; a generation without a parent is never framed.
    await put(admin.accessToken, { systemPrompt: "Other words: {{prompt}}", expectedVersion: saved.version });
    const row = await env.DB.prepare("SELECT edit_config_version FROM studio_assets WHERE id = ?").bind(edit!.id).first<{ edit_config_version: number }>();
    expect(row?.edit_config_version).toBe(saved.version);
    const [another] = await generate(user, box, { modelId: "dev-image", prompt: "a boat", params: { width: 32, height: 24, seed: 3 } });
    expect(another).toMatchObject({ editConfigVersion: null, params: { width: 32, height: 24, seed: 3 } });
    expect(await content(user, (await settled(user, another!.id)).fileId!)).toEqual(await renderPng("a boat", 3, 32, 24));
  });

  it("is for admins (401 without a token, 403 for others) and refuses malformed configurations (400)", async () => {
    const admin = await newAdmin();
    const user = await registerUser();
    await expectProblem(await api("/v1/studio/edit-config"), 401);
    await expectProblem(await put(undefined, { systemPrompt: "{{prompt}}", expectedVersion: 0 }), 401);
    await expectProblem(await api("/v1/studio/edit-config", { token: user.accessToken }), 403);
    await expectProblem(await api("/v1/studio/edit-config/versions", { token: user.accessToken }), 403);
    await expectProblem(await put(user.accessToken, { systemPrompt: "{{prompt}}", expectedVersion: 0 }), 403);
    for (const body of [
      { systemPrompt: "No place for the words", expectedVersion: 0 },
      { systemPrompt: "{{prompt}}" },
      { systemPrompt: "{{prompt}}", expectedVersion: -1 },
      { systemPrompt: "{{prompt}}", expectedVersion: 0, extra: true },
      { systemPrompt: "{{prompt}}", expectedVersion: 0, params: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, i])) },
      { systemPrompt: `${"x".repeat(4000)}{{prompt}}`, expectedVersion: 0 },
    ])
      await expectProblem(await put(admin.accessToken, body), 400);
    await expectProblem(await api("/v1/studio/edit-config/versions?cursor=not-a-cursor", { token: admin.accessToken }), 400);
  });
});
