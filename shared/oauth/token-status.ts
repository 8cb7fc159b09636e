import { runBatch } from "../db/client";
import { ApiError } from "../http/errors";
import type { Deps } from "../platform/deps-types";
import { liveAccessToken, refreshTokenState, scopeOf, tokenIsLive, userClaims } from "./tokens";
import { type OAuthClientRecord, revokeAuthorizationQuery, revokeTokenQuery, type TokenState } from "./records";
import { mayIntrospectTokensOf } from "./clients";
import { OAuthProtocolError } from "./protocol-error";

/** The token a request names, whichever kind it is (the hint only decides which to try first). */
async function findToken(deps: Deps, token: string, hint: string | undefined): Promise<TokenState | null> {
  const order = hint === "refresh_token" ? ["refresh", "access"] : ["access", "refresh"];
  for (const kind of order) {
    if (kind === "access" && token.includes(".")) {
      const state = await liveAccessToken(deps, token);
      if (state) return state;
    }
    if (kind === "refresh" && !token.includes(".")) {
      const state = await refreshTokenState(deps, token);
      if (state) return state;
    }
  }
  return null;
}

/**
 * POST /oauth/introspect (RFC 7662), for confidential clients (resource servers). `active` is
 * computed from the token's row, its authorization and the platform session it is bound to, so
 * a logout or revocation shows here at once; anything else answers just `{active: false}`. A
 * client learns about its own tokens and those of the clients it is registered as a resource
 * server for (RFC 7662 §4: the server decides who may learn what); any other token is answered
 * as one that does not exist.
 */
export async function introspect(deps: Deps, caller: OAuthClientRecord, form: Record<string, string>): Promise<Record<string, unknown>> {
  if (caller.type !== "confidential") throw new OAuthProtocolError("unauthorized_client", "Only confidential clients may introspect tokens", 401);
  if (!form.token) throw new OAuthProtocolError("invalid_request", "token is required");
  const state = await findToken(deps, form.token, form.token_type_hint);
  const now = deps.clock.now();
  if (!state || !tokenIsLive(state, now) || !mayIntrospectTokensOf(caller, state.authorization.clientId)) return { active: false };
  const { token, authorization } = state;
  return {
    active: true,
    scope: scopeOf(state).join(" "),
    client_id: authorization.clientId,
    sub: authorization.userId ?? authorization.clientId,
    aud: authorization.clientId,
    iss: deps.config.jwt.issuer,
    token_type: token.kind === "access" ? "Bearer" : "refresh_token",
    exp: Math.floor(token.expiresAt.getTime() / 1000),
    iat: Math.floor(token.createdAt.getTime() / 1000),
    ...(token.kind === "access" ? { jti: token.id } : {}),
    ...(authorization.sessionId ? { sid: authorization.sessionId } : {}),
  };
}

/**
 * POST /oauth/revoke (RFC 7009): a client revokes one of its own tokens. A refresh token takes
 * its whole authorization with it (every access token issued from it); an access token only
 * itself. Unknown tokens, and other clients' tokens, are answered alike (200) and left alone.
 */
export async function revoke(deps: Deps, caller: OAuthClientRecord, form: Record<string, string>): Promise<void> {
  if (!form.token) throw new OAuthProtocolError("invalid_request", "token is required");
  const state = await findToken(deps, form.token, form.token_type_hint);
  if (!state || state.authorization.clientId !== caller.id) return;
  const now = deps.clock.date();
  await runBatch(deps.db, [
    state.token.kind === "refresh"
      ? revokeAuthorizationQuery(deps.db, state.authorization.id, "revoked_by_client", now)
      : revokeTokenQuery(deps.db, state.token.id, now),
  ]);
}

/** The challenge of a refused userinfo request (RFC 6750 3). */
function bearerChallenge(error: "invalid_token" | "insufficient_scope", description: string): Record<string, string> {
  return { "www-authenticate": `Bearer realm="oauth", error="${error}", error_description="${description}"` };
}

/** GET/POST /oauth/userinfo: the claims the token's scopes release, while its platform session lives. */
export async function userInfo(deps: Deps, token: string | null): Promise<Record<string, unknown>> {
  if (!token) throw new ApiError(401, "unauthorized", "Send the app's access token as a Bearer token", {}, { "www-authenticate": 'Bearer realm="oauth"' });
  const state = await liveAccessToken(deps, token);
  if (!state) {
    const detail = "The access token is invalid, expired or revoked, or its session ended";
    throw new ApiError(401, "invalid_token", detail, {}, bearerChallenge("invalid_token", detail));
  }
  const scope = scopeOf(state);
  if (!state.user || !scope.includes("openid")) {
    const detail = "The access token was not granted the openid scope";
    throw new ApiError(403, "insufficient_scope", detail, {}, bearerChallenge("insufficient_scope", detail));
  }
  return userClaims(state.user, scope);
}
