import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, login, openSocket, registerUser, unique, type TestUser } from "../helpers";
import worker from "../../workers/index";
import { makeAdmin, makeModerator } from "../kit/users";

async function adminAndUser(): Promise<{ admin: TestUser; user: TestUser }> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return { admin, user: await registerUser() };
}

describe("every /v1/admin route", () => {
  const routes: [string, string, unknown?][] = [
    ["GET", "/v1/admin/users"],
    ["GET", "/v1/admin/users/some-id"],
    ["PUT", "/v1/admin/users/some-id/role", { role: "moderator" }],
    ["POST", "/v1/admin/users/some-id/disable", {}],
    ["POST", "/v1/admin/users/some-id/enable"],
    ["DELETE", "/v1/admin/users/some-id/sessions"],
    ["GET", "/v1/admin/users/some-id/sessions"],
    ["DELETE", "/v1/admin/users/some-id/sessions/some-session"],
    ["GET", "/v1/admin/audit-events"],
    ["POST", "/v1/admin/invites", { maxUses: 1 }],
    ["GET", "/v1/admin/invites"],
    ["DELETE", "/v1/admin/invites/some-code"],
  ];

  it("is 401 without a token", async () => {
    for (const [method, path, body] of routes) await expectProblem(await api(path, { method, body }), 401);
  });

  it("is 403 for a user who is not admin (moderators included)", async () => {
    const user = await registerUser();
    const moderator = await registerUser();
    await makeModerator(moderator);
    for (const [method, path, body] of routes) {
      await expectProblem(await api(path, { method, body, token: user.accessToken }), 403, "forbidden");
      await expectProblem(await api(path, { method, body, token: moderator.accessToken }), 403, "forbidden");
    }
  });
});

describe("GET /v1/admin/users", () => {
  it("searches by e-mail or display name and pages with a cursor", async () => {
    const { admin } = await adminAndUser();
    const tag = unique();
    for (let i = 0; i < 3; i++) await registerUser({ email: `search-${tag}-${i}@example.com` });
    await registerUser({ displayName: `Named ${tag}` });
    const first = await json(await api(`/v1/admin/users?q=${tag}&limit=3`, { token: admin.accessToken }));
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json(await api(`/v1/admin/users?q=${tag}&limit=3&cursor=${first.nextCursor}`, { token: admin.accessToken }));
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0].displayName).toBe(`Named ${tag}`);
    const emails = [...first.items, ...second.items].map((u: { email: string }) => u.email);
    for (let i = 0; i < 3; i++) expect(emails).toContain(`search-${tag}-${i}@example.com`);
    expect(first.items[0]).not.toHaveProperty("passwordHash");
  });

  it("filters by role", async () => {
    const { admin } = await adminAndUser();
    const { items } = await json(await api("/v1/admin/users?role=admin&limit=100", { token: admin.accessToken }));
    expect(items.every((u: { role: string }) => u.role === "admin")).toBe(true);
    expect(items.map((u: { id: string }) => u.id)).toContain(admin.id);
  });

  it("400 for bad query parameters", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api("/v1/admin/users?role=king", { token: admin.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/admin/users?limit=0", { token: admin.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/admin/users?cursor=%%%", { token: admin.accessToken }), 400);
  });
});

describe("GET /v1/admin/users/:id", () => {
  it("shows account state, never secrets", async () => {
    const { admin, user } = await adminAndUser();
    const response = await api(`/v1/admin/users/${user.id}`, { token: admin.accessToken });
    expect(response.status).toBe(200);
    const { user: view } = await json(response);
    expect(view).toMatchObject({ id: user.id, email: user.email, disabledAt: null, totpEnabled: false, activeSessions: 1, failedLoginCount: 0 });
    expect(JSON.stringify(view)).not.toContain("argon2");
  });

  it("404 for an unknown user", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api("/v1/admin/users/no-such-user", { token: admin.accessToken }), 404, "not_found");
  });
});

describe("PUT /v1/admin/users/:id/role", () => {
  it("changes the role at once and records an audit event", async () => {
    const { admin, user } = await adminAndUser();
    const response = await api(`/v1/admin/users/${user.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "moderator" } });
    expect(response.status).toBe(200);
    expect((await json(response)).user.role).toBe("moderator");
    expect((await json(await api("/v1/me", { token: user.accessToken }))).user.role).toBe("moderator");
    const { items } = await json(await api(`/v1/admin/audit-events?userId=${user.id}&type=role.changed`, { token: admin.accessToken }));
    expect(items).toHaveLength(1);
    expect(items[0].detail).toEqual({ from: "user", to: "moderator", by: admin.id });
  });

  it("a promoted admin can use the admin API", async () => {
    const { admin, user } = await adminAndUser();
    await api(`/v1/admin/users/${user.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "admin" } });
    expect((await api("/v1/admin/users", { token: user.accessToken })).status).toBe(200);
  });

  it("400 for an unknown role, 404 for an unknown user", async () => {
    const { admin, user } = await adminAndUser();
    await expectProblem(await api(`/v1/admin/users/${user.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "root" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/admin/users/nobody/role", { method: "PUT", token: admin.accessToken, body: { role: "user" } }), 404);
  });
});

describe("POST /v1/admin/users/:id/disable and /enable", () => {
  it("disabling ends every session (and its sockets) and refuses login; enabling lets the user back in", async () => {
    const { admin, user } = await adminAndUser();
    const socket = await openSocket("/v1/realtime", user.accessToken);

    const disabled = await api(`/v1/admin/users/${user.id}/disable`, { token: admin.accessToken, body: { reason: "spam" } });
    expect(disabled.status).toBe(200);
    expect((await json(disabled)).user.disabledAt).toEqual(expect.any(String));
    expect((await socket.waitClosed()).code).toBe(4001);
    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401);
    await expectProblem(await api("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } }), 401);
    await expectProblem(await login(user), 403, "account_disabled");

    const enabled = await api(`/v1/admin/users/${user.id}/enable`, { method: "POST", token: admin.accessToken });
    expect(enabled.status).toBe(200);
    expect((await json(enabled)).user.disabledAt).toBeNull();
    expect((await login(user)).status).toBe(200);
    const types = (await json(await api(`/v1/admin/audit-events?userId=${user.id}`, { token: admin.accessToken }))).items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(["account.disabled", "account.enabled"]));
  });

  it("an admin cannot disable itself (409); unknown users are 404; a bad body is 400", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api(`/v1/admin/users/${admin.id}/disable`, { token: admin.accessToken, body: {} }), 409, "cannot_disable_self");
    await expectProblem(await api("/v1/admin/users/nobody/disable", { token: admin.accessToken, body: {} }), 404);
    await expectProblem(await api(`/v1/admin/users/${admin.id}/disable`, { token: admin.accessToken, body: { reason: 5 } }), 400, "invalid_body");
  });
});

describe("DELETE /v1/admin/users/:id/sessions", () => {
  it("ends every session of the user and records it", async () => {
    const { admin, user } = await adminAndUser();
    const second = await json(await login(user));
    const response = await api(`/v1/admin/users/${user.id}/sessions`, { method: "DELETE", token: admin.accessToken });
    expect(response.status).toBe(200);
    expect((await json(response)).ended).toBe(2);
    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401);
    await expectProblem(await api("/v1/me", { token: second.accessToken }), 401);
    expect((await login(user)).status).toBe(200);
    const { items } = await json(await api(`/v1/admin/audit-events?userId=${user.id}&type=sessions.ended_by_admin`, { token: admin.accessToken }));
    expect(items).toHaveLength(1);
  });

  it("404 for an unknown user", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api("/v1/admin/users/nobody/sessions", { method: "DELETE", token: admin.accessToken }), 404);
  });
});

/** The id of the session a user's access token belongs to (GET /v1/auth/sessions marks it current). */
async function currentSessionId(user: TestUser): Promise<string> {
  const { items } = await json<{ items: { id: string; current: boolean }[] }>(await api("/v1/auth/sessions", { token: user.accessToken }));
  return items.find((session) => session.current)!.id;
}

describe("GET /v1/admin/users/:id/sessions and DELETE /v1/admin/users/:id/sessions/:sessionId", () => {
  it("lists a user's live sessions without tokens, and ends one of them only", async () => {
    const { admin, user } = await adminAndUser();
    const second = await json(await login(user));
    const listed = await api(`/v1/admin/users/${user.id}/sessions`, { token: admin.accessToken });
    expect(listed.status).toBe(200);
    const { items } = await json<{ items: Record<string, unknown>[] }>(listed);
    expect(items).toHaveLength(2);
    for (const session of items) {
      expect(Object.keys(session).sort()).toEqual(["createdAt", "id", "ip", "lastUsedAt", "userAgent"]);
    }
    const kept = await currentSessionId(user);
    const ended = items.find((session) => session.id !== kept)!;
    expect((await api(`/v1/admin/users/${user.id}/sessions/${ended.id}`, { method: "DELETE", token: admin.accessToken })).status).toBe(204);
    await expectProblem(await api("/v1/me", { token: second.accessToken }), 401);
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    const after = await json<{ items: { id: string }[] }>(await api(`/v1/admin/users/${user.id}/sessions`, { token: admin.accessToken }));
    expect(after.items.map((session) => session.id)).toEqual([kept]);
    const events = await json(await api(`/v1/admin/audit-events?userId=${user.id}&type=session.ended_by_admin`, { token: admin.accessToken }));
    expect(events.items).toHaveLength(1);
    expect(events.items[0].detail).toMatchObject({ by: admin.id, sessionId: ended.id });
  });

  it("404 for an unknown user, a session that is not live, or another user's session", async () => {
    const { admin, user } = await adminAndUser();
    await expectProblem(await api("/v1/admin/users/nobody/sessions", { token: admin.accessToken }), 404);
    await expectProblem(await api(`/v1/admin/users/${user.id}/sessions/no-such-session`, { method: "DELETE", token: admin.accessToken }), 404);
    await expectProblem(await api(`/v1/admin/users/${user.id}/sessions/${await currentSessionId(admin)}`, { method: "DELETE", token: admin.accessToken }), 404);
    expect((await api("/v1/me", { token: admin.accessToken })).status).toBe(200);
  });

  it("400 for a session id that cannot be one", async () => {
    const { admin, user } = await adminAndUser();
    await expectProblem(await api(`/v1/admin/users/${user.id}/sessions/${"x".repeat(65)}`, { method: "DELETE", token: admin.accessToken }), 400);
  });
});

describe("GET /v1/admin/audit-events", () => {
  it("filters by who acted: the admin named in the event, or the user on their own account", async () => {
    const { admin, user } = await adminAndUser();
    await api(`/v1/admin/users/${user.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "moderator" } });
    await login({ ...user, password: "wrong password" });
    const byAdmin = await json(await api(`/v1/admin/audit-events?actorId=${admin.id}`, { token: admin.accessToken }));
    const roleChange = byAdmin.items.find((event: { type: string }) => event.type === "role.changed");
    expect(roleChange).toMatchObject({ userId: user.id, detail: { by: admin.id } });
    const byUser = await json(await api(`/v1/admin/audit-events?actorId=${user.id}`, { token: admin.accessToken }));
    const types = byUser.items.map((event: { type: string }) => event.type);
    expect(types).toContain("login.failed");
    expect(types).not.toContain("role.changed");
  });

  it("filters by a time range", async () => {
    const { admin, user } = await adminAndUser();
    await login({ ...user, password: "wrong password" });
    const past = new Date(Date.now() - 3600_000).toISOString();
    const future = new Date(Date.now() + 3600_000).toISOString();
    const inRange = await json(await api(`/v1/admin/audit-events?userId=${user.id}&from=${past}&to=${future}`, { token: admin.accessToken }));
    expect(inRange.items.map((event: { type: string }) => event.type)).toContain("login.failed");
    const later = await json(await api(`/v1/admin/audit-events?userId=${user.id}&from=${future}`, { token: admin.accessToken }));
    expect(later.items).toEqual([]);
    const earlier = await json(await api(`/v1/admin/audit-events?userId=${user.id}&to=${past}`, { token: admin.accessToken }));
    expect(earlier.items).toEqual([]);
    await expectProblem(await api("/v1/admin/audit-events?from=yesterday", { token: admin.accessToken }), 400, "invalid_query");
  });

  it("reads anyone's events, filtered by type", async () => {
    const { admin, user } = await adminAndUser();
    await login({ ...user, password: "wrong password" });
    const { items } = await json(await api(`/v1/admin/audit-events?userId=${user.id}&type=login.failed`, { token: admin.accessToken }));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ userId: user.id, type: "login.failed", detail: { reason: "wrong_password" } });
  });

  it("400 for a malformed filter", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api("/v1/admin/audit-events?type=DROP%20TABLE", { token: admin.accessToken }), 400, "invalid_query");
  });
});

describe("invite codes", () => {
  it("creates, lists and revokes codes with max uses and expiry", async () => {
    const { admin } = await adminAndUser();
    const created = await api("/v1/admin/invites", { token: admin.accessToken, body: { maxUses: 3, expiresInSeconds: 3600 } });
    expect(created.status).toBe(201);
    const invite = await json(created);
    expect(invite).toMatchObject({ maxUses: 3, uses: 0, revokedAt: null, createdBy: admin.id, usable: true });
    expect(invite.code.length).toBeGreaterThanOrEqual(22);
    expect(Date.parse(invite.expiresAt) - Date.parse(invite.createdAt)).toBe(3600_000);

    const listed = await json(await api("/v1/admin/invites?limit=100", { token: admin.accessToken }));
    expect(listed.items.map((i: { code: string }) => i.code)).toContain(invite.code);

    expect((await api(`/v1/admin/invites/${invite.code}`, { method: "DELETE", token: admin.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/admin/invites/${invite.code}`, { method: "DELETE", token: admin.accessToken }), 409, "invite_already_revoked");
    await expectProblem(await api("/v1/admin/invites/no-such-code", { method: "DELETE", token: admin.accessToken }), 404);
    const after = await json(await api("/v1/admin/invites?limit=100", { token: admin.accessToken }));
    expect(after.items.find((i: { code: string }) => i.code === invite.code)).toMatchObject({ usable: false });
  });

  it("with REGISTRATION_MODE=invite a code registers at most maxUses accounts, and a revoked one none", async () => {
    const { admin } = await adminAndUser();
    const inviteEnv = { ...env, REGISTRATION_MODE: "invite" };
    const registerVia = async (code: string | undefined) =>
      worker.fetch(
        new Request("http://platform.test/v1/auth/register", {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 250)}` },
          body: JSON.stringify({ email: `inv-${unique()}@example.com`, password: `invited pass ${unique()}`, displayName: "Invited", inviteCode: code }),
        }),
        inviteEnv,
        createExecutionContext(),
      );
    const invite = await json(await api("/v1/admin/invites", { token: admin.accessToken, body: { maxUses: 2 } }));
    expect((await registerVia(invite.code)).status).toBe(201);
    expect((await registerVia(invite.code)).status).toBe(201);
    await expectProblem(await registerVia(invite.code), 403, "invalid_invite");
    await expectProblem(await registerVia(undefined), 400, "invite_required");
    const revoked = await json(await api("/v1/admin/invites", { token: admin.accessToken, body: {} }));
    await api(`/v1/admin/invites/${revoked.code}`, { method: "DELETE", token: admin.accessToken });
    await expectProblem(await registerVia(revoked.code), 403, "invalid_invite");
  });

  it("400 for invalid limits", async () => {
    const { admin } = await adminAndUser();
    await expectProblem(await api("/v1/admin/invites", { token: admin.accessToken, body: { maxUses: 0 } }), 400, "invalid_body");
    await expectProblem(await api("/v1/admin/invites", { token: admin.accessToken, body: { expiresInSeconds: 5 } }), 400, "invalid_body");
    await expectProblem(await api("/v1/admin/invites", { token: admin.accessToken, body: { maxUses: 1, extra: true } }), 400, "invalid_body");
  });
});
