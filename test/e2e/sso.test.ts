import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { startRelyingParty } from "../../examples/sso-app/app.mjs";
import { HeadlessPage } from "./browser";

const PORT = testPort(8796);
const ADMIN_EMAIL = "admin@sso-e2e.test";

let server: DevServer;
let page: HeadlessPage;
/** The relying party's callback, as a second app on its own origin would receive it. */
let app: Server;
let appOrigin: string;
const callbacks: string[] = [];
/** The app the first test registers. */
let notesClientId = "";

async function register(email: string, password: string): Promise<{ accessToken: string }> {
  const response = await fetch(`${server.url}/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, displayName: email.split("@")[0] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { accessToken: string };
}

/** Clicks a submit button and waits for the page the navigation ends on. */
async function submit(selector: string): Promise<void> {
  const loads = page.events.filter((e) => e.method === "Page.loadEventFired").length;
  await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
  const deadline = Date.now() + 15_000;
  while (page.events.filter((e) => e.method === "Page.loadEventFired").length === loads) {
    if (Date.now() > deadline) throw new Error(`no page loaded after clicking ${selector}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  app = createServer((request, response) => {
    if (request.url?.startsWith("/callback")) callbacks.push(request.url);
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>Notes</title><p>Signed in to Notes</p>");
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  server = await startDevServer({ port: PORT, name: "sso-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
  page = await HeadlessPage.launch();
}, 420_000);

afterAll(async () => {
  try {
    await page?.close();
  } finally {
    await server?.stop();
    app?.closeAllConnections();
    await new Promise((r) => app?.close(r));
  }
}, 30_000);

describe("single sign-on in Chromium", () => {
  it("signs in on the hosted page, asks consent, and returns to the app with a code it exchanges", async () => {
    const admin = await register(ADMIN_EMAIL, "admin password for sso e2e");
    const created = await fetch(`${server.url}/v1/admin/oauth/clients`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({
        name: "Notes",
        type: "confidential",
        firstParty: false,
        redirectUris: [`${appOrigin}/callback`],
        scopes: ["openid", "profile", "email", "offline_access"],
      }),
    });
    expect(created.status).toBe(201);
    const { clientId, clientSecret } = (await created.json()) as { clientId: string; clientSecret: string };
    notesClientId = clientId;
    await register("ada@sso-e2e.test", "ada's password for sso e2e");

    const issuer = new URL(server.url);
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: "oidc" }));
    const client: oauth.Client = { client_id: clientId };
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    for (const [name, value] of Object.entries({
      client_id: clientId,
      redirect_uri: `${appOrigin}/callback`,
      response_type: "code",
      scope: "openid profile email offline_access",
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    })) {
      url.searchParams.set(name, value);
    }

    await page.open(url.toString());
    expect(await page.evaluate<string>("location.pathname")).toBe("/oauth/signin");
    expect(await page.evaluate<string>("document.body.innerText")).toContain("Notes");
    await page.evaluate(
      `document.querySelector("#email").value = "ada@sso-e2e.test"; document.querySelector("#password").value = "ada's password for sso e2e"`,
    );
    await submit("button[type=submit]");

    const { cookies } = await page.send<{ cookies: { name: string; httpOnly: boolean; secure: boolean; sameSite?: string }[] }>("Network.getCookies", {
      urls: [server.url],
    });
    expect(cookies.find((c) => c.name === "__Host-platform_session")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });

    expect(await page.evaluate<string>("location.pathname")).toBe("/oauth/authorize");
    const consent = await page.evaluate<string>("document.body.innerText");
    expect(consent).toContain("Allow Notes to use your account?");
    expect(consent).toContain("See your e-mail address");
    await submit("button[value=allow]");

    expect(await page.evaluate<string>("location.origin")).toBe(appOrigin);
    const callback = new URL(callbacks.at(-1)!, appOrigin);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(clientSecret),
      params,
      `${appOrigin}/callback`,
      codeVerifier,
      options,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ email: "ada@sso-e2e.test", email_verified: false });

    // Nothing came from anywhere but the platform and the app, and no page ran a script.
    expect(page.requestedUrls().filter((u) => !u.startsWith(`${server.url}/`) && !u.startsWith(`${appOrigin}/`))).toEqual([]);
    expect(page.errors().filter((e) => e.includes("Content Security Policy"))).toEqual([]);
  });

  it("a second sign-in to the same app goes straight back (consent remembered, session cookie kept)", async () => {
    const before = callbacks.length;
    const url = new URL(`${server.url}/oauth/authorize`);
    const verifier = oauth.generateRandomCodeVerifier();
    for (const [name, value] of Object.entries({
      client_id: notesClientId,
      redirect_uri: `${appOrigin}/callback`,
      response_type: "code",
      scope: "openid email",
      state: "again",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    })) {
      url.searchParams.set(name, value);
    }
    await page.open(url.toString());
    expect(await page.evaluate<string>("location.origin")).toBe(appOrigin);
    expect(callbacks.length).toBe(before + 1);
    const callback = new URL(callbacks.at(-1)!, appOrigin);
    expect(callback.searchParams.get("state")).toBe("again");
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("the example app (examples/sso-app) signs in through the platform and signs out of both", async () => {
    const rpPort = testPort(8797);
    const rpOrigin = `http://127.0.0.1:${rpPort}`;
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: "admin password for sso e2e" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const created = await fetch(`${server.url}/v1/admin/oauth/clients`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        name: "Example Notes",
        type: "confidential",
        firstParty: false,
        redirectUris: [`${rpOrigin}/callback`],
        postLogoutRedirectUris: [`${rpOrigin}/`],
        scopes: ["openid", "profile", "email"],
      }),
    });
    const { clientId, clientSecret } = (await created.json()) as { clientId: string; clientSecret: string };
    const example = await startRelyingParty({ issuer: server.url, clientId, clientSecret, port: rpPort });
    try {
      await page.open(`${example.url}/login`);
      // Still signed in to the platform from the first test: straight to this app's consent.
      expect(await page.evaluate<string>("document.body.innerText")).toContain("Allow Example Notes to use your account?");
      await submit("button[value=allow]");
      expect(await page.evaluate<string>("location.href")).toBe(`${example.url}/`);
      expect(await page.evaluate<string>("document.querySelector('#who').innerText")).toBe("Signed in as ada@sso-e2e.test");

      await submit("#logout");
      expect(await page.evaluate<string>("location.href")).toBe(`${example.url}/`);
      expect(await page.evaluate<string>("document.body.innerText")).toContain("You are signed out.");
      const { cookies } = await page.send<{ cookies: { name: string }[] }>("Network.getCookies", { urls: [server.url] });
      expect(cookies.map((c) => c.name)).not.toContain("__Host-platform_session");
      await page.open(`${example.url}/login`);
      expect(await page.evaluate<string>("location.pathname")).toBe("/oauth/signin");
    } finally {
      await example.close();
    }
  });
});
