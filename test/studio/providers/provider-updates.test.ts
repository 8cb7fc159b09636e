import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../../helpers";
import { createBox, createProject } from "../fixtures";
import { FAKE_MODELS } from "../fake-provider";
import { FAKE_SECRET, newAdmin, registerFakeProvider } from "./fixtures";

const modelIds = async (token: string) => (await json(await api("/v1/studio/models", { token }))).items.map((m: { id: string }) => m.id) as string[];

describe("PATCH /v1/studio/providers/:id", () => {
  it("is 401 without a token, 403 for users and for the built-in provider, 404 for an unknown one, 400 for a bad body", async () => {
    const admin = await newAdmin();
    const { providerId } = await registerFakeProvider(admin);
    const user = await registerUser();
    await expectProblem(await api(`/v1/studio/providers/${providerId}`, { method: "PATCH", body: { name: "x" } }), 401);
    await expectProblem(await api(`/v1/studio/providers/${providerId}`, { method: "PATCH", token: user.accessToken, body: { name: "x" } }), 403, "forbidden");
    await expectProblem(
      await api("/v1/studio/providers/dev", { method: "PATCH", token: admin.accessToken, body: { active: false } }),
      403,
      "built_in_provider",
    );
    await expectProblem(await api("/v1/studio/providers/no-such-provider", { method: "PATCH", token: admin.accessToken, body: { name: "x" } }), 404);
    const patch = (body: unknown) => api(`/v1/studio/providers/${providerId}`, { method: "PATCH", token: admin.accessToken, body });
    await expectProblem(await patch({ active: "no" }), 400, "invalid_body");
    await expectProblem(await patch({ secret: "x" }), 400, "invalid_body");
    await expectProblem(await patch({ baseUrl: "ftp://fake-provider.test" }), 400, "invalid_provider");
    await expectProblem(
      await patch({ auth: { headerName: "authorization", template: "Bearer {{secret}}", secretRef: "JWT_SIGNING_KEYS" } }),
      400,
      "invalid_provider",
    );
  });

  it("changes the fields sent, keeps the others, and never shows the secret", async () => {
    const admin = await newAdmin();
    const { providerId } = await registerFakeProvider(admin);
    const response = await api(`/v1/studio/providers/${providerId}`, {
      method: "PATCH",
      token: admin.accessToken,
      body: { name: "Renamed provider", headers: { "x-api-version": "2027-01" } },
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).not.toContain(FAKE_SECRET);
    const provider = JSON.parse(text);
    expect(provider).toMatchObject({ id: providerId, name: "Renamed provider", headers: { "x-api-version": "2027-01" }, active: true });
    expect(provider.auth).toMatchObject({ secretRef: "STUDIO_SECRET_FAKE", secretConfigured: true });
    expect(provider.models.length).toBe(Object.keys(FAKE_MODELS).length);
    const cleared = await json(await api(`/v1/studio/providers/${providerId}`, { method: "PATCH", token: admin.accessToken, body: { auth: null } }));
    expect(cleared.auth).toBeNull();
    expect(cleared.name).toBe("Renamed provider");
  });

  it("deactivating a provider stops offering its models for generation; activating offers them again", async () => {
    const admin = await newAdmin();
    const { providerId, models } = await registerFakeProvider(admin);
    const user = await registerUser();
    const box = await createBox(user, (await createProject(user)).id);
    expect(await modelIds(user.accessToken)).toContain(models.sync);
    const off = await json(await api(`/v1/studio/providers/${providerId}`, { method: "PATCH", token: admin.accessToken, body: { active: false } }));
    expect(off.active).toBe(false);
    expect(await modelIds(user.accessToken)).not.toContain(models.sync);
    await expectProblem(
      await api(`/v1/studio/boxes/${box.id}/generate`, { token: user.accessToken, body: { modelId: models.sync, prompt: "x" } }),
      400,
      "unknown_model",
    );
    // The admin still sees it, marked.
    const listed = await json(await api("/v1/studio/providers", { token: admin.accessToken }));
    expect(listed.items.find((p: { id: string }) => p.id === providerId).active).toBe(false);
    await api(`/v1/studio/providers/${providerId}`, { method: "PATCH", token: admin.accessToken, body: { active: true } });
    expect(await modelIds(user.accessToken)).toContain(models.sync);
  });
});

describe("PATCH /v1/studio/providers/:id/models/:modelId", () => {
  it("is 401 without a token, 403 for users and built-in models, 404 for an unknown or foreign model, 400 for a bad definition", async () => {
    const admin = await newAdmin();
    const { providerId, models } = await registerFakeProvider(admin);
    const other = await registerFakeProvider(admin);
    const user = await registerUser();
    const path = `/v1/studio/providers/${providerId}/models/${models.sync}`;
    await expectProblem(await api(path, { method: "PATCH", body: { name: "x" } }), 401);
    await expectProblem(await api(path, { method: "PATCH", token: user.accessToken, body: { name: "x" } }), 403, "forbidden");
    await expectProblem(
      await api("/v1/studio/providers/dev/models/dev-image", { method: "PATCH", token: admin.accessToken, body: { active: false } }),
      403,
      "built_in_provider",
    );
    await expectProblem(await api(`/v1/studio/providers/${providerId}/models/nope`, { method: "PATCH", token: admin.accessToken, body: { name: "x" } }), 404);
    await expectProblem(
      await api(`/v1/studio/providers/${other.providerId}/models/${models.sync}`, { method: "PATCH", token: admin.accessToken, body: { name: "x" } }),
      404,
    );
    await expectProblem(await api(path, { method: "PATCH", token: admin.accessToken, body: { kind: "audio" } }), 400, "invalid_body");
    await expectProblem(
      await api(path, { method: "PATCH", token: admin.accessToken, body: { requestTemplate: { prompt: "{{unknownThing}}" } } }),
      400,
      "invalid_model",
    );
  });

  it("changes the fields sent (checked as a whole), and deactivating hides only that model", async () => {
    const admin = await newAdmin();
    const { providerId, models } = await registerFakeProvider(admin);
    const user = await registerUser();
    const path = `/v1/studio/providers/${providerId}/models/${models.async}`;
    const before = (await json(await api("/v1/studio/providers", { token: admin.accessToken }))).items
      .find((p: { id: string }) => p.id === providerId)
      .models.find((m: { id: string }) => m.id === models.async);
    const renamed = await json(await api(path, { method: "PATCH", token: admin.accessToken, body: { name: "Faster model" } }));
    expect(renamed).toMatchObject({
      id: models.async,
      name: "Faster model",
      active: true,
      endpoint: before.endpoint,
      poll: before.poll,
      requestTemplate: before.requestTemplate,
    });
    expect((await json(await api("/v1/studio/models", { token: user.accessToken }))).items.find((m: { id: string }) => m.id === models.async).name).toBe(
      "Faster model",
    );
    const off = await json(await api(path, { method: "PATCH", token: admin.accessToken, body: { active: false } }));
    expect(off.active).toBe(false);
    const ids = await modelIds(user.accessToken);
    expect(ids).not.toContain(models.async);
    expect(ids).toContain(models.sync);
  });
});
