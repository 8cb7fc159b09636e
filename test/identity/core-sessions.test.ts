import { describe, expect, it } from "vitest";
import { api, expectProblem, json, login, registerUser } from "../helpers";
import { auditDetails } from "../kit/audit";

describe("GET /v1/auth/sessions", () => {
  it("lists one session per login with user agent, ip and which one is current", async () => {
    const user = await registerUser();
    const second = await json(await login(user, "Phone/1.0"));
    const response = await api("/v1/auth/sessions", { token: second.accessToken });
    expect(response.status).toBe(200);
    const { items } = await json(response);
    expect(items).toHaveLength(2);
    const current = items.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ userAgent: "Phone/1.0", ip: user.ip });
    expect(items.filter((s: { current: boolean }) => !s.current)).toHaveLength(1);
  });

  it("needs a token", async () => {
    await expectProblem(await api("/v1/auth/sessions"), 401);
  });
});

describe("DELETE /v1/auth/sessions/:id", () => {
  it("ends that session at once: its access token stops working", async () => {
    const user = await registerUser();
    const other = await json(await login(user));
    const { items } = await json(await api("/v1/auth/sessions", { token: user.accessToken }));
    const target = items.find((s: { current: boolean }) => !s.current);
    expect((await api(`/v1/auth/sessions/${target.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api("/v1/me", { token: other.accessToken }), 401, "session_revoked");
    await expectProblem(await api("/v1/auth/refresh", { body: { refreshToken: other.refreshToken } }), 401);
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
  });

  it("cannot end another user's session (404)", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const { items } = await json(await api("/v1/auth/sessions", { token: bob.accessToken }));
    await expectProblem(await api(`/v1/auth/sessions/${items[0].id}`, { method: "DELETE", token: alice.accessToken }), 404, "not_found");
    expect((await api("/v1/me", { token: bob.accessToken })).status).toBe(200);
  });

  it("validates the id and needs a token", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/auth/sessions/${"x".repeat(100)}`, { method: "DELETE", token: user.accessToken }), 400, "invalid_path");
    await expectProblem(await api("/v1/auth/sessions/abc", { method: "DELETE" }), 401);
  });
});

describe("POST /v1/auth/logout", () => {
  it("ends the session: access and refresh tokens stop working at once", async () => {
    const user = await registerUser();
    expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401, "session_revoked");
    await expectProblem(await api("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } }), 401);
    expect(await auditDetails(user.id, "logout")).toHaveLength(1);
  });

  it("needs a token", async () => {
    await expectProblem(await api("/v1/auth/logout", { method: "POST" }), 401);
  });
});

describe("POST /v1/auth/logout-all", () => {
  it("ends every session of the user and no one else's", async () => {
    const user = await registerUser();
    const other = await json(await login(user));
    const bystander = await registerUser();
    expect((await api("/v1/auth/logout-all", { method: "POST", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401);
    await expectProblem(await api("/v1/me", { token: other.accessToken }), 401);
    expect((await api("/v1/me", { token: bystander.accessToken })).status).toBe(200);
  });

  it("needs a token", async () => {
    await expectProblem(await api("/v1/auth/logout-all", { method: "POST" }), 401);
  });
});
