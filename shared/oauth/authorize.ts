import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { runBatch } from "../db/client";
import { ApiError } from "../http/errors";
import { auditEventQuery } from "../identity/audit/events";
import type { ClientInfo } from "../identity/sessions/client-info";
import { randomToken, sha256Hex } from "../ids";
import type { Deps } from "../platform/deps-types";
import type { BrowserSession } from "./browser-session";
import { clientRedirectUris, clientScopes } from "./clients";
import { OIDC_ALG, oidcKeyring } from "./keys";
import type { OAuthErrorCode } from "./protocol-error";
import { findClient, findGrant, insertCodeQuery, type OAuthClientRecord, touchGrantQuery, upsertGrantQuery } from "./records";
import { isKnownScope, parseScope } from "./scopes";

/** A validated request to /oauth/authorize. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  prompt: string | null;
  /** OIDC `max_age`: a sign-in older than this many seconds must be repeated. */
  maxAge: number | null;
}

/**
 * An error /oauth/authorize reports to the client by redirecting the browser to its (already
 * verified) redirect URI with `error`, `error_description`, `state` and `iss` (RFC 6749 4.1.2.1,
 * RFC 9207).
 */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly state: string | null,
  ) {
    super(description);
    this.name = "AuthorizationRedirectError";
  }
}

/** The URL the browser is sent back to: the redirect URI with `params`, `state` and our `iss`. */
export function redirectBack(deps: Deps, redirectUri: string, params: Record<string, string>, state: string | null): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (state !== null) url.searchParams.set("state", state);
  url.searchParams.set("iss", deps.config.jwt.issuer);
  return url.toString();
}

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks an authorization request. Until the client and its redirect URI are known to match
 * exactly, a failure is a 400 problem shown to the user (an unverified redirect URI must never
 * receive the browser); after that, failures go back to the client as redirects.
 */
export async function validateAuthorizationRequest(deps: Deps, params: URLSearchParams): Promise<{ client: OAuthClientRecord; request: AuthorizationRequest }> {
  const clientId = params.get("client_id");
  const client = clientId && clientId.length <= 200 ? await findClient(deps.db, clientId) : undefined;
  if (!client) throw new ApiError(400, "unknown_client", "client_id names no registered client");
  if (client.disabledAt) throw new ApiError(400, "client_disabled", "This app has been disabled");
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri || !clientRedirectUris(client).includes(redirectUri)) {
    throw new ApiError(400, "redirect_uri_mismatch", "redirect_uri is missing or is not registered for this app");
  }
  const state = params.get("state");
  const fail = (error: OAuthErrorCode, description: string) => new AuthorizationRedirectError(redirectUri, error, description, state);
  for (const name of [
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
  ]) {
    if (params.getAll(name).length > 1) throw fail("invalid_request", `${name} is repeated`);
  }
  if (params.has("request") || params.has("request_uri")) throw fail("invalid_request", "Request objects are not supported");
  if (params.get("response_type") !== "code") throw fail("unsupported_response_type", "Only response_type=code is supported");
  const method = params.get("code_challenge_method");
  const codeChallenge = params.get("code_challenge");
  if (!codeChallenge) throw fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256");
  if (method !== "S256") throw fail("invalid_request", "code_challenge_method must be S256 (plain is refused)");
  if (!PKCE_CHALLENGE.test(codeChallenge)) throw fail("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier");
  const scope = parseScope(params.get("scope"));
  if (scope.length === 0) throw fail("invalid_scope", "Ask for at least one scope");
  const allowed = clientScopes(client);
  const refused = scope.filter((s) => !isKnownScope(s) || !allowed.includes(s));
  if (refused.length > 0) throw fail("invalid_scope", `Scopes not allowed for this app: ${refused.join(" ")}`);
  if ((state?.length ?? 0) > 1024) throw fail("invalid_request", "state is longer than 1024 characters");
  const nonce = params.get("nonce");
  if ((nonce?.length ?? 0) > 512) throw fail("invalid_request", "nonce is longer than 512 characters");
  const prompt = params.get("prompt");
  if (prompt && !["none", "login", "consent", "select_account"].includes(prompt)) throw fail("invalid_request", "Unknown prompt value");
  const maxAgeParam = params.get("max_age");
  if (maxAgeParam !== null && !/^\d{1,9}$/.test(maxAgeParam)) throw fail("invalid_request", "max_age must be a number of seconds");
  const maxAge = maxAgeParam === null ? null : Number(maxAgeParam);
  return { client, request: { clientId: client.id, redirectUri, scope, state, nonce, codeChallenge, prompt, maxAge } };
}

/** Whether the browser must sign in (again) first: no session, `prompt=login`, or a sign-in older than `max_age`. */
export function needsSignIn(deps: Deps, request: AuthorizationRequest, session: BrowserSession | null): boolean {
  if (!session || request.prompt === "login") return true;
  return request.maxAge !== null && Math.floor(deps.clock.now() / 1000) - session.authTime > request.maxAge;
}

/**
 * Where sign-in returns to: the same request without `prompt=login` (the fresh sign-in satisfies
 * it; keeping it would ask again forever).
 */
export function signInReturnTo(url: URL): string {
  const params = new URLSearchParams(url.search);
  if (params.get("prompt") === "login") params.delete("prompt");
  return `${url.pathname}?${params.toString()}`;
}

/** Whether the user must be asked: never for first-party apps, otherwise unless an earlier grant covers every scope. */
export async function needsConsent(deps: Deps, client: OAuthClientRecord, userId: string, request: AuthorizationRequest): Promise<boolean> {
  if (client.firstParty) return false;
  if (request.prompt === "consent") return true;
  const grant = await findGrant(deps.db, userId, client.id);
  if (!grant) return true;
  const granted = JSON.parse(grant.scopes) as string[];
  return request.scope.some((scope) => !granted.includes(scope));
}

/**
 * Issues a single-use code bound to the client, redirect URI, PKCE challenge, nonce and the
 * platform session, and remembers the grant (merged with earlier ones). Returns where to send
 * the browser.
 */
export async function issueAuthorizationCode(
  deps: Deps,
  request: AuthorizationRequest,
  session: BrowserSession,
  consent?: { client: ClientInfo },
): Promise<string> {
  const db = deps.db;
  const now = deps.clock.now();
  const code = randomToken(32);
  const grant = await findGrant(db, session.userId, request.clientId);
  const scopes = [...new Set([...(grant ? (JSON.parse(grant.scopes) as string[]) : []), ...request.scope])];
  await runBatch(db, [
    insertCodeQuery(db, {
      codeHash: await sha256Hex(code),
      clientId: request.clientId,
      userId: session.userId,
      sessionId: session.sessionId,
      redirectUri: request.redirectUri,
      scope: request.scope.join(" "),
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      authTime: new Date(session.authTime * 1000),
      createdAt: new Date(now),
      expiresAt: new Date(now + deps.config.oauth.codeTtlMs),
    }),
    upsertGrantQuery(db, session.userId, request.clientId, scopes, new Date(now)),
    touchGrantQuery(db, session.userId, request.clientId, new Date(now)),
    // The user's own security events show each consent they gave.
    ...(consent
      ? [
          auditEventQuery(db, {
            userId: session.userId,
            type: "oauth.consent_granted",
            client: consent.client,
            detail: { clientId: request.clientId, scopes: request.scope },
          }),
        ]
      : []),
  ]);
  return redirectBack(deps, request.redirectUri, { code }, request.state);
}

const CONSENT_TYP = "oauth-consent+jwt";
const consentAudience = (deps: Deps) => `${deps.config.jwt.issuer}/oauth/consent`;

/**
 * The consent form carries the validated request signed and bound to the platform session, so
 * the POST cannot be forged from another session or altered (10 minutes to decide).
 */
export async function signConsentTicket(deps: Deps, request: AuthorizationRequest, session: BrowserSession): Promise<string> {
  const { signer } = await oidcKeyring(deps.config.oauth.signingKeys);
  const now = Math.floor(deps.clock.now() / 1000);
  return new SignJWT({ sid: session.sessionId, req: request })
    .setProtectedHeader({ alg: OIDC_ALG, kid: signer.kid, typ: CONSENT_TYP })
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(consentAudience(deps))
    .setSubject(session.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(signer.key);
}

/** The request a consent form was shown for, if its ticket is ours, unexpired and of this session. */
export async function readConsentTicket(deps: Deps, ticket: string, session: BrowserSession): Promise<AuthorizationRequest | null> {
  if (ticket.length > 8192) return null;
  const { verifiers } = await oidcKeyring(deps.config.oauth.signingKeys);
  try {
    const { payload } = await jwtVerify(
      ticket,
      async (header) => {
        const key = header.kid ? verifiers.get(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      { algorithms: [OIDC_ALG], typ: CONSENT_TYP, issuer: deps.config.jwt.issuer, audience: consentAudience(deps), currentDate: deps.clock.date() },
    );
    if (payload.sub !== session.userId || payload.sid !== session.sessionId) return null;
    return payload.req as AuthorizationRequest;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return null;
    throw error;
  }
}
