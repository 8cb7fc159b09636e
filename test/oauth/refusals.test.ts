import { SELF } from "cloudflare:test";
import * as oauth from "oauth4webapi";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, registerUser } from "../helpers";
import {
  adminToken,
  authorizationUrl,
  authorizeInBrowser,
  browser,
  discover,
  ISSUER,
  introspect,
  protocolPost,
  registerClient,
  rpClient,
  rpOptions,
  signIn,
  signInToApp,
} from "./kit";

afterEach(() => clock.reset());

/** A signed-in browser that went through /oauth/authorize: the code the app got, and what it needs to exchange it. */
async function codeFor(options: { type?: "public" | "confidential" } = {}) {
  const as = await discover();
  const client = await registerClient(options);
  const user = await registerUser();
  const cookie = await signIn(user);
  const start = await authorizationUrl(as, client);
  const rp = rpClient(client);
  const callback = await authorizeInBrowser(start, cookie);
  const params = oauth.validateAuthResponse(as, rp.client, callback, start.state);
  return { as, client, rp, user, cookie, start, params, code: params.get("code")! };
}

function exchange(flow: Awaited<ReturnType<typeof codeFor>>, overrides: Record<string, string> = {}) {
  const form: Record<string, string> = {
    grant_type: "authorization_code",
    code: flow.code,
    redirect_uri: flow.client.redirectUri,
    code_verifier: flow.start.codeVerifier,
    ...overrides,
  };
  for (const [name, value] of Object.entries(form)) if (value === "") delete form[name];
  return protocolPost("/oauth/token", form, { id: flow.client.clientId, secret: flow.client.clientSecret! });
}

async function expectOAuthError(response: Response, status: number, error: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(JSON.parse(text).error).toBe(error);
}

describe("/oauth/authorize refusals", () => {
  it("shows a wrong redirect URI to the user as a problem and never redirects to it", async () => {
    const as = await discover();
    const client = await registerClient();
    const start = await authorizationUrl(as, client);
    for (const wrong of [`${client.redirectUri}/other`, `${client.redirectUri}?x=1`, "https://evil.example/callback"]) {
      start.url.searchParams.set("redirect_uri", wrong);
      const response = await browser(start.url.toString());
      expect(response.headers.get("location")).toBeNull();
      await expectProblem(response, 400, "redirect_uri_mismatch");
    }
    start.url.searchParams.delete("redirect_uri");
    await expectProblem(await browser(start.url.toString()), 400, "redirect_uri_mismatch");
  });

  it("shows a browser the refusal as a page under the hosted pages' CSP", async () => {
    const as = await discover();
    const client = await registerClient();
    const start = await authorizationUrl(as, client);
    start.url.searchParams.set("redirect_uri", "https://evil.example/callback");
    const response = await SELF.fetch(start.url.toString(), { headers: { accept: "text/html,application/xhtml+xml" }, redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await response.text()).toContain("redirect_uri is missing or is not registered for this app");
  });

  it("refuses an unknown client without redirecting", async () => {
    const as = await discover();
    const client = await registerClient();
    const start = await authorizationUrl(as, { ...client, clientId: "client_nobody" });
    await expectProblem(await browser(start.url.toString()), 400, "unknown_client");
  });

  it("sends PKCE plain, a missing challenge, another response type or a scope the client lacks back to the app as errors", async () => {
    const as = await discover();
    const client = await registerClient({ scopes: ["openid", "email"] });
    const cases: [Record<string, string | null>, string][] = [
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge_method: null }, "invalid_request"],
      [{ code_challenge: null }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "openid offline_access" }, "invalid_scope"],
    ];
    for (const [change, error] of cases) {
      const start = await authorizationUrl(as, client, "openid email");
      for (const [name, value] of Object.entries(change)) value === null ? start.url.searchParams.delete(name) : start.url.searchParams.set(name, value);
      const response = await browser(start.url.toString());
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location")!);
      expect(location.origin + location.pathname).toBe(client.redirectUri);
      expect(location.searchParams.get("error"), JSON.stringify(change)).toBe(error);
      expect(location.searchParams.get("state")).toBe(start.state);
    }
  });
});

describe("/oauth/token refusals", () => {
  it("refuses a missing or wrong code_verifier", async () => {
    const flow = await codeFor();
    await expectOAuthError(await exchange(flow, { code_verifier: "" }), 400, "invalid_request");
    await expectOAuthError(await exchange(flow, { code_verifier: oauth.generateRandomCodeVerifier() }), 400, "invalid_grant");
  });

  it("refuses a redirect URI that differs from the authorization request's", async () => {
    const flow = await codeFor();
    await expectOAuthError(await exchange(flow, { redirect_uri: `${flow.client.redirectUri}/x` }), 400, "invalid_grant");
  });

  it("refuses a code used twice, and revokes what its first use issued", async () => {
    const flow = await codeFor();
    const first = await exchange(flow);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { access_token: string; refresh_token: string };
    const app = { as: flow.as, rp: flow.rp };
    expect((await introspect(app, tokens.access_token)).active).toBe(true);
    await expectOAuthError(await exchange(flow), 400, "invalid_grant");
    expect((await introspect(app, tokens.access_token)).active).toBe(false);
    expect((await introspect(app, tokens.refresh_token)).active).toBe(false);
  });

  it("refuses an expired code", async () => {
    const flow = await codeFor();
    clock.advance(61_000);
    await expectOAuthError(await exchange(flow), 400, "invalid_grant");
  });

  it("refuses another client's code", async () => {
    const flow = await codeFor();
    const other = await registerClient();
    const response = await protocolPost(
      "/oauth/token",
      { grant_type: "authorization_code", code: flow.code, redirect_uri: flow.client.redirectUri, code_verifier: flow.start.codeVerifier },
      { id: other.clientId, secret: other.clientSecret! },
    );
    await expectOAuthError(response, 400, "invalid_grant");
  });

  it("refuses a wrong client secret, and a confidential client without one, as invalid_client (401)", async () => {
    const flow = await codeFor();
    const response = await protocolPost(
      "/oauth/token",
      { grant_type: "authorization_code", code: flow.code, redirect_uri: flow.client.redirectUri, code_verifier: flow.start.codeVerifier },
      { id: flow.client.clientId, secret: "wrong" },
    );
    await expectOAuthError(response, 401, "invalid_client");
    expect(response.headers.get("www-authenticate")).toContain("Basic");
    await expectOAuthError(await protocolPost("/oauth/token", { grant_type: "client_credentials", client_id: flow.client.clientId }), 401, "invalid_client");
  });

  it("refuses everything from a disabled client, and its tokens stop at once", async () => {
    const app = await signInToApp();
    const disable = await api(`/v1/admin/oauth/clients/${app.client.clientId}/disable`, { method: "POST", token: await adminToken() });
    expect(disable.status).toBe(200);
    expect((await introspect({ as: app.as, rp: rpClient(await registerClient()) }, app.tokens.access_token)).active).toBe(false);
    const refresh = await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, app.tokens.refresh_token!, rpOptions);
    await expectOAuthError(refresh, 401, "invalid_client");
    const start = await authorizationUrl(app.as, app.client);
    await expectProblem(await browser(start.url.toString(), { cookie: app.cookie }), 400, "client_disabled");
  });

  it("refuses client_credentials to a public client, and gives a confidential client a token of its own", async () => {
    const publicClient = await registerClient({ type: "public", firstParty: true });
    await expectOAuthError(
      await protocolPost("/oauth/token", { grant_type: "client_credentials", client_id: publicClient.clientId }),
      400,
      "unauthorized_client",
    );

    const as = await discover();
    const confidential = await registerClient();
    const rp = rpClient(confidential);
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      rp.client,
      await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, rpOptions),
    );
    expect(tokens.refresh_token).toBeUndefined();
    const info = await introspect({ as, rp }, tokens.access_token);
    expect(info).toMatchObject({ active: true, sub: confidential.clientId, client_id: confidential.clientId });
    expect((await oauth.userInfoRequest(as, rp.client, tokens.access_token, rpOptions)).status).toBe(403);
    await expectOAuthError(
      await protocolPost(
        "/oauth/token",
        { grant_type: "client_credentials", scope: "openid" },
        { id: confidential.clientId, secret: confidential.clientSecret! },
      ),
      400,
      "invalid_scope",
    );
  });

  it("answers an unknown grant type, a repeated parameter and a JSON body with RFC 6749 errors", async () => {
    const client = await registerClient();
    const basic = { id: client.clientId, secret: client.clientSecret! };
    await expectOAuthError(await protocolPost("/oauth/token", { grant_type: "password" }, basic), 400, "unsupported_grant_type");
    await expectOAuthError(await protocolPost("/oauth/token", {}, basic), 400, "invalid_request");
    const repeated = await fetchForm("/oauth/token", "grant_type=client_credentials&grant_type=client_credentials", basic);
    await expectOAuthError(repeated, 400, "invalid_request");
    const jsonBody = await api("/oauth/token", { body: { grant_type: "client_credentials" } });
    await expectOAuthError(jsonBody, 400, "invalid_request");
  });

  it("leaves another client's token alone when a client tries to revoke it (answered 200 alike)", async () => {
    const app = await signInToApp();
    const other = await registerClient();
    const response = await protocolPost("/oauth/revoke", { token: app.tokens.refresh_token! }, { id: other.clientId, secret: other.clientSecret! });
    expect(response.status).toBe(200);
    expect((await introspect(app, app.tokens.refresh_token!)).active).toBe(true);
  });

  it("accepts client_secret_post as well as client_secret_basic, but not both at once", async () => {
    const client = await registerClient();
    const post = await protocolPost("/oauth/token", { grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret! });
    expect(post.status).toBe(200);
    const both = await protocolPost(
      "/oauth/token",
      { grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret! },
      { id: client.clientId, secret: client.clientSecret! },
    );
    await expectOAuthError(both, 401, "invalid_client");
  });

  it("lets only confidential clients introspect", async () => {
    const app = await signInToApp();
    const publicClient = await registerClient({ type: "public" });
    const response = await protocolPost("/oauth/introspect", { token: app.tokens.access_token, client_id: publicClient.clientId });
    await expectOAuthError(response, 401, "unauthorized_client");
  });
});

async function fetchForm(path: string, body: string, basic: { id: string; secret: string }) {
  return SELF.fetch(`${ISSUER}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${basic.id}:${basic.secret}`)}` },
    body,
  });
}
