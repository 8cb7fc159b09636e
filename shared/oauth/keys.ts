import { type CryptoKey, type JWK, importJWK } from "jose";
import { ApiError } from "../http/errors";

/** ID tokens and app access tokens: RS256, the one algorithm every OpenID relying party supports. */
export const OIDC_ALG = "RS256";

export interface OidcKeyring {
  signer: { kid: string; key: CryptoKey };
  verifiers: Map<string, CryptoKey>;
  /** Public halves, published at /.well-known/jwks.json beside the ES256 keys. */
  keys: JWK[];
}

let cached: { source: string; keyring: Promise<OidcKeyring> } | undefined;

/**
 * Reads OIDC_SIGNING_KEYS: a JSON array of RS256 JWKs with `kid`. The first key with a private
 * part signs; the others only verify (rotation as with JWT_SIGNING_KEYS).
 */
export function oidcKeyring(source: string | undefined): Promise<OidcKeyring> {
  // A deployment without the key still serves everything else; single sign-on answers 503.
  if (!source) throw new ApiError(503, "not_configured", "Single sign-on is not configured on this deployment (OIDC_SIGNING_KEYS)");
  if (cached?.source === source) return cached.keyring;
  const keyring = loadKeyring(source);
  cached = { source, keyring };
  keyring.catch(() => {
    if (cached?.keyring === keyring) cached = undefined;
  });
  return keyring;
}

async function loadKeyring(source: string): Promise<OidcKeyring> {
  const jwks = JSON.parse(source) as JWK[];
  if (!Array.isArray(jwks) || jwks.length === 0) throw new Error("OIDC_SIGNING_KEYS must be a non-empty JSON array");
  const verifiers = new Map<string, CryptoKey>();
  const keys: JWK[] = [];
  let signer: OidcKeyring["signer"] | undefined;
  for (const jwk of jwks) {
    if (!jwk.kid) throw new Error("every OIDC signing key needs a kid");
    if (jwk.kty !== "RSA") throw new Error("OIDC signing keys are RSA keys (RS256)");
    const publicPart: JWK = { kty: "RSA", n: jwk.n, e: jwk.e, kid: jwk.kid, alg: OIDC_ALG, use: "sig" };
    verifiers.set(jwk.kid, (await importJWK(publicPart, OIDC_ALG)) as CryptoKey);
    keys.push(publicPart);
    if (!signer && jwk.d) signer = { kid: jwk.kid, key: (await importJWK({ ...jwk, alg: OIDC_ALG }, OIDC_ALG)) as CryptoKey };
  }
  if (!signer) throw new Error("OIDC_SIGNING_KEYS has no private key to sign with");
  return { signer, verifiers, keys };
}

/** The RS256 public keys to publish, or none when the provider is not configured. */
export async function publishedOidcKeys(source: string | undefined): Promise<JWK[]> {
  return source ? (await oidcKeyring(source)).keys : [];
}
