import { SELF } from "cloudflare:test";
import { createLocalJWKSet, type JWTPayload, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { expect } from "vitest";
import { api, json, registerUser, type TestUser } from "../helpers";
import { testDeps } from "../kit/deps";
import { makeAdmin } from "../kit/users";

/** The provider's issuer (JWT_ISSUER): what the relying party discovers and checks. */
export const ISSUER = testDeps().config.jwt.issuer;
const issuerUrl = new URL(ISSUER);

/** oauth4webapi's requests reach the Worker in workerd, whatever host the issuer names. */
export const rpOptions = {
  [oauth.customFetch]: (url: string, init: RequestInit) => SELF.fetch(url, init),
  [oauth.allowInsecureRequests]: true,
} as const;

/** A browser request to the provider's origin, with its cookie and the Origin a browser sends on a form post. */
export async function browser(path: string, options: { cookie?: string; form?: Record<string, string>; ip?: string; origin?: string } = {}): Promise<Response> {
  const headers = new Headers();
  if (options.cookie) headers.set("cookie", options.cookie);
  if (options.ip) headers.set("cf-connecting-ip", options.ip);
  let body: string | undefined;
  if (options.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    headers.set("origin", options.origin ?? issuerUrl.origin);
    body = new URLSearchParams(options.form).toString();
  }
  const url = path.startsWith("http") ? path : `${ISSUER}${path}`;
  return SELF.fetch(url, { method: body === undefined ? "GET" : "POST", headers, body, redirect: "manual" });
}

export async function discover(): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { ...rpOptions, algorithm: "oidc" }));
}

export async function adminUser(): Promise<TestUser> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return admin;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

let admin: TestUser | undefined;

/** A client registered through POST /v1/admin/oauth/clients. */
export async function registerClient(
  options: { type?: "public" | "confidential"; firstParty?: boolean; scopes?: string[]; name?: string } = {},
): Promise<RegisteredClient> {
  admin ??= await adminUser();
  const redirectUri = `https://app-${crypto.randomUUID().slice(0, 8)}.example/callback`;
  const postLogoutRedirectUri = `${new URL(redirectUri).origin}/signed-out`;
  const response = await api("/v1/admin/oauth/clients", {
    token: admin.accessToken,
    body: {
      name: options.name ?? "Example App",
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [postLogoutRedirectUri],
      type: options.type ?? "confidential",
      scopes: options.scopes ?? ["openid", "profile", "email", "offline_access"],
      firstParty: options.firstParty ?? false,
    },
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  const body = JSON.parse(text) as { clientId: string; clientSecret?: string };
  return { clientId: body.clientId, clientSecret: body.clientSecret, redirectUri, postLogoutRedirectUri };
}

export const adminToken = async () => {
  admin ??= await adminUser();
  return admin.accessToken;
};

/** The cookie the hosted sign-in sets (`__Host-platform_session=...`). */
export function sessionCookieOf(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-platform_session="));
  if (!cookie) throw new Error(`no session cookie (status ${response.status})`);
  return cookie.split(";")[0]!;
}

/** Signs in on the hosted page as a browser would; returns the session cookie. */
export async function signIn(user: Pick<TestUser, "email" | "password" | "ip">, returnTo = "/oauth/authorize?x=1"): Promise<string> {
  const response = await browser("/oauth/signin", { form: { email: user.email, password: user.password, return_to: returnTo }, ip: user.ip });
  expect(response.status, await response.clone().text()).toBe(303);
  return sessionCookieOf(response);
}

export function rpClient(client: RegisteredClient): { client: oauth.Client; auth: oauth.ClientAuth } {
  return {
    client: { client_id: client.clientId },
    auth: client.clientSecret ? oauth.ClientSecretBasic(client.clientSecret) : oauth.None(),
  };
}

export interface AuthorizationStart {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

export async function authorizationUrl(
  as: oauth.AuthorizationServer,
  client: RegisteredClient,
  scope = "openid profile email offline_access",
): Promise<AuthorizationStart> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("redirect_uri", client.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", scope);
  url.searchParams.set("state", state);
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  return { url, codeVerifier, state, nonce };
}

/** The consent form's ticket from the consent page. */
export function consentTicketOf(page: string): string {
  const match = /name="ticket" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error("no consent form on the page");
  return match[1];
}

/**
 * Drives the browser through /oauth/authorize for a signed-in user, allowing consent when asked;
 * returns the callback URL the app receives.
 */
export async function authorizeInBrowser(start: AuthorizationStart, cookie: string): Promise<URL> {
  let response = await browser(start.url.toString(), { cookie });
  if (response.status === 200) {
    const page = await response.text();
    response = await browser("/oauth/authorize/decision", { cookie, form: { ticket: consentTicketOf(page), decision: "allow" } });
  }
  expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(302);
  return new URL(response.headers.get("location")!);
}

export interface SignedInApp {
  as: oauth.AuthorizationServer;
  rp: { client: oauth.Client; auth: oauth.ClientAuth };
  client: RegisteredClient;
  user: TestUser;
  cookie: string;
  tokens: oauth.TokenEndpointResponse;
  claims: oauth.IDToken;
}

/** The whole code flow as a relying party runs it: discovery, PKCE, sign-in, consent, code exchange. */
export async function signInToApp(options: { client?: RegisteredClient; user?: TestUser; cookie?: string; scope?: string } = {}): Promise<SignedInApp> {
  const as = await discover();
  const client = options.client ?? (await registerClient());
  const user = options.user ?? (await registerUser());
  const cookie = options.cookie ?? (await signIn(user));
  const rp = rpClient(client);
  const start = await authorizationUrl(as, client, options.scope);
  const callback = await authorizeInBrowser(start, cookie);
  const params = oauth.validateAuthResponse(as, rp.client, callback, start.state);
  const response = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, params, client.redirectUri, start.codeVerifier, rpOptions);
  if (response.status !== 200) throw new Error(`token endpoint: ${response.status} ${await response.clone().text()}`);
  const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, response, { expectedNonce: start.nonce, requireIdToken: true });
  return { as, rp, client, user, cookie, tokens, claims: oauth.getValidatedIdTokenClaims(tokens)! };
}

/** Verifies an ID token's signature against the published JWKS (what a relying party's library does). */
export async function verifyWithJwks(token: string, audience: string): Promise<JWTPayload> {
  const jwks = await json<{ keys: object[] }>(await SELF.fetch(`${ISSUER}/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: ISSUER, audience });
  expect(protectedHeader.alg).toBe("RS256");
  return payload;
}

export async function introspect(app: Pick<SignedInApp, "as" | "rp">, token: string): Promise<oauth.IntrospectionResponse> {
  const response = await oauth.introspectionRequest(app.as, app.rp.client, app.rp.auth, token, rpOptions);
  return oauth.processIntrospectionResponse(app.as, app.rp.client, response);
}

export async function userinfoStatus(app: Pick<SignedInApp, "as" | "rp">, accessToken: string): Promise<Response> {
  return oauth.userInfoRequest(app.as, app.rp.client, accessToken, rpOptions);
}

/** A raw form post to a protocol endpoint. */
export async function protocolPost(path: string, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (basic) headers.authorization = `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`;
  return SELF.fetch(`${ISSUER}${path}`, { method: "POST", headers, body: new URLSearchParams(form).toString() });
}
