import { describe, expect, it } from "vitest";
import { api, expectProblem, registerUser } from "../../helpers";
import { FAKE_MODELS } from "../fake-provider";
import { FAKE_SECRET, fakeProviderBody, newAdmin, registerFakeProvider } from "./fixtures";

describe("POST /v1/studio/providers", () => {
  it("is 401 without a token and 403 for a user who is not admin", async () => {
    await expectProblem(await api("/v1/studio/providers", { body: fakeProviderBody() }), 401);
    const user = await registerUser();
    await expectProblem(await api("/v1/studio/providers", { token: user.accessToken, body: fakeProviderBody() }), 403, "forbidden");
  });

  it("stores the secret's name, shows whether it is set, and never its value", async () => {
    const admin = await newAdmin();
    const response = await api("/v1/studio/providers", { token: admin.accessToken, body: fakeProviderBody() });
    const text = await response.text();
    expect(response.status, text).toBe(201);
    expect(text).not.toContain(FAKE_SECRET);
    expect(JSON.parse(text).auth).toEqual({
      headerName: "authorization",
      template: "Bearer {{secret}}",
      secretRef: "STUDIO_SECRET_FAKE",
      secretConfigured: true,
    });
  });

  it("refuses malformed bodies, platform secrets, credentials in the URL and taken ids", async () => {
    const admin = await newAdmin();
    const post = (body: unknown) => api("/v1/studio/providers", { token: admin.accessToken, body });
    await expectProblem(await post({ name: "x" }), 400, "invalid_body");
    await expectProblem(
      await post({ ...fakeProviderBody(), auth: { headerName: "authorization", template: "Bearer {{secret}}", secretRef: "JWT_SIGNING_KEYS" } }),
      400,
      "invalid_provider",
    );
    await expectProblem(
      await post({ ...fakeProviderBody(), auth: { headerName: "authorization", template: "Bearer {{token}}", secretRef: "STUDIO_SECRET_FAKE" } }),
      400,
      "invalid_provider",
    );
    await expectProblem(await post({ ...fakeProviderBody(), baseUrl: "https://user:pw@fake-provider.test" }), 400, "invalid_provider");
    await expectProblem(await post({ ...fakeProviderBody(), baseUrl: "ftp://fake-provider.test" }), 400, "invalid_provider");
    await expectProblem(await post({ ...fakeProviderBody("dev") }), 400, "reserved_id");
    const body = fakeProviderBody();
    expect((await post(body)).status).toBe(201);
    await expectProblem(await post(body), 409, "provider_exists");
  });
});

describe("POST /v1/studio/providers/:id/models", () => {
  it("is 401 without a token, 403 for users, 404 for an unknown provider", async () => {
    await expectProblem(await api("/v1/studio/providers/x/models", { body: FAKE_MODELS.sync }), 401);
    const user = await registerUser();
    await expectProblem(await api("/v1/studio/providers/x/models", { token: user.accessToken, body: FAKE_MODELS.sync }), 403);
    const admin = await newAdmin();
    await expectProblem(await api("/v1/studio/providers/no-such-provider/models", { token: admin.accessToken, body: FAKE_MODELS.sync }), 404);
  });

  it("refuses unknown placeholders at save time, naming them", async () => {
    const admin = await newAdmin();
    const { providerId } = await registerFakeProvider(admin);
    const post = (body: unknown) => api(`/v1/studio/providers/${providerId}/models`, { token: admin.accessToken, body });
    const problem = await expectProblem(
      await post({ ...FAKE_MODELS.sync, requestTemplate: { input: { prompt: "{{prompt}}", style: "{{style}}", n: ["{{count}}"] } } }),
      400,
      "invalid_model",
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "requestTemplate", code: "unknown_placeholder", message: expect.stringMatching(/\{\{count\}\}, \{\{style\}\}/) }),
    ]);
    await expectProblem(await post({ ...FAKE_MODELS.async, poll: { method: "GET", endpoint: "/v1/tasks/{{task}}" } }), 400, "invalid_model");
    await expectProblem(await post({ ...FAKE_MODELS.async, poll: undefined }), 400, "invalid_model");
    await expectProblem(await post({ ...FAKE_MODELS.sync, paramsSchema: { type: "string" } }), 400, "invalid_model");
    await expectProblem(
      await post({ ...FAKE_MODELS.sync, paramsSchema: { type: "object", properties: { prompt: { type: "string" } } } }),
      400,
      "invalid_model",
    );
    await expectProblem(await post({ ...FAKE_MODELS.sync, response: { resultUrls: "output/urls" } }), 400, "invalid_model");
    await expectProblem(await post({ ...FAKE_MODELS.text, response: {} }), 400, "invalid_model");
    await expectProblem(await post({ ...FAKE_MODELS.sync, kind: "audio" }), 400, "invalid_body");
  });

  it("cannot add models to the built-in development provider", async () => {
    const admin = await newAdmin();
    await expectProblem(await api("/v1/studio/providers/dev/models", { token: admin.accessToken, body: FAKE_MODELS.sync }), 403, "built_in_provider");
  });
});

describe("GET /v1/studio/providers", () => {
  it("lists the development provider first, then stored ones with their models; no secret value anywhere", async () => {
    const admin = await newAdmin();
    const { providerId, models } = await registerFakeProvider(admin);
    const response = await api("/v1/studio/providers", { token: admin.accessToken });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(FAKE_SECRET);
    const { items } = JSON.parse(text);
    expect(items[0]).toMatchObject({ id: "dev", builtIn: true, auth: null });
    expect(items[0].models.map((m: { id: string }) => m.id)).toEqual(["dev-image", "dev-video", "dev-text"]);
    const fake = items.find((p: { id: string }) => p.id === providerId);
    expect(fake.models.map((m: { id: string }) => m.id).sort()).toEqual(Object.values(models).sort());
    expect(fake.models.find((m: { id: string }) => m.id === models.async)).toMatchObject({
      poll: FAKE_MODELS.async.poll,
      response: FAKE_MODELS.async.response,
    });
  });

  it("is 401 without a token and 403 for users", async () => {
    await expectProblem(await api("/v1/studio/providers"), 401);
    await expectProblem(await api("/v1/studio/providers", { token: (await registerUser()).accessToken }), 403);
  });
});

describe("GET /v1/studio/models", () => {
  it("is 401 without a token", async () => {
    await expectProblem(await api("/v1/studio/models"), 401);
  });

  it("lists the development models (labelled) and stored ones, with params schemas and nothing of the credentials", async () => {
    const admin = await newAdmin();
    const { providerId, models } = await registerFakeProvider(admin);
    const user = await registerUser();
    const response = await api("/v1/studio/models", { token: user.accessToken });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(FAKE_SECRET);
    expect(text).not.toContain("STUDIO_SECRET_FAKE");
    const { items } = JSON.parse(text);
    expect(items.slice(0, 3)).toEqual([
      expect.objectContaining({ id: "dev-image", providerId: "dev", kind: "image", development: true }),
      expect.objectContaining({ id: "dev-video", providerId: "dev", kind: "video", development: true }),
      expect.objectContaining({ id: "dev-text", providerId: "dev", kind: "text", development: true }),
    ]);
    expect(items[0].paramsSchema.properties).toMatchObject({ width: { type: "integer" }, height: { type: "integer" }, seed: { type: "integer" } });
    expect(items.find((m: { id: string }) => m.id === models.sync)).toEqual({
      id: models.sync,
      name: FAKE_MODELS.sync.name,
      providerId,
      kind: "image",
      paramsSchema: FAKE_MODELS.sync.paramsSchema,
      development: false,
    });
    expect(Object.keys(items.find((m: { id: string }) => m.id === models.async)).sort()).toEqual([
      "development",
      "id",
      "kind",
      "name",
      "paramsSchema",
      "providerId",
    ]);
  });
});
