import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import {
  adminToken,
  authorizationUrl,
  authorizeInBrowser,
  browser,
  introspect,
  registerClient,
  rpClient,
  rpOptions,
  type SignedInApp,
  signIn,
  signInToApp,
  userinfoStatus,
} from "./kit";

/** Whether the app's tokens still work: introspection (as a resource server would) and userinfo. */
async function expectAppTokens(app: SignedInApp, alive: boolean) {
  expect((await introspect(app, app.tokens.access_token)).active).toBe(alive);
  expect((await introspect(app, app.tokens.refresh_token!)).active).toBe(alive);
  const info = await userinfoStatus(app, app.tokens.access_token);
  expect(info.status).toBe(alive ? 200 : 401);
  if (!alive) expect(info.headers.get("www-authenticate")).toContain('error="invalid_token"');
}

describe("app tokens are bound to the platform session they came from", () => {
  it("RP-initiated logout with id_token_hint ends the session, every app token of it, and returns to the app", async () => {
    const app = await signInToApp();
    const other = await signInToApp({ user: app.user, cookie: app.cookie });
    await expectAppTokens(app, true);
    const url = new URL(app.as.end_session_endpoint!);
    url.searchParams.set("id_token_hint", app.tokens.id_token!);
    url.searchParams.set("post_logout_redirect_uri", app.client.postLogoutRedirectUri);
    url.searchParams.set("state", "after-logout");
    const response = await browser(url.toString(), { cookie: app.cookie });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(app.client.postLogoutRedirectUri);
    expect(back.searchParams.get("state")).toBe("after-logout");
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-platform_session=;/);
    await expectAppTokens(app, false);
    await expectAppTokens(other, false);
    // The cookie no longer signs anyone in: the next authorization request goes to the sign-in page.
    const again = await browser((await authorizationUrl(app.as, app.client)).url.toString(), { cookie: app.cookie });
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toMatch(/^\/oauth\/signin\?/);
  });

  it("asks before signing out when the request does not prove which app sent it, and refuses an unregistered return URI", async () => {
    const app = await signInToApp();
    const confirm = await browser("/oauth/logout", { cookie: app.cookie });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('action="/oauth/logout"');
    await expectAppTokens(app, true);
    const unregistered = await browser(
      `/oauth/logout?client_id=${app.client.clientId}&post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`,
      {
        cookie: app.cookie,
      },
    );
    await expectProblem(unregistered, 400, "redirect_uri_mismatch");
    const confirmed = await browser("/oauth/logout", { cookie: app.cookie, form: { confirm: "yes" } });
    expect(confirmed.status).toBe(200);
    await expectAppTokens(app, false);
  });

  it("revoking the platform session (DELETE /v1/auth/sessions/:id) ends its app tokens at once", async () => {
    const app = await signInToApp();
    const sid = app.claims.sid as string;
    const response = await api(`/v1/auth/sessions/${sid}`, { method: "DELETE", token: app.user.accessToken });
    expect(response.status).toBe(204);
    await expectAppTokens(app, false);
  });

  it("a password change (which ends the user's other sessions) ends the app tokens at once", async () => {
    const app = await signInToApp();
    const response = await api("/v1/auth/password/change", {
      token: app.user.accessToken,
      body: { currentPassword: app.user.password, newPassword: `${app.user.password} but longer` },
    });
    expect(response.status).toBe(204);
    await expectAppTokens(app, false);
  });

  it("logging out everywhere, an admin disabling the user, or deleting the account ends the app tokens at once", async () => {
    const everywhere = await signInToApp();
    expect((await api("/v1/auth/logout-all", { method: "POST", token: everywhere.user.accessToken })).status).toBe(204);
    await expectAppTokens(everywhere, false);

    const disabled = await signInToApp();
    expect((await api(`/v1/admin/users/${disabled.user.id}/disable`, { method: "POST", token: await adminToken() })).status).toBe(200);
    await expectAppTokens(disabled, false);

    const deleted = await signInToApp();
    const response = await api("/v1/me", { method: "DELETE", token: deleted.user.accessToken, body: { password: deleted.user.password } });
    expect(response.status).toBe(204);
    await expectAppTokens(deleted, false);
  });

  it("a code issued in a session that ended before the exchange is refused", async () => {
    const as = (await signInToApp()).as;
    const client = await registerClient();
    const user = await registerUser();
    const cookie = await signIn(user);
    const start = await authorizationUrl(as, client);
    const callback = await authorizeInBrowser(start, cookie);
    expect((await api("/v1/auth/logout-all", { method: "POST", token: user.accessToken })).status).toBe(204);
    const rp = rpClient(client);
    const params = oauth.validateAuthResponse(as, rp.client, callback, start.state);
    const response = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, params, client.redirectUri, start.codeVerifier, rpOptions);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_grant");
  });

  it("refreshing after the session ended is refused", async () => {
    const app = await signInToApp();
    expect((await api("/v1/auth/logout-all", { method: "POST", token: app.user.accessToken })).status).toBe(204);
    const response = await oauth.refreshTokenGrantRequest(app.as, app.rp.client, app.rp.auth, app.tokens.refresh_token!, rpOptions);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_grant");
  });
});
