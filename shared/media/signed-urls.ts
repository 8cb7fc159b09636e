import { base64url, fromBase64url } from "../ids";

/** A key that signs content URLs; the first configured key signs, every key verifies. */
export interface UrlSigningKey {
  kid: string;
  secret: string;
}

export type SignedUrlCheck = { ok: true } | { ok: false; code: "invalid_signature" | "url_expired" };

const SIGNATURE_PARAMS = new Set(["sig"]);

/** Method, path and every query parameter but the signature, in one order. */
function canonical(method: string, url: URL): string {
  const params = [...url.searchParams.entries()]
    .filter(([name]) => !SIGNATURE_PARAMS.has(name))
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
  return `${method.toUpperCase()}\n${url.pathname}\n${params}`;
}

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * Adds `expires` (unix seconds), `kid` and `sig` to `url`: the signature covers the method, the
 * path and every other parameter, so changing any of them (a variant size, another file id, the
 * expiry) breaks it.
 */
export async function signUrl(url: URL, key: UrlSigningKey, expiresAt: Date, method = "GET"): Promise<URL> {
  const signed = new URL(url);
  signed.searchParams.delete("sig");
  signed.searchParams.set("expires", String(Math.floor(expiresAt.getTime() / 1000)));
  signed.searchParams.set("kid", key.kid);
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(key.secret, "sign"), new TextEncoder().encode(canonical(method, signed)));
  signed.searchParams.set("sig", base64url(new Uint8Array(mac)));
  return signed;
}

export function hasSignature(url: URL): boolean {
  return url.searchParams.has("sig");
}

/** Checks the signature first (so an altered expiry is "invalid", not "expired"), then the expiry. */
export async function verifySignedUrl(url: URL, keys: readonly UrlSigningKey[], now: Date, method = "GET"): Promise<SignedUrlCheck> {
  const sig = url.searchParams.get("sig");
  const kid = url.searchParams.get("kid");
  const expires = url.searchParams.get("expires");
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!sig || !key || !expires || !/^\d{1,12}$/.test(expires) || url.searchParams.getAll("sig").length !== 1) {
    return { ok: false, code: "invalid_signature" };
  }
  let mac: Uint8Array;
  try {
    mac = fromBase64url(sig);
  } catch {
    return { ok: false, code: "invalid_signature" };
  }
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(key.secret, "verify"), mac, new TextEncoder().encode(canonical(method, url)));
  if (!valid) return { ok: false, code: "invalid_signature" };
  if (Number(expires) * 1000 <= now.getTime()) return { ok: false, code: "url_expired" };
  return { ok: true };
}

/** Parses the `MEDIA_URL_SIGNING_KEYS` secret: a JSON array of {kid, secret}. */
export function parseUrlSigningKeys(value: string | undefined): UrlSigningKey[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (entry): entry is UrlSigningKey =>
      typeof entry === "object" &&
      entry !== null &&
      typeof entry.kid === "string" &&
      entry.kid.length > 0 &&
      typeof entry.secret === "string" &&
      entry.secret.length >= 32,
  );
}
