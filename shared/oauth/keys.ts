import type { JWK } from "jose";
import { type JwkKeyring, keyringReader } from "../identity/tokens/signing-keys";
import { ApiError } from "../http/errors";

/** ID tokens and app access tokens: RS256, the one algorithm every OpenID relying party supports. */
export const OIDC_ALG = "RS256";

/** Public halves (`keys`) are published at /.well-known/jwks.json beside the ES256 keys. */
export type OidcKeyring = JwkKeyring;

const readOidcKeys = keyringReader({
  alg: OIDC_ALG,
  varName: "OIDC_SIGNING_KEYS",
  kidMissing: "every OIDC signing key needs a kid",
  publicPart: (jwk) => {
    if (jwk.kty !== "RSA") throw new Error("OIDC signing keys are RSA keys (RS256)");
    return { kty: "RSA", n: jwk.n, e: jwk.e, kid: jwk.kid, alg: OIDC_ALG, use: "sig" };
  },
});

/**
 * Reads OIDC_SIGNING_KEYS: a JSON array of RS256 JWKs with `kid`. The first key with a private
 * part signs; the others only verify (rotation as with JWT_SIGNING_KEYS).
 */
export function oidcKeyring(source: string | undefined): Promise<OidcKeyring> {
  // A deployment without the key still serves everything else; single sign-on answers 503.
  if (!source) throw new ApiError(503, "not_configured", "Single sign-on is not configured on this deployment (OIDC_SIGNING_KEYS)");
  return readOidcKeys(source);
}

/** The RS256 public keys to publish, or none when the provider is not configured. */
export async function publishedOidcKeys(source: string | undefined): Promise<JWK[]> {
  return source ? (await oidcKeyring(source)).keys : [];
}
