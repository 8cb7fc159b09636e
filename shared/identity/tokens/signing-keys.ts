import { type CryptoKey, type JWK, importJWK } from "jose";

export const ACCESS_TOKEN_ALG = "ES256";

export interface SigningKeyring {
  /** The key new tokens are signed with. */
  signer: { kid: string; key: CryptoKey };
  /** Every key that verifies, by kid: the signer plus keys being rotated out. */
  verifiers: Map<string, CryptoKey>;
  /** Public halves of every verifier, as published at /.well-known/jwks.json. */
  jwks: { keys: JWK[] };
}

let cached: { source: string; keyring: Promise<SigningKeyring> } | undefined;

/**
 * Reads JWT_SIGNING_KEYS: a JSON array of ES256 JWKs with `kid`. The first key carrying a
 * private part signs; entries without a private part only verify. Rotation: put the new key
 * first and keep the old one (its private part may be dropped) until its last token expired.
 */
export function signingKeyring(source: string | undefined): Promise<SigningKeyring> {
  if (!source) throw new Error("JWT_SIGNING_KEYS is not configured (npm run dev generates it into .dev.vars)");
  if (cached?.source === source) return cached.keyring;
  const keyring = loadKeyring(source);
  cached = { source, keyring };
  keyring.catch(() => {
    if (cached?.keyring === keyring) cached = undefined;
  });
  return keyring;
}

async function loadKeyring(source: string): Promise<SigningKeyring> {
  const jwks = JSON.parse(source) as JWK[];
  if (!Array.isArray(jwks) || jwks.length === 0) throw new Error("JWT_SIGNING_KEYS must be a non-empty JSON array");
  const verifiers = new Map<string, CryptoKey>();
  const published: JWK[] = [];
  let signer: SigningKeyring["signer"] | undefined;
  for (const jwk of jwks) {
    if (!jwk.kid) throw new Error("every signing key needs a kid");
    const { d: _private, ...publicJwk } = jwk;
    const publicPart: JWK = { ...publicJwk, alg: ACCESS_TOKEN_ALG, use: "sig" };
    verifiers.set(jwk.kid, (await importJWK(publicPart, ACCESS_TOKEN_ALG)) as CryptoKey);
    published.push({ kty: publicPart.kty, crv: publicPart.crv, x: publicPart.x, y: publicPart.y, kid: jwk.kid, alg: ACCESS_TOKEN_ALG, use: "sig" });
    if (!signer && jwk.d) signer = { kid: jwk.kid, key: (await importJWK({ ...jwk, alg: ACCESS_TOKEN_ALG }, ACCESS_TOKEN_ALG)) as CryptoKey };
  }
  if (!signer) throw new Error("JWT_SIGNING_KEYS has no private key to sign with");
  return { signer, verifiers, jwks: { keys: published } };
}
