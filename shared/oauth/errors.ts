import { defineErrors } from "../http/errors";

/**
 * The problem codes of the OpenID Connect provider. The protocol endpoints (/oauth/token,
 * /oauth/revoke, /oauth/introspect, and /oauth/authorize once the redirect URI is trusted) answer
 * RFC 6749 error JSON or redirects instead, as the standards require (docs/sso.md).
 */
export const oauthErrors = defineErrors({
  unknown_client: { status: 400, description: "/oauth/authorize: `client_id` names no registered client; nothing is redirected." },
  client_disabled: { status: 400, description: "/oauth/authorize: an admin disabled this client; nothing is redirected." },
  redirect_uri_mismatch: {
    status: 400,
    description: "/oauth/authorize: `redirect_uri` is missing or not exactly one the client registered; nothing is redirected.",
  },
  insufficient_scope: { status: 403, description: "/oauth/userinfo: the access token was not granted the `openid` scope." },
  app_not_connected: { status: 404, description: "The user has not connected this app (no grant to revoke)." },
  unknown_oauth_client: { status: 400, description: "`resourceServerFor` names a client id that is not registered." },
  oauth_client_not_found: { status: 404, description: "No OAuth client has this id." },
  invalid_client_type: { status: 409, description: "The operation needs a confidential client (a public client has no secret)." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    oauth: typeof oauthErrors;
  }
}
