import { describe, expect, it } from "vitest";
import type { ApiClient, Reply } from "../kit/api";
import { api, expectProblem, json, registerUser } from "../helpers";
import { auditDetails } from "../kit/audit";
import { adminToken, adminUser, introspect, protocolPost, registerClient, signInToApp } from "./kit";

type ClientCreated = Reply<ApiClient["v1"]["admin"]["oauth"]["clients"]["$post"], 201>;
type ConnectedApps = Reply<ApiClient["v1"]["me"]["connected-apps"]["$get"]>;

const validClient = { name: "Reports", redirectUris: ["https://reports.example/cb"], type: "confidential", scopes: ["openid", "email"], firstParty: false };

describe("POST /v1/admin/oauth/clients", () => {
  it("registers a confidential client whose secret is answered once and stored hashed", async () => {
    const admin = await adminUser();
    const response = await api("/v1/admin/oauth/clients", { token: admin.accessToken, body: validClient });
    expect(response.status).toBe(201);
    const body = await json<ClientCreated>(response);
    expect(body.clientSecret).toMatch(/^secret_/);
    expect(body.client).toMatchObject({
      name: "Reports",
      type: "confidential",
      redirectUris: validClient.redirectUris,
      scopes: ["openid", "email"],
      disabled: false,
    });
    const read = await json(await api(`/v1/admin/oauth/clients/${body.clientId}`, { token: admin.accessToken }));
    expect(JSON.stringify(read)).not.toContain(body.clientSecret!);
    expect(await auditDetails(admin.id, "oauth_client.created")).toContainEqual({ clientId: body.clientId });
  });

  it("gives a public client no secret", async () => {
    const response = await api("/v1/admin/oauth/clients", { token: await adminToken(), body: { ...validClient, type: "public" } });
    expect(response.status).toBe(201);
    expect((await json<ClientCreated>(response)).clientSecret).toBeUndefined();
  });

  it("refuses redirect URIs that are not https (but localhost), carry a fragment, unknown scopes and unknown fields", async () => {
    const token = await adminToken();
    for (const body of [
      { ...validClient, redirectUris: ["http://reports.example/cb"] },
      { ...validClient, redirectUris: ["https://reports.example/cb#x"] },
      { ...validClient, redirectUris: ["/relative"] },
      { ...validClient, redirectUris: [] },
      { ...validClient, scopes: ["admin"] },
      { ...validClient, type: "other" },
      { ...validClient, extra: true },
    ]) {
      await expectProblem(await api("/v1/admin/oauth/clients", { token, body }), 400, "invalid_body");
    }
    expect((await api("/v1/admin/oauth/clients", { token, body: { ...validClient, redirectUris: ["http://localhost:5173/cb"] } })).status).toBe(201);
  });

  it("is 401 without a token and 403 for a user who is not admin", async () => {
    await expectProblem(await api("/v1/admin/oauth/clients", { body: validClient }), 401, "unauthorized");
    const user = await registerUser();
    await expectProblem(await api("/v1/admin/oauth/clients", { token: user.accessToken, body: validClient }), 403, "forbidden");
  });
});

describe("GET, PATCH /v1/admin/oauth/clients and disable, enable, secret", () => {
  it("lists clients with a cursor, reads, updates, disables and enables one", async () => {
    const token = await adminToken();
    const client = await registerClient();
    const page = await json(await api("/v1/admin/oauth/clients?limit=100", { token }));
    expect(Array.isArray(page.items)).toBe(true);
    const patched = await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "PATCH", token, body: { name: "Renamed", firstParty: true } });
    expect(patched.status).toBe(200);
    expect((await json(patched)).client).toMatchObject({ name: "Renamed", firstParty: true });
    expect((await json(await api(`/v1/admin/oauth/clients/${client.clientId}/disable`, { method: "POST", token }))).client.disabled).toBe(true);
    expect((await json(await api(`/v1/admin/oauth/clients/${client.clientId}/enable`, { method: "POST", token }))).client.disabled).toBe(false);
    await expectProblem(await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "PATCH", token, body: {} }), 400, "invalid_body");
    await expectProblem(await api("/v1/admin/oauth/clients?limit=0", { token }), 400, "invalid_query");
    await expectProblem(await api("/v1/admin/oauth/clients?cursor=garbage", { token }), 400, "invalid_cursor");
  });

  it("rotates a confidential client's secret: the old one stops working, the new one works", async () => {
    const token = await adminToken();
    const client = await registerClient();
    const rotated = await api(`/v1/admin/oauth/clients/${client.clientId}/secret`, { method: "POST", token });
    expect(rotated.status).toBe(200);
    const { clientSecret } = await json<{ clientSecret: string }>(rotated);
    expect(clientSecret).not.toBe(client.clientSecret);
    const old = await protocolPost("/oauth/token", { grant_type: "client_credentials" }, { id: client.clientId, secret: client.clientSecret! });
    expect(old.status).toBe(401);
    const fresh = await protocolPost("/oauth/token", { grant_type: "client_credentials" }, { id: client.clientId, secret: clientSecret });
    expect(fresh.status).toBe(200);
  });

  it("deletes a client for good: it is gone from the list, its secret and tokens stop working, and the deletion is audited", async () => {
    const token = await adminToken();
    const client = await registerClient();
    const issued = await protocolPost("/oauth/token", { grant_type: "client_credentials" }, { id: client.clientId, secret: client.clientSecret! });
    expect(issued.status).toBe(200);
    const { access_token } = await json<{ access_token: string }>(issued);
    const deleted = await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "DELETE", token });
    expect(deleted.status).toBe(204);
    await expectProblem(await api(`/v1/admin/oauth/clients/${client.clientId}`, { token }), 404, "oauth_client_not_found");
    const page = await json<{ items: { clientId: string }[] }>(await api("/v1/admin/oauth/clients?limit=100", { token }));
    expect(page.items.map((item) => item.clientId)).not.toContain(client.clientId);
    const again = await protocolPost("/oauth/token", { grant_type: "client_credentials" }, { id: client.clientId, secret: client.clientSecret! });
    expect(again.status).toBe(401);
    const other = await registerClient();
    const introspected = await protocolPost("/oauth/introspect", { token: access_token }, { id: other.clientId, secret: other.clientSecret! });
    expect(await json(introspected)).toEqual({ active: false });
    const events = await json<{ items: { type: string; detail: { clientId?: string } }[] }>(
      await api("/v1/admin/audit-events?type=oauth_client.deleted&limit=100", { token }),
    );
    expect(events.items.map((event) => event.detail.clientId)).toContain(client.clientId);
    await expectProblem(await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "DELETE", token }), 404, "oauth_client_not_found");
  });

  it("answers 409 for a public client's secret and 404 for a client that does not exist", async () => {
    const token = await adminToken();
    const publicClient = await registerClient({ type: "public" });
    await expectProblem(await api(`/v1/admin/oauth/clients/${publicClient.clientId}/secret`, { method: "POST", token }), 409, "invalid_client_type");
    for (const [method, path] of [
      ["GET", ""],
      ["PATCH", ""],
      ["POST", "/disable"],
      ["POST", "/enable"],
      ["POST", "/secret"],
      ["DELETE", ""],
    ] as const) {
      const response = await api(`/v1/admin/oauth/clients/client_nobody${path}`, { method, token, body: method === "PATCH" ? { name: "x" } : undefined });
      await expectProblem(response, 404, "oauth_client_not_found");
    }
  });

  it("is 401 without a token and 403 for a user who is not admin", async () => {
    const client = await registerClient();
    const user = await registerUser();
    for (const [method, path] of [
      ["GET", ""],
      ["GET", `/${client.clientId}`],
      ["PATCH", `/${client.clientId}`],
      ["POST", `/${client.clientId}/disable`],
      ["POST", `/${client.clientId}/enable`],
      ["POST", `/${client.clientId}/secret`],
      ["DELETE", `/${client.clientId}`],
    ] as const) {
      const body = method === "PATCH" ? { name: "x" } : undefined;
      await expectProblem(await api(`/v1/admin/oauth/clients${path}`, { method, body }), 401, "unauthorized");
      await expectProblem(await api(`/v1/admin/oauth/clients${path}`, { method, body, token: user.accessToken }), 403, "forbidden");
    }
  });
});

describe("/v1/me/connected-apps", () => {
  it("lists the apps the user signed in to with their scopes and last use", async () => {
    const app = await signInToApp();
    const response = await api("/v1/me/connected-apps", { token: app.user.accessToken });
    expect(response.status).toBe(200);
    const { items } = await json<ConnectedApps>(response);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      clientId: app.client.clientId,
      name: "Example App",
      firstParty: false,
      scopes: ["openid", "profile", "email", "offline_access"],
    });
    expect(items[0]!.lastUsedAt).not.toBeNull();
    const stranger = await registerUser();
    expect((await json<ConnectedApps>(await api("/v1/me/connected-apps", { token: stranger.accessToken }))).items).toEqual([]);
  });

  it("disconnecting an app forgets the consent and revokes every token it holds, at once", async () => {
    const app = await signInToApp();
    const second = await signInToApp({ client: app.client, user: app.user, cookie: app.cookie });
    const response = await api(`/v1/me/connected-apps/${app.client.clientId}`, { method: "DELETE", token: app.user.accessToken });
    expect(response.status).toBe(204);
    for (const tokens of [app.tokens, second.tokens]) {
      expect((await introspect(app, tokens.access_token)).active).toBe(false);
      expect((await introspect(app, tokens.refresh_token!)).active).toBe(false);
    }
    expect((await json<ConnectedApps>(await api("/v1/me/connected-apps", { token: app.user.accessToken }))).items).toEqual([]);
    await expectProblem(await api(`/v1/me/connected-apps/${app.client.clientId}`, { method: "DELETE", token: app.user.accessToken }), 404, "app_not_connected");
    expect(await auditDetails(app.user.id, "oauth.consent_granted")).toContainEqual({
      clientId: app.client.clientId,
      scopes: ["openid", "profile", "email", "offline_access"],
    });
    expect(await auditDetails(app.user.id, "oauth.app_disconnected")).toEqual([{ clientId: app.client.clientId }]);
  });

  it("is 401 without a token, 400 for a client id that cannot be one, 404 for another user's app", async () => {
    await expectProblem(await api("/v1/me/connected-apps"), 401, "unauthorized");
    await expectProblem(await api("/v1/me/connected-apps/client_x", { method: "DELETE" }), 401, "unauthorized");
    const app = await signInToApp();
    await expectProblem(await api(`/v1/me/connected-apps/${"x".repeat(300)}`, { method: "DELETE", token: app.user.accessToken }), 400, "invalid_path");
    const stranger = await registerUser();
    await expectProblem(await api(`/v1/me/connected-apps/${app.client.clientId}`, { method: "DELETE", token: stranger.accessToken }), 404, "app_not_connected");
    expect((await introspect(app, app.tokens.access_token)).active).toBe(true);
  });

  it("is part of the data export", async () => {
    const app = await signInToApp();
    const exported = await json(await api("/v1/me/export", { token: app.user.accessToken }));
    expect(exported.modules.oauth.connectedApps[0].clientId).toBe(app.client.clientId);
  });
});
