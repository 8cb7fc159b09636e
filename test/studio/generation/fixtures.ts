import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { api, json, type TestUser } from "../../helpers";
import { FAKE_PROVIDER_URL, FakeProvider } from "../fake-provider";

/** A project with one box of `user`; returns the box id. */
export async function newBox(user: TestUser): Promise<string> {
  const project = await api("/v1/studio/projects", { token: user.accessToken, body: { name: "Generation tests" } });
  expect(project.status, await project.clone().text()).toBe(201);
  const box = await api(`/v1/studio/projects/${(await json(project)).id}/boxes`, { token: user.accessToken, body: { name: "Shot 1" } });
  expect(box.status, await box.clone().text()).toBe(201);
  return (await json(box)).id;
}

export interface AssetJson {
  id: string;
  boxId: string;
  type: string;
  status: "pending" | "processing" | "completed" | "failed";
  source: string;
  fileId: string | null;
  thumbnailFileId: string | null;
  prompt: string;
  modelId: string | null;
  params: Record<string, unknown>;
  seed: number | null;
  parentAssetId: string | null;
  error: string | null;
}

export async function generate(user: TestUser, boxId: string, body: Record<string, unknown>): Promise<AssetJson[]> {
  const response = await api(`/v1/studio/boxes/${boxId}/generate`, { token: user.accessToken, body });
  const text = await response.text();
  expect(response.status, text).toBe(202);
  return JSON.parse(text).items;
}

export async function readAsset(user: TestUser, id: string): Promise<AssetJson> {
  const response = await api(`/v1/studio/assets/${id}`, { token: user.accessToken });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text);
}

/** Polls the asset until it is completed or failed (the JOBS queue runs the generation). */
export async function settled(user: TestUser, id: string, timeoutMs = 20_000): Promise<AssetJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const asset = await readAsset(user, id);
    if (asset.status === "completed" || asset.status === "failed") return asset;
    if (Date.now() > deadline) throw new Error(`asset ${id} still ${asset.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until `check` holds on the asset. */
export async function until(user: TestUser, id: string, check: (asset: AssetJson) => boolean, timeoutMs = 20_000): Promise<AssetJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const asset = await readAsset(user, id);
    if (check(asset)) return asset;
    if (Date.now() > deadline) throw new Error(`asset ${id} never reached the expected state (now ${asset.status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Routes the Worker's outgoing requests to the fake provider (anything else goes out as usual). */
export function installFakeProvider(fake = new FakeProvider()): FakeProvider {
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(FAKE_PROVIDER_URL) ? fake.fetch(input, init) : real(input, init);
  });
  return fake;
}

/** The generation row of an asset as D1 holds it (null once the generation ended). */
export async function generationRow(assetId: string): Promise<{ token: string; output: string | null; last_error: string | null } | null> {
  return env.DB.prepare("SELECT token, output, last_error FROM studio_generations WHERE asset_id = ?").bind(assetId).first();
}

/** Files and blob references the owner has. */
export async function fileCount(ownerId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM files WHERE owner_id = ?").bind(ownerId).first<{ n: number }>();
  return row!.n;
}
