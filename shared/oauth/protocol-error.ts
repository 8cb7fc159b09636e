/** The `error` values of RFC 6749 (5.2, 4.1.2.1), RFC 7009 and OIDC Core the provider answers with. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "unsupported_token_type"
  | "invalid_scope"
  | "access_denied"
  | "login_required"
  | "consent_required"
  | "server_error";

/**
 * An error of the OAuth protocol endpoints, answered as RFC 6749 error JSON (`{error,
 * error_description}`) rather than problem+json, because relying-party libraries parse that
 * shape (docs/sso.md). `invalid_client` is 401 with a `WWW-Authenticate` challenge (RFC 6749 5.2).
 */
export class OAuthProtocolError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: 400 | 401 | 403 = error === "invalid_client" ? 401 : 400,
  ) {
    super(description);
    this.name = "OAuthProtocolError";
  }
}

export const invalidGrant = (description: string) => new OAuthProtocolError("invalid_grant", description);
export const invalidClient = (description = "Client authentication failed") => new OAuthProtocolError("invalid_client", description);
export const invalidRequest = (description: string) => new OAuthProtocolError("invalid_request", description);

export function oauthErrorResponse(error: OAuthProtocolError, requestId: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store", "x-request-id": requestId };
  if (error.status === 401) headers["www-authenticate"] = 'Basic realm="oauth"';
  return new Response(JSON.stringify({ error: error.error, error_description: error.description, requestId }), { status: error.status, headers });
}
