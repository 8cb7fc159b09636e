import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, registerUser, uniqueIp } from "../helpers";
import { mfaTokenFor, turnOnTotp } from "../identity/lifecycle-fixtures";
import { addPasskey, loginOptions } from "../identity/passkeys-fixtures";
import { auditTrail } from "../kit/audit";
import { authorizationUrl, browser, discover, ISSUER, registerClient, sessionCookieOf, signInToApp } from "./kit";

/** What the hosted page's script posts after navigator.credentials.get(). */
function postPasskey(body: unknown, options: { ip: string; origin?: string }) {
  return SELF.fetch(`${ISSUER}/oauth/signin/passkey`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: options.origin ?? new URL(ISSUER).origin, "cf-connecting-ip": options.ip },
    body: JSON.stringify(body),
  });
}

async function returnToFor() {
  const as = await discover();
  const client = await registerClient({ type: "public", firstParty: true });
  const start = await authorizationUrl(as, client);
  return { client, returnTo: new URL(start.url).pathname + new URL(start.url).search };
}

describe("passkeys on the hosted sign-in", () => {
  it("a passkey signs in to the provider: the session cookie, then back to the authorization request and into the app", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const { client, returnTo } = await returnToFor();
    const ip = uniqueIp();
    const response = await postPasskey({ response: await authenticator.assert(await loginOptions(ip)), return_to: returnTo }, { ip });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ redirect: returnTo });
    const app = await signInToApp({ client, user, cookie: sessionCookieOf(response) });
    expect(app.claims.sub).toBe(user.id);
    const logins = await auditTrail({ userId: user.id, type: "login.succeeded" });
    expect(logins.at(-1)!.detail).toMatchObject({ method: "passkey" });
  });

  it("the second-factor page offers the passkey to an account that has one, and it finishes the sign-in", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    await turnOnTotp(user);
    const { returnTo } = await returnToFor();
    const page = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: returnTo }, ip: user.ip });
    const text = await page.text();
    expect(text).toContain("Use a passkey instead");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const mfaToken = /data-mfa-token="([^"]+)"/.exec(text)![1]!;
    const done = await postPasskey(
      { response: await authenticator.assert(await loginOptions(user.ip, mfaToken)), return_to: returnTo, mfa_token: mfaToken },
      { ip: user.ip },
    );
    expect(done.status, await done.clone().text()).toBe(200);
    expect(sessionCookieOf(done)).toContain("__Host-");
  });

  it("a 2FA account without passkeys gets the code form alone, with no script", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    const { returnTo } = await returnToFor();
    const page = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: returnTo }, ip: user.ip });
    expect(await page.text()).not.toContain("<script");
    expect(page.headers.get("content-security-policy")).not.toContain("script-src");
    await mfaTokenFor(user);
  });

  it("refuses another site's post (403), a return_to that is not an authorization request (400), malformed JSON (400) and a bad passkey (401), setting no cookie", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const { returnTo } = await returnToFor();
    const ip = uniqueIp();
    const forged = await postPasskey(
      { response: await authenticator.assert(await loginOptions(ip)), return_to: returnTo },
      { ip, origin: "https://evil.example" },
    );
    expect(forged.status).toBe(403);
    const elsewhere = await postPasskey({ response: await authenticator.assert(await loginOptions(ip)), return_to: "https://evil.example/" }, { ip });
    expect(elsewhere.status).toBe(400);
    expect((await postPasskey({ response: { id: "x" }, return_to: returnTo }, { ip })).status).toBe(400);
    expect((await postPasskey("not json at all", { ip })).status).toBe(400);
    const wrongOrigin = await postPasskey(
      { response: await authenticator.assert(await loginOptions(ip), { origin: "https://evil.example" }), return_to: returnTo },
      { ip },
    );
    expect(wrongOrigin.status).toBe(401);
    for (const response of [forged, elsewhere, wrongOrigin]) expect(response.headers.getSetCookie()).toEqual([]);
    // The API's own sign-in still works for that passkey.
    expect((await api("/v1/me/passkeys", { token: user.accessToken })).status).toBe(200);
  });
});
