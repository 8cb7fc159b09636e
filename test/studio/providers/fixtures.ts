import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api, json, registerUser, type TestUser, unique } from "../../helpers";
import { makeAdmin } from "../../kit/users";
import { FAKE_MODELS, FAKE_PROVIDER_URL } from "../fake-provider";

/** The value of the fake provider's Worker secret (vitest.config.ts bindings). */
export const FAKE_SECRET = (env as unknown as Record<string, string>).STUDIO_SECRET_FAKE!;

export async function newAdmin(): Promise<TestUser> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return admin;
}

export const fakeProviderBody = (id = `fake-${unique()}`) => ({
  id,
  name: "Fake provider",
  baseUrl: FAKE_PROVIDER_URL,
  auth: { headerName: "authorization", template: "Bearer {{secret}}", secretRef: "STUDIO_SECRET_FAKE" },
  headers: { "x-api-version": "2026-01" },
});

/** Registers the fake provider with its three models (sync, async, text); returns their ids. */
export async function registerFakeProvider(admin: TestUser): Promise<{ providerId: string; models: Record<keyof typeof FAKE_MODELS, string> }> {
  const body = fakeProviderBody();
  const created = await api("/v1/studio/providers", { token: admin.accessToken, body });
  expect(created.status, await created.clone().text()).toBe(201);
  const models = {} as Record<keyof typeof FAKE_MODELS, string>;
  for (const kind of Object.keys(FAKE_MODELS) as (keyof typeof FAKE_MODELS)[]) {
    const id = `${body.id}-${kind}`;
    const response = await api(`/v1/studio/providers/${body.id}/models`, { token: admin.accessToken, body: { id, ...FAKE_MODELS[kind] } });
    expect(response.status, await response.clone().text()).toBe(201);
    models[kind] = (await json(response)).id;
  }
  return { providerId: body.id, models };
}
