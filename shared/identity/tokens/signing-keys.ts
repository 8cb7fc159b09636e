import { type CryptoKey, type JWK, importJWK } from "jose";

export const ACCESS_TOKEN_ALG = "ES256";

/** Keys read from a var holding a JSON array of JWKs with `kid`. */
export interface JwkKeyring {
  /** The key new tokens are signed with: the first one carrying a private part. */
  signer: { kid: string; key: CryptoKey };
  /** Every key that verifies, by kid: the signer plus keys being rotated out. */
  verifiers: Map<string, CryptoKey>;
  /** Public halves of every verifier, as published at /.well-known/jwks.json. */
  keys: JWK[];
}

export type SigningKeyring = JwkKeyring;

/** One kind of signing key: its algorithm, the var that holds it, and how its public half reads. */
export interface KeyKind {
  alg: string;
  varName: string;
  /** Said when an entry has no `kid`. */
  kidMissing: string;
  /** The public half to verify with and publish; throws when the key is not of this kind. */
  publicPart(jwk: JWK & { kid: string }): JWK;
}

/**
 * Reads a var of this kind of keys, once per value (a failed read is tried again next time).
 * Rotation: put the new key first and keep the old one (its private part may be dropped) until
 * its last token expired; entries without a private part only verify.
 */
export function keyringReader(kind: KeyKind): (source: string) => Promise<JwkKeyring> {
  let cached: { source: string; keyring: Promise<JwkKeyring> } | undefined;
  return (source) => {
    if (cached?.source === source) return cached.keyring;
    const keyring = loadKeyring(kind, source);
    cached = { source, keyring };
    keyring.catch(() => {
      if (cached?.keyring === keyring) cached = undefined;
    });
    return keyring;
  };
}

async function loadKeyring(kind: KeyKind, source: string): Promise<JwkKeyring> {
  const jwks = JSON.parse(source) as JWK[];
  if (!Array.isArray(jwks) || jwks.length === 0) throw new Error(`${kind.varName} must be a non-empty JSON array`);
  const verifiers = new Map<string, CryptoKey>();
  const keys: JWK[] = [];
  let signer: JwkKeyring["signer"] | undefined;
  for (const jwk of jwks) {
    if (!jwk.kid) throw new Error(kind.kidMissing);
    const publicPart = kind.publicPart(jwk as JWK & { kid: string });
    verifiers.set(jwk.kid, (await importJWK(publicPart, kind.alg)) as CryptoKey);
    keys.push(publicPart);
    if (!signer && jwk.d) signer = { kid: jwk.kid, key: (await importJWK({ ...jwk, alg: kind.alg }, kind.alg)) as CryptoKey };
  }
  if (!signer) throw new Error(`${kind.varName} has no private key to sign with`);
  return { signer, verifiers, keys };
}

const readAccessTokenKeys = keyringReader({
  alg: ACCESS_TOKEN_ALG,
  varName: "JWT_SIGNING_KEYS",
  kidMissing: "every signing key needs a kid",
  publicPart: (jwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: jwk.kid, alg: ACCESS_TOKEN_ALG, use: "sig" }),
});

/** Reads JWT_SIGNING_KEYS: a JSON array of ES256 JWKs with `kid` (rotation as `keyringReader` says). */
export function signingKeyring(source: string | undefined): Promise<SigningKeyring> {
  if (!source) throw new Error("JWT_SIGNING_KEYS is not configured (npm run dev generates it into .dev.vars)");
  return readAccessTokenKeys(source);
}
