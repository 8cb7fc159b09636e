import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { JobMessage } from "../../shared/env";
import { announceEndedSessions, type BackchannelLogoutJob, sendLogoutToken } from "../../shared/oauth/backchannel-logout";
import { oauthAccount } from "../../shared/oauth/connected-apps";
import type { JobQueue } from "../../shared/platform/deps-types";
import { api, json } from "../helpers";
import { backchannelLogoutTask } from "../../workers/jobs/oauth-backchannel-logout";
import { testDeps } from "../kit/deps";
import { adminToken, ISSUER, registerClient, signInToApp } from "./kit";

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

describe("back-channel logout", () => {
  it("queues one logout token per app and ended session, once", async () => {
    const { app, uri } = await appWithBackchannel();
    const sid = app.claims.sid as string;
    const queue = recordingQueue();
    expect(await announceEndedSessions(testDeps({ queue }), sid)).toBe(0);
    expect((await api(`/v1/auth/sessions/${sid}`, { method: "DELETE", token: app.user.accessToken })).status).toBe(204);
    expect(await announceEndedSessions(testDeps({ queue }), sid)).toBe(1);
    expect(queue.jobs).toEqual([{ kind: "oauth.backchannel_logout", clientId: app.client.clientId, uri, userId: app.user.id, sessionId: sid }]);
    expect(await announceEndedSessions(testDeps({ queue }), sid)).toBe(0);
  });

  it("the minutely sweep finds the sessions of a user an admin disabled", async () => {
    const { app } = await appWithBackchannel();
    expect((await api(`/v1/admin/users/${app.user.id}/disable`, { method: "POST", token: await adminToken() })).status).toBe(200);
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
