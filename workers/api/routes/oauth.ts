import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ApiError, problemTitle } from "../../../shared/http/errors";
import { findUserById } from "../../../shared/identity/account/users";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { bearerToken } from "../../../shared/identity/sessions/principal";
import {
  AuthorizationRedirectError,
  issueAuthorizationCode,
  needsConsent,
  needsSignIn,
  readConsentTicket,
  redirectBack,
  signConsentTicket,
  signInReturnTo,
  validateAuthorizationRequest,
} from "../../../shared/oauth/authorize";
import { BROWSER_SESSION_COOKIE, type BrowserSession, readBrowserSession, signBrowserSession } from "../../../shared/oauth/browser-session";
import { authenticateClient, clientCredentialsOf } from "../../../shared/oauth/clients";
import { providerMetadata } from "../../../shared/oauth/discovery";
import { endBrowserSession, hintMatches, validateLogoutRequest } from "../../../shared/oauth/logout";
import {
  consentPage,
  hostedPageCsp,
  logoutConfirmPage,
  messagePage,
  OAUTH_CSS,
  OAUTH_STYLESHEET_PATH,
  secondFactorPage,
  signInPage,
} from "../../../shared/oauth/pages";
import { OAuthProtocolError, oauthErrorResponse } from "../../../shared/oauth/protocol-error";
import { OAUTH_PASSKEY_SCRIPT, OAUTH_PASSKEY_SCRIPT_PATH } from "../../../shared/oauth/passkey-script";
import { appOfReturnTo, safeReturnTo, signInWithPasskey, signInWithPassword, signInWithSecondFactor } from "../../../shared/oauth/sign-in";
import { AuthenticationResponse } from "./auth-passkeys";
import { introspect, revoke, userInfo } from "../../../shared/oauth/token-status";
import { clientCredentialsToken, exchangeCode, refreshTokens } from "../../../shared/oauth/tokens";
import { type AppEnv, createRouter } from "../context";
import { renderError } from "../middleware/errors";

/**
 * The OpenID Connect provider's protocol endpoints and hosted pages (docs/sso.md). They are not
 * in /openapi.json: their contract is the standards' (discovery lists them), their errors are
 * RFC 6749 error JSON or redirects to the app where the standards say so, problem+json elsewhere.
 */

type OAuthContext = Context<AppEnv>;

const noStore = { "cache-control": "no-store", pragma: "no-cache" };

const PasskeySignInBody = z.object({ response: AuthenticationResponse, return_to: z.string().max(4096), mfa_token: z.string().min(16).max(256).optional() });

async function page(c: OAuthContext, body: Promise<unknown> | unknown, status: ContentfulStatusCode = 200, formTargets: string[] = [], withScript = false) {
  return c.html(String(await body), status, {
    ...noStore,
    "content-security-policy": hostedPageCsp(formTargets, withScript),
    "x-frame-options": "DENY",
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the form posts, which the origin check needs.
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
  });
}

/** A form post to a hosted page must come from this origin (login CSRF, consent forgery); browsers always send Origin on POST. */
function assertSameOrigin(c: OAuthContext): void {
  const origin = c.req.header("origin");
  const own = [new URL(c.req.url).origin, new URL(c.get("deps").config.jwt.issuer).origin];
  if ((origin && !own.includes(origin)) || c.req.header("sec-fetch-site") === "cross-site") {
    throw new ApiError(403, "forbidden", "This form must be sent from the platform's own pages");
  }
}

/** A protocol request's form body (RFC 6749: application/x-www-form-urlencoded, no parameter repeated). */
async function protocolForm(c: OAuthContext): Promise<Record<string, string>> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthProtocolError("invalid_request", "Send the parameters as application/x-www-form-urlencoded");
  }
  const params = new URLSearchParams(await urlencodedBody(c));
  const form: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in form) throw new OAuthProtocolError("invalid_request", `${name} is repeated`);
    form[name] = value;
  }
  return form;
}

/** A hosted page's form (urlencoded, as browsers send it). */
async function pageForm(c: OAuthContext): Promise<URLSearchParams> {
  assertSameOrigin(c);
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new ApiError(415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded");
  }
  return new URLSearchParams(await urlencodedBody(c));
}

/**
 * An urlencoded body as text. Read as bytes and decoded here: workerd warns on every `.text()` of
 * a body whose type is not text, and urlencoded is ASCII with percent escapes, so UTF-8 decoding
 * reads it exactly.
 */
async function urlencodedBody(c: OAuthContext): Promise<string> {
  return new TextDecoder().decode(await c.req.arrayBuffer());
}

const browserSession = (c: OAuthContext) => readBrowserSession(c.get("deps"), getCookie(c, BROWSER_SESSION_COOKIE, "host"));

async function startBrowserSession(c: OAuthContext, signedIn: { userId: string; sessionId: string }) {
  const cookie = await signBrowserSession(c.get("deps"), signedIn.userId, signedIn.sessionId);
  setCookie(c, BROWSER_SESSION_COOKIE, cookie.value, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: cookie.maxAgeSeconds,
  });
}

function redirectError(c: OAuthContext, error: AuthorizationRedirectError) {
  return c.redirect(
    redirectBack(c.get("deps"), error.redirectUri, { error: error.error, error_description: error.description }, error.state),
    c.req.method === "POST" ? 303 : 302,
  );
}

async function signInView(c: OAuthContext, returnTo: string, extra: { email?: string; error?: string } = {}, status: 200 | 401 | 403 | 429 = 200) {
  const app = await appOfReturnTo(c.get("deps"), returnTo);
  const appUrl = `${c.get("deps").config.email.linkBase}/app/`;
  return page(c, signInPage({ returnTo, appName: app?.name, appUrl, ...extra }), status, app ? [app.redirectOrigin] : [], true);
}

/** The second-factor form, with the passkey button when the account has a passkey (the problem's `secondFactors`). */
function secondFactorView(c: OAuthContext, view: { returnTo: string; mfaToken: string; error?: string; passkey: boolean }, status: 200 | 401 = 200) {
  return page(c, secondFactorPage(view), status, [], view.passkey);
}

/** Continues an authorization request for a signed-in browser: consent when needed, then the code. */
async function continueAuthorization(c: OAuthContext, params: URLSearchParams, session: BrowserSession | null) {
  const deps = c.get("deps");
  const { client, request } = await validateAuthorizationRequest(deps, params);
  if (!session || needsSignIn(deps, request, session)) {
    if (request.prompt === "none") throw new AuthorizationRedirectError(request.redirectUri, "login_required", "The user must sign in", request.state);
    return c.redirect(`/oauth/signin?return_to=${encodeURIComponent(signInReturnTo(new URL(c.req.url)))}`, 302);
  }
  if (await needsConsent(deps, client, session.userId, request)) {
    if (request.prompt === "none")
      throw new AuthorizationRedirectError(request.redirectUri, "consent_required", "The user has not approved this app", request.state);
    const user = await findUserById(deps.db, session.userId);
    const ticket = await signConsentTicket(deps, request, session);
    const redirect = new URL(request.redirectUri);
    return page(c, consentPage({ appName: client.name, scopes: request.scope, ticket, userEmail: user?.email ?? "" }), 200, [
      redirect.origin === "null" ? redirect.protocol : redirect.origin,
    ]);
  }
  return c.redirect(await issueAuthorizationCode(deps, request, session), 302);
}

const router = createRouter();

// Codes in redirects, signed-in pages and token answers must never sit in a cache.
router.use("/oauth/*", async (c, next) => {
  await next();
  if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
});

router.onError((error, c) => {
  if (error instanceof OAuthProtocolError) return oauthErrorResponse(error, c.get("requestId") ?? "unknown");
  if (error instanceof AuthorizationRedirectError) return redirectError(c, error);
  // A browser navigating to a page that cannot go on (an unknown app, a redirect URI that is not
  // registered) gets the problem as a page; every other client gets problem+json.
  if (error instanceof ApiError && c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html")) {
    return page(c, messagePage(problemTitle(error.status), error.detail ?? problemTitle(error.status)), error.status);
  }
  return renderError(error, c);
});

router.get("/.well-known/openid-configuration", (c) => c.json(providerMetadata(c.get("deps")), 200, { "cache-control": "public, max-age=300" }));
router.get("/.well-known/oauth-authorization-server", (c) => c.json(providerMetadata(c.get("deps")), 200, { "cache-control": "public, max-age=300" }));
router.get(OAUTH_STYLESHEET_PATH, (c) => c.body(OAUTH_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }));
router.get("/oauth/authorize", async (c) => continueAuthorization(c, new URL(c.req.url).searchParams, await browserSession(c)));
router.post("/oauth/authorize/decision", async (c) => {
  const form = await pageForm(c);
  const deps = c.get("deps");
  const session = await browserSession(c);
  if (!session) return page(c, messagePage("Signed out", "Your session ended before you decided. Go back to the app and sign in again."), 401);
  const request = await readConsentTicket(deps, form.get("ticket") ?? "", session);
  if (!request) return page(c, messagePage("This page expired", "Go back to the app and sign in again."), 400);
  // The client may have been disabled or changed while the page was open: check the request again.
  const params = new URLSearchParams({
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: "code",
    scope: request.scope.join(" "),
    code_challenge: request.codeChallenge,
    code_challenge_method: "S256",
    ...(request.state !== null ? { state: request.state } : {}),
    ...(request.nonce !== null ? { nonce: request.nonce } : {}),
  });
  const { request: current } = await validateAuthorizationRequest(deps, params);
  if (form.get("decision") !== "allow")
    throw new AuthorizationRedirectError(current.redirectUri, "access_denied", "The user denied the request", current.state);
  return c.redirect(await issueAuthorizationCode(deps, current, session, { client: clientInfo(c.req.raw) }), 303);
});
router.get("/oauth/signin", async (c) => {
  const returnTo = safeReturnTo(c.req.query("return_to"));
  if (!returnTo) return page(c, messagePage("Nothing to sign in to", "Open this page from an app that signs in with this platform."), 400);
  return signInView(c, returnTo);
});
router.post("/oauth/signin", async (c) => {
  const form = await pageForm(c);
  const returnTo = safeReturnTo(form.get("return_to"));
  if (!returnTo) return page(c, messagePage("Nothing to sign in to", "Open this page from an app that signs in with this platform."), 400);
  const email = (form.get("email") ?? "").slice(0, 320);
  try {
    await startBrowserSession(c, await signInWithPassword(c.get("deps"), email, (form.get("password") ?? "").slice(0, 1024), clientInfo(c.req.raw)));
    return c.redirect(returnTo, 303);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === "mfa_required") {
      const passkey = Array.isArray(error.extra.secondFactors) && error.extra.secondFactors.includes("passkey");
      return secondFactorView(c, { returnTo, mfaToken: String(error.extra.mfaToken), passkey });
    }
    return signInView(c, returnTo, { email, error: error.detail }, error.status === 403 || error.status === 429 ? error.status : 401);
  }
});
router.post("/oauth/signin/mfa", async (c) => {
  const form = await pageForm(c);
  const returnTo = safeReturnTo(form.get("return_to"));
  if (!returnTo) return page(c, messagePage("Nothing to sign in to", "Open this page from an app that signs in with this platform."), 400);
  const mfaToken = (form.get("mfa_token") ?? "").slice(0, 256);
  try {
    await startBrowserSession(c, await signInWithSecondFactor(c.get("deps"), mfaToken, (form.get("code") ?? "").slice(0, 64), clientInfo(c.req.raw)));
    return c.redirect(returnTo, 303);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === "invalid_mfa_code") return secondFactorView(c, { returnTo, mfaToken, error: error.detail, passkey: form.get("passkey") === "1" }, 401);
    return signInView(c, returnTo, { error: error.detail }, error.status === 403 || error.status === 429 ? error.status : 401);
  }
});
// The passkey script's sign-in: JSON in, the cookie and where to go next out (the page navigates).
router.post("/oauth/signin/passkey", async (c) => {
  assertSameOrigin(c);
  const parsed = PasskeySignInBody.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) throw new ApiError(400, "invalid_body", "Send {response, return_to, mfa_token?} as JSON");
  const returnTo = safeReturnTo(parsed.data.return_to);
  if (!returnTo) throw new ApiError(400, "invalid_body", "return_to must be an authorization request on this origin");
  const response = parsed.data.response as AuthenticationResponseJSON;
  await startBrowserSession(c, await signInWithPasskey(c.get("deps"), response, parsed.data.mfa_token, clientInfo(c.req.raw)));
  return c.json({ redirect: returnTo }, 200, noStore);
});
router.get(OAUTH_PASSKEY_SCRIPT_PATH, (c) =>
  c.body(OAUTH_PASSKEY_SCRIPT, 200, {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "public, max-age=3600",
    "x-content-type-options": "nosniff",
  }),
);
router.post("/oauth/token", async (c) => {
  const deps = c.get("deps");
  const form = await protocolForm(c);
  const client = await authenticateClient(deps, clientCredentialsOf(c.req.header("authorization"), form));
  const grant = form.grant_type;
  let response: object;
  if (grant === "authorization_code") response = await exchangeCode(deps, client, form);
  else if (grant === "refresh_token") response = await refreshTokens(deps, client, form);
  else if (grant === "client_credentials") response = await clientCredentialsToken(deps, client, form);
  else
    throw new OAuthProtocolError(
      grant ? "unsupported_grant_type" : "invalid_request",
      grant ? `grant_type ${grant} is not supported` : "grant_type is required",
    );
  return c.json(response, 200, noStore);
});
router.post("/oauth/revoke", async (c) => {
  const deps = c.get("deps");
  const form = await protocolForm(c);
  await revoke(deps, await authenticateClient(deps, clientCredentialsOf(c.req.header("authorization"), form)), form);
  return c.body(null, 200, noStore);
});
router.post("/oauth/introspect", async (c) => {
  const deps = c.get("deps");
  const form = await protocolForm(c);
  const answer = await introspect(deps, await authenticateClient(deps, clientCredentialsOf(c.req.header("authorization"), form)), form);
  return c.json(answer, 200, noStore);
});
router.get("/oauth/userinfo", async (c) => c.json(await userInfo(c.get("deps"), bearerToken(c.req.raw)), 200, noStore));
router.post("/oauth/userinfo", async (c) => c.json(await userInfo(c.get("deps"), bearerToken(c.req.raw)), 200, noStore));
router.get("/oauth/logout", async (c) => {
  const deps = c.get("deps");
  const params = c.req.query();
  const request = await validateLogoutRequest(deps, params);
  const session = await browserSession(c);
  if (session && !hintMatches(request, session)) {
    const fields: Record<string, string> = {};
    for (const name of ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"]) if (params[name]) fields[name] = params[name];
    return page(c, logoutConfirmPage({ fields }), 200, request.redirectTo ? [new URL(request.redirectTo).origin] : []);
  }
  if (session) await endBrowserSession(deps, session, clientInfo(c.req.raw));
  deleteCookie(c, BROWSER_SESSION_COOKIE, { prefix: "host", path: "/", secure: true });
  return request.redirectTo ? c.redirect(request.redirectTo, 302) : page(c, messagePage("Signed out", "You are signed out."));
});
router.post("/oauth/logout", async (c) => {
  const deps = c.get("deps");
  const form = await pageForm(c);
  const request = await validateLogoutRequest(deps, Object.fromEntries(form));
  const session = await browserSession(c);
  if (session) await endBrowserSession(deps, session, clientInfo(c.req.raw));
  deleteCookie(c, BROWSER_SESSION_COOKIE, { prefix: "host", path: "/", secure: true });
  return request.redirectTo ? c.redirect(request.redirectTo, 303) : page(c, messagePage("Signed out", "You are signed out."));
});

/** Not chained: these routes speak the standards, not the typed client's contract, so they stay out of `AppType`. */
export const oauthRoutes = router;
