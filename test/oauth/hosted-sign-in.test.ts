import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { registerUser } from "../helpers";
import { totpCode, turnOnTotp } from "../identity/lifecycle-fixtures";
import { auditTrail } from "../kit/audit";
import { authorizationUrl, browser, discover, ISSUER, registerClient, sessionCookieOf, signInToApp } from "./kit";

afterEach(() => clock.reset());

/** The hidden field of the second-factor form. */
function mfaTokenOf(page: string): string {
  const match = /name="mfa_token" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error("no second-factor form on the page");
  return match[1];
}

describe("the hosted sign-in", () => {
  it("asks a 2FA user for a code, refuses a wrong one, and signs in with the right one", async () => {
    const user = await registerUser();
    const { secret } = await turnOnTotp(user);
    const as = await discover();
    const client = await registerClient({ type: "public", firstParty: true });
    const start = await authorizationUrl(as, client);
    const returnTo = new URL(start.url).pathname + new URL(start.url).search;

    const password = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: returnTo }, ip: user.ip });
    expect(password.status).toBe(200);
    expect(password.headers.getSetCookie()).toEqual([]);
    const mfaToken = mfaTokenOf(await password.text());

    const wrong = await browser("/oauth/signin/mfa", { form: { mfa_token: mfaToken, code: "000000", return_to: returnTo }, ip: user.ip });
    expect(wrong.status).toBe(401);
    expect(mfaTokenOf(await wrong.text())).toBe(mfaToken);

    const right = await browser("/oauth/signin/mfa", { form: { mfa_token: mfaToken, code: totpCode(secret), return_to: returnTo }, ip: user.ip });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe(returnTo);
    const cookie = sessionCookieOf(right);
    const app = await signInToApp({ client, user, cookie });
    expect(app.claims.sub).toBe(user.id);
    const logins = await auditTrail({ userId: user.id, type: "login.succeeded" });
    expect(logins.at(-1)!.detail).toMatchObject({ mfa: "totp" });
  });

  it("refuses a sign-in form posted from another site (login CSRF)", async () => {
    const user = await registerUser();
    const response = await browser("/oauth/signin", {
      form: { email: user.email, password: user.password, return_to: "/oauth/authorize?x=1" },
      ip: user.ip,
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("ignores a forged or foreign session cookie", async () => {
    const as = await discover();
    const client = await registerClient();
    const start = await authorizationUrl(as, client);
    for (const cookie of ["__Host-platform_session=not-a-token", "__Host-platform_session=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwic2lkIjoieSJ9."]) {
      const response = await browser(start.url.toString(), { cookie });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get("location")!, ISSUER).pathname).toBe("/oauth/signin");
    }
  });

  it("serves its stylesheet, and its sign-in page with one same-origin script (passkeys) and links to sign-up and password reset", async () => {
    const css = await browser("/oauth/style.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    const page = await browser("/oauth/signin?return_to=%2Foauth%2Fauthorize%3Fx%3D1");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    const text = await page.text();
    expect([...text.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/oauth/passkey.js" defer>']);
    expect(text).toContain('autocomplete="username webauthn"');
    expect(text).toMatch(/href="[^"]*\/app\/\?step=register"/);
    expect(text).toMatch(/href="[^"]*\/app\/\?step=forgot"/);
    const script = await browser("/oauth/passkey.js");
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect(await script.text()).toContain("/oauth/signin/passkey");
  });
});
