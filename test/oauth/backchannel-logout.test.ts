import { env } from "cloudflare:test";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { signBrowserSession } from "../../shared/oauth/browser-session";
import { logout } from "../../shared/identity/sessions/sessions";
import type { JobMessage } from "../../shared/env";
import { announceEndedSessions, type BackchannelLogoutJob, sendLogoutToken } from "../../shared/oauth/backchannel-logout";
import { oauthAccount } from "../../shared/oauth/connected-apps";
import type { JobQueue } from "../../shared/platform/deps-types";
import { api, json, registerUser, type TestUser, unique, uniqueIp } from "../helpers";
import { tokenIn, waitForMail } from "../kit/mailbox";
import { backchannelLogoutTask } from "../../workers/jobs/oauth-backchannel-logout";
import { testDeps } from "../kit/deps";
import { adminToken, ISSUER, registerClient, signInToApp } from "./kit";

afterEach(() => clock.reset());

/** A JOBS queue that records what it is sent. */
function recordingQueue(): JobQueue & { jobs: JobMessage[] } {
  const jobs: JobMessage[] = [];
  return {
    jobs,
    send: async (job) => {
      jobs.push(job);
    },
    sendBatch: async (batch) => {
      jobs.push(...batch);
    },
  };
}

async function appWithBackchannel() {
  const client = await registerClient();
  const uri = `${new URL(client.redirectUri).origin}/backchannel-logout`;
  const patched = await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "PATCH", token: await adminToken(), body: { backchannelLogoutUri: uri } });
  expect((await json(patched)).client.backchannelLogoutUri).toBe(uri);
  return { app: await signInToApp({ client }), uri };
}

/**
 * An app signed in with the platform session of an API sign-in (the hosted pages' cookie names
 * that session), so every way the API ends a session reaches the app's authorization.
 */
async function appOnApiSession() {
  const client = await registerClient();
  const uri = `${new URL(client.redirectUri).origin}/backchannel-logout`;
  await api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "PATCH", token: await adminToken(), body: { backchannelLogoutUri: uri } });
  const user = await registerUser();
  const sid = decodeJwt(user.accessToken).sid as string;
  const cookie = `__Host-platform_session=${(await signBrowserSession(testDeps(), user.id, sid)).value}`;
  const app = await signInToApp({ client, user, cookie });
  expect(app.claims.sid).toBe(sid);
  return { user, sid, app };
}

/** Whether the app's authorization of the session was announced (its logout token queued). */
async function announced(clientId: string, sid: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT logout_notified_at AS at FROM oauth_authorizations WHERE client_id = ? AND session_id = ?")
    .bind(clientId, sid)
    .first<{ at: number | null }>();
  expect(row).not.toBeNull();
  return row!.at !== null;
}

/** Every way a session ends queues the logout token in the same request, not at the next minute's sweep. */
describe("back-channel logout at once", () => {
  const ways: [string, (user: TestUser, sid: string) => Promise<void>][] = [
    [
      "logout",
      async (user) => {
        expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
      },
    ],
    [
      "logout-all",
      async (user) => {
        expect((await api("/v1/auth/logout-all", { method: "POST", token: user.accessToken })).status).toBe(204);
      },
    ],
    [
      "revoking the session from another one",
      async (user, sid) => {
        const other = await json(await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip }));
        expect((await api(`/v1/auth/sessions/${sid}`, { method: "DELETE", token: other.accessToken })).status).toBe(204);
      },
    ],
    [
      "a password change from another session",
      async (user) => {
        const other = await json(await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip }));
        const body = { currentPassword: user.password, newPassword: `changed ${unique()}` };
        expect((await api("/v1/auth/password/change", { token: other.accessToken, body })).status).toBe(204);
      },
    ],
    [
      "a password reset",
      async (user) => {
        expect((await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() })).status).toBe(202);
        const token = tokenIn((await waitForMail(user.email, /Reset your password/))[0]!);
        expect((await api("/v1/auth/password/reset", { body: { token, password: `reset ${unique()}` } })).status).toBe(204);
      },
    ],
    [
      "an admin disabling the account",
      async (user) => {
        expect((await api(`/v1/admin/users/${user.id}/disable`, { token: await adminToken(), body: { reason: "test" } })).status).toBe(200);
      },
    ],
    [
      "an admin ending the user's sessions",
      async (user) => {
        expect((await api(`/v1/admin/users/${user.id}/sessions`, { method: "DELETE", token: await adminToken() })).status).toBe(200);
      },
    ],
    [
      "a reused refresh token",
      async (user) => {
        expect((await api("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } })).status).toBe(200);
        clock.advance(21_000);
        expect((await api("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } })).status).toBe(401);
      },
    ],
  ];

  for (const [way, end] of ways) {
    it(`${way} queues the app's logout token in the same request`, async () => {
      const { user, sid, app } = await appOnApiSession();
      expect(await announced(app.client.clientId, sid)).toBe(false);
      await end(user, sid);
      expect(await announced(app.client.clientId, sid)).toBe(true);
    });
  }

  it("logout through the module function queues exactly one token for the app", async () => {
    const { user, sid, app } = await appOnApiSession();
    const queue = recordingQueue();
    await logout(testDeps({ queue }), user.id, sid, { ip: null, userAgent: null });
    expect(queue.jobs).toEqual([expect.objectContaining({ kind: "oauth.backchannel_logout", clientId: app.client.clientId, userId: user.id, sessionId: sid })]);
    expect(await announceEndedSessions(testDeps({ queue }))).toBeGreaterThanOrEqual(0);
    expect(queue.jobs.filter((job) => "sessionId" in job && job.sessionId === sid)).toHaveLength(1);
  });
});

describe("back-channel logout", () => {
  it("queues one logout token per app and ended session, once", async () => {
    const { app, uri } = await appWithBackchannel();
    const sid = app.claims.sid as string;
    const queue = recordingQueue();
    expect(await announceEndedSessions(testDeps({ queue }), [sid])).toBe(0);
    // Ended in D1 only, as a sweep would find it if a queue send had failed.
    await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ?").bind(Date.now(), sid).run();
    expect(await announceEndedSessions(testDeps({ queue }), [sid])).toBe(1);
    expect(queue.jobs).toEqual([{ kind: "oauth.backchannel_logout", clientId: app.client.clientId, uri, userId: app.user.id, sessionId: sid }]);
    expect(await announceEndedSessions(testDeps({ queue }), [sid])).toBe(0);
  });

  it("the minutely sweep finds the sessions of a user disabled without the API (a queue send that failed)", async () => {
    const { app } = await appWithBackchannel();
    await env.DB.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").bind(Date.now(), app.user.id).run();
    const queue = recordingQueue();
    await backchannelLogoutTask(testDeps({ queue }), Date.now());
    expect(queue.jobs).toContainEqual(expect.objectContaining({ clientId: app.client.clientId, userId: app.user.id, sessionId: app.claims.sid }));
  });

  it("posts a logout token the app can verify with the JWKS, and a refusal is retried", async () => {
    const { app, uri } = await appWithBackchannel();
    const job: BackchannelLogoutJob = {
      kind: "oauth.backchannel_logout",
      clientId: app.client.clientId,
      uri,
      userId: app.user.id,
      sessionId: app.claims.sid as string,
    };
    const posted: { url: string; body: string }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      posted.push({ url, body: String(init.body) });
      return new Response(null, { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    await sendLogoutToken(testDeps({ fetch }), job);
    expect(posted[0]!.url).toBe(uri);
    const token = new URLSearchParams(posted[0]!.body).get("logout_token")!;
    expect(decodeProtectedHeader(token).typ).toBe("logout+jwt");
    const jwks = await json(await api("/.well-known/jwks.json"));
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: app.client.clientId });
    expect(payload).toMatchObject({ sub: app.user.id, sid: app.claims.sid, events: { "http://schemas.openid.net/event/backchannel-logout": {} } });
    expect(payload.nonce).toBeUndefined();
    expect(typeof payload.jti).toBe("string");

    const refusing = (async () => new Response("no", { status: 503 })) as unknown as typeof globalThis.fetch;
    await expect(sendLogoutToken(testDeps({ fetch: refusing }), job)).rejects.toThrow(/503/);
  });

  it("queues the logout tokens of a deleted account after its rows are gone", async () => {
    const { app } = await appWithBackchannel();
    const queue = recordingQueue();
    const step = await oauthAccount.onDelete!(testDeps({ queue }), app.user.id, Date.now());
    expect(step.statements).toEqual([]);
    await step.afterwards?.();
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]).toMatchObject({ clientId: app.client.clientId, userId: app.user.id, sessionId: app.claims.sid });
  });

  it("is announced in discovery", async () => {
    const metadata = await json(await api("/.well-known/openid-configuration"));
    expect(metadata).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });
});
