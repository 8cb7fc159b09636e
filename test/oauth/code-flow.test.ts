import { SELF } from "cloudflare:test";
import * as oauth from "oauth4webapi";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { json, registerUser } from "../helpers";
import {
  authorizationUrl,
  authorizeInBrowser,
  browser,
  consentTicketOf,
  discover,
  ISSUER,
  introspect,
  registerClient,
  rpClient,
  rpOptions,
  signIn,
  signInToApp,
  userinfoStatus,
  verifyWithJwks,
} from "./kit";

afterEach(() => clock.reset());

describe("discovery", () => {
  it("publishes OpenID Provider and OAuth server metadata with RS256, S256 only, and the endpoints", async () => {
    const as = await discover();
    expect(as.issuer).toBe(ISSUER);
    expect(as.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.scopes_supported).toEqual(["openid", "profile", "email", "offline_access"]);
    for (const endpoint of ["authorization", "token", "userinfo", "revocation", "introspection", "end_session"] as const) {
      expect(as[`${endpoint}_endpoint`]).toMatch(new RegExp(`^${ISSUER}/oauth/`));
    }
    const rfc8414 = await oauth.processDiscoveryResponse(new URL(ISSUER), await oauth.discoveryRequest(new URL(ISSUER), { ...rpOptions, algorithm: "oauth2" }));
    expect(rfc8414.token_endpoint).toBe(as.token_endpoint);
  });

  it("lists the RS256 key beside the ES256 one in the JWKS", async () => {
    const { keys } = await json<{ keys: { kty: string; alg: string; kid: string; d?: string }[] }>(await SELF.fetch(`${ISSUER}/.well-known/jwks.json`));
    expect(keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    expect(keys.every((k) => k.d === undefined)).toBe(true);
  });
});

describe("the authorization code flow with oauth4webapi", () => {
  it("signs in, asks consent, exchanges the code, and releases the claims of the scopes", async () => {
    const app = await signInToApp();
    expect(app.tokens.token_type).toBe("bearer");
    expect(app.tokens.refresh_token).toBeTruthy();
    expect(app.claims.sub).toBe(app.user.id);
    expect(app.claims.aud).toBe(app.client.clientId);
    expect(app.claims.email).toBe(app.user.email);
    expect(app.claims.email_verified).toBe(false);
    expect(app.claims.name).toBe(app.user.displayName);
    expect(typeof app.claims.auth_time).toBe("number");

    const verified = await verifyWithJwks(app.tokens.id_token!, app.client.clientId);
    expect(verified.sub).toBe(app.user.id);

    const info = await oauth.processUserInfoResponse(app.as, app.rp.client, app.user.id, await userinfoStatus(app, app.tokens.access_token));
    expect(info).toMatchObject({ sub: app.user.id, email: app.user.email, email_verified: false, name: app.user.displayName });

    const active = await introspect(app, app.tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: app.user.id, client_id: app.client.clientId, token_type: "Bearer" });
  });

  it("keeps sub stable across sign-ins and remembers the consent for the next one", async () => {
    const first = await signInToApp();
    const start = await authorizationUrl(first.as, first.client);
    const response = await browser(start.url.toString(), { cookie: first.cookie });
    expect(response.status).toBe(302);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const callback = new URL(response.headers.get("location")!);
    expect(callback.origin + callback.pathname).toBe(first.client.redirectUri);
    expect(callback.searchParams.get("state")).toBe(start.state);
    expect(callback.searchParams.get("iss")).toBe(ISSUER);
    const second = await signInToApp({ client: first.client, user: first.user });
    expect(second.claims.sub).toBe(first.claims.sub);
  });

  it("shows the consent page with the app's name and scopes under a strict CSP, and a denial goes back as access_denied", async () => {
    const as = await discover();
    const client = await registerClient({ name: "Photo Printer" });
    const user = await registerUser();
    const cookie = await signIn(user);
    const start = await authorizationUrl(as, client, "openid email");
    const response = await browser(start.url.toString(), { cookie });
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp).toContain(`form-action 'self' ${new URL(client.redirectUri).origin}`);
    const page = await response.text();
    expect(page).toContain("Photo Printer");
    expect(page).toContain('data-scope="email"');
    expect(page).not.toContain("<script");
    const denied = await browser("/oauth/authorize/decision", { cookie, form: { ticket: consentTicketOf(page), decision: "deny" } });
    expect(denied.status).toBe(303);
    const callback = new URL(denied.headers.get("location")!);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(start.state);
  });

  it("refuses a consent form posted from another origin or another session", async () => {
    const as = await discover();
    const client = await registerClient();
    const user = await registerUser();
    const cookie = await signIn(user);
    const start = await authorizationUrl(as, client);
    const ticket = consentTicketOf(await (await browser(start.url.toString(), { cookie })).text());
    const foreign = await browser("/oauth/authorize/decision", { cookie, form: { ticket, decision: "allow" }, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const otherCookie = await signIn(user);
    const otherSession = await browser("/oauth/authorize/decision", { cookie: otherCookie, form: { ticket, decision: "allow" } });
    expect(otherSession.status).toBe(400);
  });

  it("skips consent for a first-party public client and sends an unsigned-in browser to the hosted sign-in", async () => {
    const as = await discover();
    const client = await registerClient({ type: "public", firstParty: true });
    const user = await registerUser();
    const start = await authorizationUrl(as, client);
    const anonymous = await browser(start.url.toString());
    expect(anonymous.status).toBe(302);
    const signInAt = new URL(anonymous.headers.get("location")!, ISSUER);
    expect(signInAt.pathname).toBe("/oauth/signin");
    const signInPage = await browser(signInAt.pathname + signInAt.search);
    expect(signInPage.status).toBe(200);
    expect(await signInPage.text()).toContain("Example App");
    const cookie = await signIn(user, signInAt.searchParams.get("return_to")!);
    const app = await signInToApp({ client, user, cookie });
    expect(app.claims.sub).toBe(user.id);
  });

  it("answers prompt=none without a session with login_required", async () => {
    const as = await discover();
    const client = await registerClient();
    const start = await authorizationUrl(as, client);
    start.url.searchParams.set("prompt", "none");
    const response = await browser(start.url.toString());
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("login_required");
  });

  it("signs in again for prompt=login or a sign-in older than max_age, then returns to the request without prompt=login", async () => {
    const app = await signInToApp();
    const start = await authorizationUrl(app.as, app.client);
    start.url.searchParams.set("prompt", "login");
    const forced = await browser(start.url.toString(), { cookie: app.cookie });
    expect(forced.status).toBe(302);
    const returnTo = new URL(forced.headers.get("location")!, ISSUER).searchParams.get("return_to")!;
    expect(returnTo).toMatch(/^\/oauth\/authorize\?/);
    expect(new URL(returnTo, ISSUER).searchParams.get("prompt")).toBeNull();

    clock.advance(120_000);
    const fresh = await authorizationUrl(app.as, app.client);
    fresh.url.searchParams.set("max_age", "60");
    expect((await browser(fresh.url.toString(), { cookie: app.cookie })).headers.get("location")).toMatch(/^\/oauth\/signin\?/);
    fresh.url.searchParams.set("max_age", "3600");
    expect((await browser(fresh.url.toString(), { cookie: app.cookie })).headers.get("location")).toMatch(new RegExp(`^${app.client.redirectUri}\\?code=`));
  });

  it("sets the session cookie HttpOnly, Secure, SameSite=Lax and host-only, and a wrong password shows the form again", async () => {
    const user = await registerUser();
    const response = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: "/oauth/authorize?a=1" }, ip: user.ip });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-platform_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(response.headers.get("location")).toBe("/oauth/authorize?a=1");
    const wrong = await browser("/oauth/signin", { form: { email: user.email, password: "wrong password!", return_to: "/oauth/authorize?a=1" }, ip: user.ip });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(await wrong.text()).toContain("E-mail or password is wrong");
  });

  it("never returns from sign-in to anything but an authorization request", async () => {
    const user = await registerUser();
    const response = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: "https://evil.example/" }, ip: user.ip });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("refresh, revocation and introspection", () => {
  it("rotates the refresh token, and a reused one revokes the whole authorization", async () => {
    const app = await signInToApp();
    const first = app.tokens.refresh_token!;
    const refreshed = await oauth.processRefreshTokenResponse(
      app.as,
      app.rp.client,
      await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, first, rpOptions),
    );
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect((await introspect(app, refreshed.access_token)).active).toBe(true);

    const replay = await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, first, rpOptions);
    await expect(oauth.processRefreshTokenResponse(app.as, app.rp.client, replay)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await introspect(app, refreshed.access_token)).active).toBe(false);
    expect((await introspect(app, refreshed.refresh_token!)).active).toBe(false);
    expect((await introspect(app, app.tokens.access_token)).active).toBe(false);
  });

  it("a refresh may narrow the scope: the new access token is introspected and answered with the narrower one, and no new ID token is issued", async () => {
    const app = await signInToApp();
    const narrowed = await oauth.processRefreshTokenResponse(
      app.as,
      app.rp.client,
      await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, app.tokens.refresh_token!, {
        ...rpOptions,
        additionalParameters: { scope: "openid" },
      }),
    );
    expect(narrowed.scope).toBe("openid");
    expect(narrowed.id_token).toBeUndefined();
    expect((await introspect(app, narrowed.access_token)).scope).toBe("openid");
    const info = await oauth.processUserInfoResponse(app.as, app.rp.client, app.user.id, await userinfoStatus(app, narrowed.access_token));
    expect(info.email).toBeUndefined();
    const widened = await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, narrowed.refresh_token!, {
      ...rpOptions,
      additionalParameters: { scope: "openid admin" },
    });
    expect(widened.status).toBe(400);
    expect((await widened.json()) as object).toMatchObject({ error: "invalid_scope" });
  });

  it("revoking the refresh token ends its access tokens; revoking an access token ends only it", async () => {
    const app = await signInToApp();
    const other = await signInToApp({ client: app.client, user: app.user, cookie: app.cookie });
    await oauth.processRevocationResponse(await oauth.revocationRequest(app.as, app.rp.client, app.rp.auth, other.tokens.access_token, rpOptions));
    expect((await introspect(app, other.tokens.access_token)).active).toBe(false);
    expect((await introspect(app, other.tokens.refresh_token!)).active).toBe(true);

    await oauth.processRevocationResponse(await oauth.revocationRequest(app.as, app.rp.client, app.rp.auth, app.tokens.refresh_token!, rpOptions));
    expect((await introspect(app, app.tokens.access_token)).active).toBe(false);
    expect((await userinfoStatus(app, app.tokens.access_token)).status).toBe(401);
    // Unknown tokens are answered alike (RFC 7009 2.2).
    await oauth.processRevocationResponse(await oauth.revocationRequest(app.as, app.rp.client, app.rp.auth, "no-such-token", rpOptions));
  });

  it("does not let a platform access token pass for an app token, nor an app token for a platform one", async () => {
    const app = await signInToApp();
    const platformToken = (await registerUser()).accessToken;
    expect((await introspect(app, platformToken)).active).toBe(false);
    expect((await userinfoStatus(app, platformToken)).status).toBe(401);
    const me = await SELF.fetch(`${ISSUER}/v1/me`, { headers: { authorization: `Bearer ${app.tokens.access_token}` } });
    expect(me.status).toBe(401);
  });

  it("answers userinfo without openid scope with 403 insufficient_scope", async () => {
    const client = await registerClient({ scopes: ["email"] });
    const as = await discover();
    const user = await registerUser();
    const cookie = await signIn(user);
    const start = await authorizationUrl(as, client, "email");
    const callback = await authorizeInBrowser(start, cookie);
    const rp = rpClient(client);
    const params = oauth.validateAuthResponse(as, rp.client, callback, start.state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      rp.client,
      await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, params, client.redirectUri, start.codeVerifier, rpOptions),
    );
    expect(tokens.id_token).toBeUndefined();
    const response = await oauth.userInfoRequest(as, rp.client, tokens.access_token, rpOptions);
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });
});
