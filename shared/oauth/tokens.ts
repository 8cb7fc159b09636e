import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { type BatchQuery, runBatch } from "../db/client";
import { base64url, newId, randomToken, sha256Hex } from "../ids";
import type { Deps } from "../platform/deps-types";
import { clientScopes } from "./clients";
import { OIDC_ALG, oidcKeyring } from "./keys";
import { invalidGrant, invalidRequest, OAuthProtocolError } from "./protocol-error";
import {
  type AuthorizationState,
  findAccessTokenState,
  findAuthorizationState,
  findCode,
  findRefreshTokenState,
  insertAuthorizationForCodeQuery,
  insertAuthorizationQuery,
  insertSuccessorTokenQuery,
  insertTokenQuery,
  type OAuthClientRecord,
  revokeAuthorizationQuery,
  spendCodeQuery,
  spendRefreshTokenQuery,
  type TokenState,
  touchAuthorizationQuery,
  touchGrantQuery,
} from "./records";
import { isKnownScope, parseScope } from "./scopes";

/** The token endpoint's answer (RFC 6749 5.1, OIDC Core 3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

const ACCESS_TYP = "at+jwt";

/** The claims a user's scopes release, in ID tokens and at /oauth/userinfo. */
export function userClaims(
  user: { id: string; email: string; emailVerified: boolean; displayName: string; avatarUrl: string | null; locale: string | null; updatedAt: Date },
  scope: string[],
): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scope.includes("email")) Object.assign(claims, { email: user.email, email_verified: user.emailVerified });
  if (scope.includes("profile")) {
    Object.assign(claims, { name: user.displayName, updated_at: Math.floor(user.updatedAt.getTime() / 1000) });
    if (user.avatarUrl) claims.picture = user.avatarUrl;
    if (user.locale) claims.locale = user.locale;
  }
  return claims;
}

/**
 * An app's access token: an RFC 9068 JWT (RS256, `aud` the client), so resource servers can read
 * it with the JWKS, and a row keyed by its `jti`, so introspection and userinfo answer from the
 * state of its authorization and platform session at once. It never passes the platform's own
 * API check (a different key, algorithm and audience).
 */
async function signAccessToken(deps: Deps, jti: string, subject: string, clientId: string, scope: string[], now: number): Promise<string> {
  const { signer } = await oidcKeyring(deps.config.oauth.signingKeys);
  return new SignJWT({ client_id: clientId, scope: scope.join(" ") })
    .setProtectedHeader({ alg: OIDC_ALG, kid: signer.kid, typ: ACCESS_TYP })
    .setIssuer(deps.config.jwt.issuer)
    .setSubject(subject)
    .setAudience(clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.oauth.accessTokenTtlSeconds)
    .setJti(jti)
    .sign(signer.key);
}

async function signIdToken(
  deps: Deps,
  claims: Record<string, unknown> & { sub: string },
  clientId: string,
  extra: { nonce: string | null; authTime: number; sessionId: string; accessToken: string },
  now: number,
): Promise<string> {
  const { signer } = await oidcKeyring(deps.config.oauth.signingKeys);
  // at_hash (OIDC Core 3.1.3.6): the left half of the SHA-256 of the access token.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(extra.accessToken)));
  const payload: Record<string, unknown> = { ...claims, auth_time: extra.authTime, sid: extra.sessionId, at_hash: base64url(digest.slice(0, 16)) };
  if (extra.nonce) payload.nonce = extra.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: OIDC_ALG, kid: signer.kid, typ: "JWT" })
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.oauth.idTokenTtlSeconds)
    .sign(signer.key);
}

/** Whether a token is in force now: itself, its authorization, its client, and (for a user's token) the user and the platform session. */
export function tokenIsLive(state: TokenState, now: number): boolean {
  const { token } = state;
  if (token.revokedAt || token.expiresAt.getTime() <= now || token.spentAt) return false;
  return authorizationIsLive(state, now);
}

/** Whether an authorization is in force: not revoked, client enabled, and for a user's, the user and the platform session alive. */
export function authorizationIsLive(state: AuthorizationState, now: number): boolean {
  const { authorization } = state;
  if (authorization.revokedAt || state.clientDisabledAt) return false;
  if (authorization.userId !== null) {
    if (!state.user || state.user.disabledAt) return false;
    if (!state.session || state.session.revokedAt || state.session.expiresAt.getTime() <= now) return false;
  }
  return true;
}

/** What a token may be used for: an access token's own scope (a refresh may have narrowed it), else its authorization's. */
export function scopeOf(state: TokenState): string[] {
  return parseScope(state.token.scope ?? state.authorization.scope);
}

/** An app access token in force, or null (not ours, expired, revoked, or its session ended). */
export async function liveAccessToken(deps: Deps, token: string): Promise<TokenState | null> {
  if (token.length > 4096) return null;
  const { verifiers } = await oidcKeyring(deps.config.oauth.signingKeys);
  let jti: string;
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? verifiers.get(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      { algorithms: [OIDC_ALG], typ: ACCESS_TYP, issuer: deps.config.jwt.issuer, currentDate: deps.clock.date(), requiredClaims: ["jti", "sub", "exp"] },
    );
    if (typeof payload.jti !== "string") return null;
    jti = payload.jti;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return null;
    throw error;
  }
  const state = await findAccessTokenState(deps.db, jti);
  return state && tokenIsLive(state, deps.clock.now()) ? state : null;
}

/** A refresh token's state if it is one of ours (live or not). */
export async function refreshTokenState(deps: Deps, token: string): Promise<TokenState | null> {
  if (token.length > 512) return null;
  return (await findRefreshTokenState(deps.db, await sha256Hex(token))) ?? null;
}

interface Issue {
  authorizationId: string;
  client: OAuthClientRecord;
  subject: string;
  scope: string[];
  withRefreshToken: boolean;
  idToken?: { claims: Record<string, unknown> & { sub: string }; nonce: string | null; authTime: number; sessionId: string };
}

/** Access (and refresh, and ID) tokens of an authorization; their rows go in `queries`' batch. */
async function issueTokens(deps: Deps, issue: Issue, queries: BatchQuery[]): Promise<{ response: TokenResponse; queries: BatchQuery[] }> {
  const db = deps.db;
  const nowMs = deps.clock.now();
  const now = Math.floor(nowMs / 1000);
  const jti = newId(nowMs);
  const accessToken = await signAccessToken(deps, jti, issue.subject, issue.client.id, issue.scope, now);
  const all = [
    ...queries,
    insertTokenQuery(db, {
      id: jti,
      authorizationId: issue.authorizationId,
      kind: "access",
      scope: issue.scope.join(" "),
      createdAt: new Date(nowMs),
      expiresAt: new Date((now + deps.config.oauth.accessTokenTtlSeconds) * 1000),
    }),
  ];
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: deps.config.oauth.accessTokenTtlSeconds,
    scope: issue.scope.join(" "),
  };
  if (issue.withRefreshToken) {
    const refreshToken = randomToken(32);
    all.push(
      insertTokenQuery(db, {
        id: newId(nowMs),
        authorizationId: issue.authorizationId,
        kind: "refresh",
        tokenHash: await sha256Hex(refreshToken),
        createdAt: new Date(nowMs),
        expiresAt: new Date(nowMs + deps.config.oauth.refreshTokenTtlMs),
      }),
    );
    response.refresh_token = refreshToken;
  }
  if (issue.idToken) response.id_token = await signIdToken(deps, issue.idToken.claims, issue.client.id, { ...issue.idToken, accessToken }, now);
  return { response, queries: all };
}

async function s256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * grant_type=authorization_code. The code must belong to this client, name the same redirect URI
 * and match the PKCE verifier; it is spent by a compare-and-set, and a second use revokes the
 * authorization the first use started (RFC 6749 4.1.2, RFC 9700 4.5). The platform session it was
 * issued in must still be alive.
 */
export async function exchangeCode(deps: Deps, client: OAuthClientRecord, form: Record<string, string>): Promise<TokenResponse> {
  const db = deps.db;
  const { code, redirect_uri: redirectUri, code_verifier: verifier } = form;
  if (!code) throw invalidRequest("code is required");
  if (!redirectUri) throw invalidRequest("redirect_uri is required");
  if (!verifier) throw invalidRequest("code_verifier is required (PKCE)");
  if (code.length > 512) throw invalidGrant("The code is invalid, expired or already used");
  const codeHash = await sha256Hex(code);
  const record = await findCode(db, codeHash);
  const now = deps.clock.now();
  if (!record || record.clientId !== client.id) throw invalidGrant("The code is invalid, expired or already used");
  if (record.usedAt) {
    if (record.authorizationId) await runBatch(db, [revokeAuthorizationQuery(db, record.authorizationId, "code_reused", new Date(now))]);
    throw invalidGrant("The code was already used; the tokens issued for it are revoked");
  }
  if (record.expiresAt.getTime() <= now) throw invalidGrant("The code has expired");
  if (record.redirectUri !== redirectUri) throw invalidGrant("redirect_uri differs from the authorization request's");
  if (!CODE_VERIFIER.test(verifier) || (await s256(verifier)) !== record.codeChallenge) throw invalidGrant("code_verifier does not match the code_challenge");

  const scope = parseScope(record.scope);
  const authorizationId = newId(now);
  const [spent] = await db.batch([
    spendCodeQuery(db, codeHash, authorizationId, new Date(now)),
    insertAuthorizationForCodeQuery(
      db,
      {
        id: authorizationId,
        clientId: client.id,
        userId: record.userId,
        sessionId: record.sessionId,
        scope: record.scope,
        createdAt: new Date(now),
        lastUsedAt: new Date(now),
      },
      codeHash,
    ),
  ]);
  if (spent.length === 0) {
    const again = await findCode(db, codeHash);
    if (again?.authorizationId) await runBatch(db, [revokeAuthorizationQuery(db, again.authorizationId, "code_reused", new Date(now))]);
    throw invalidGrant("The code was already used; the tokens issued for it are revoked");
  }
  // The session and user as they are now: a code of a session that ended is worthless.
  const state = await stateOfAuthorization(deps, authorizationId);
  const issued = await issueTokens(
    deps,
    {
      authorizationId,
      client,
      subject: record.userId,
      scope,
      withRefreshToken: scope.includes("offline_access"),
      idToken: scope.includes("openid")
        ? {
            claims: userClaims(state.user, scope) as { sub: string },
            nonce: record.nonce,
            authTime: Math.floor(record.authTime.getTime() / 1000),
            sessionId: record.sessionId,
          }
        : undefined,
    },
    [touchGrantQuery(db, record.userId, client.id, new Date(now))],
  );
  await runBatch(db, issued.queries);
  return issued.response;
}

/** The user of a fresh authorization, refusing it (and revoking it) when the session or user is gone. */
async function stateOfAuthorization(deps: Deps, authorizationId: string) {
  const db = deps.db;
  const now = deps.clock.now();
  const state = await findAuthorizationState(db, authorizationId);
  if (!state || !authorizationIsLive(state, now) || !state.user) {
    await runBatch(db, [revokeAuthorizationQuery(db, authorizationId, "session_ended", new Date(now))]);
    throw invalidGrant("The sign-in this code came from has ended");
  }
  return { user: state.user };
}

/**
 * grant_type=refresh_token: rotation. The token is spent by a compare-and-set and replaced; a
 * spent token presented again revokes its whole authorization (RFC 9700 4.14.2). `scope` may
 * narrow, never widen. The answer carries a new access and refresh token, no ID token.
 */
export async function refreshTokens(deps: Deps, client: OAuthClientRecord, form: Record<string, string>): Promise<TokenResponse> {
  const db = deps.db;
  if (!form.refresh_token) throw invalidRequest("refresh_token is required");
  const state = await refreshTokenState(deps, form.refresh_token);
  const now = deps.clock.now();
  if (!state || state.authorization.clientId !== client.id) throw invalidGrant("The refresh token is invalid, expired or revoked");
  if (state.token.spentAt) {
    await runBatch(db, [revokeAuthorizationQuery(db, state.authorization.id, "refresh_token_reused", new Date(now))]);
    throw invalidGrant("The refresh token was already used; every token of this authorization is revoked");
  }
  if (!tokenIsLive(state, now) || !state.user) throw invalidGrant("The refresh token is invalid, expired or revoked");
  const granted = parseScope(state.authorization.scope);
  const scope = form.scope ? parseScope(form.scope) : granted;
  if (scope.some((s) => !granted.includes(s))) throw new OAuthProtocolError("invalid_scope", "A refresh cannot widen the granted scope");

  const successor = randomToken(32);
  const successorId = newId(now);
  const [spent] = await db.batch([
    spendRefreshTokenQuery(db, state.token.id, successorId, new Date(now)),
    insertSuccessorTokenQuery(
      db,
      {
        id: successorId,
        authorizationId: state.authorization.id,
        kind: "refresh",
        tokenHash: await sha256Hex(successor),
        createdAt: new Date(now),
        expiresAt: new Date(now + deps.config.oauth.refreshTokenTtlMs),
      },
      state.token.id,
    ),
  ]);
  if (spent.length === 0) {
    await runBatch(db, [revokeAuthorizationQuery(db, state.authorization.id, "refresh_token_reused", new Date(now))]);
    throw invalidGrant("The refresh token was already used; every token of this authorization is revoked");
  }
  const issued = await issueTokens(
    deps,
    {
      authorizationId: state.authorization.id,
      client,
      subject: state.user.id,
      scope,
      // No new ID token: the sign-in it would describe is the original one (OIDC Core 12.2 allows leaving it out).
      withRefreshToken: false,
    },
    [touchAuthorizationQuery(db, state.authorization.id, new Date(now)), touchGrantQuery(db, state.user.id, client.id, new Date(now))],
  );
  await runBatch(db, issued.queries);
  return { ...issued.response, refresh_token: successor };
}

/** Scopes a client may ask for on its own behalf: none of the user scopes mean anything without a user. */
const USER_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** grant_type=client_credentials: confidential clients only; the token's subject is the client. */
export async function clientCredentialsToken(deps: Deps, client: OAuthClientRecord, form: Record<string, string>): Promise<TokenResponse> {
  if (client.type !== "confidential") throw new OAuthProtocolError("unauthorized_client", "Public clients cannot use client_credentials");
  const requested = parseScope(form.scope);
  const refused = requested.filter((s) => USER_SCOPES.has(s) || !isKnownScope(s) || !clientScopes(client).includes(s));
  if (refused.length > 0) throw new OAuthProtocolError("invalid_scope", `Scopes not available to client_credentials: ${refused.join(" ")}`);
  const now = deps.clock.now();
  const authorizationId = newId(now);
  const issued = await issueTokens(deps, { authorizationId, client, subject: client.id, scope: requested, withRefreshToken: false }, [
    insertAuthorizationQuery(deps.db, {
      id: authorizationId,
      clientId: client.id,
      scope: requested.join(" "),
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
    }),
  ]);
  await runBatch(deps.db, issued.queries);
  return issued.response;
}
