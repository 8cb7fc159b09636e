import { encryptNotification } from "@block65/webcrypto-web-push";
import { importJWK, type JWK, SignJWT } from "jose";
import { ApiError } from "../http/errors";
import { type PushAddress, type PushNotification, type PushOutcome, outcomeOfStatus } from "./push-sender";

/** The VAPID key pair (RFC 8292) from its private JWK: the key to sign with and the public key as applications see it. */
export interface VapidKeys {
  privateKey: CryptoKey;
  /** The uncompressed P-256 point, base64url: the `applicationServerKey` and the `k` of every request. */
  publicKey: string;
  subject: string;
}

const base64url = {
  decode(text: string): Uint8Array {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)), (c) => c.charCodeAt(0));
  },
  encode(bytes: Uint8Array): string {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
};
export { base64url };

const vapidCache = new Map<string, Promise<VapidKeys>>();

/** Parses PUSH_VAPID_PRIVATE_KEY once per value; a broken key is `503 push_not_configured`. */
export function vapidKeysOf(privateJwk: string, subject: string): Promise<VapidKeys> {
  const key = `${subject}\n${privateJwk}`;
  let keys = vapidCache.get(key);
  if (!keys) {
    keys = (async () => {
      try {
        const jwk = JSON.parse(privateJwk) as JWK;
        if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.x || !jwk.y) throw new Error("not a P-256 private JWK");
        const privateKey = (await importJWK({ kty: "EC", crv: "P-256", d: jwk.d, x: jwk.x, y: jwk.y }, "ES256")) as CryptoKey;
        const point = new Uint8Array(65);
        point[0] = 4;
        point.set(base64url.decode(jwk.x), 1);
        point.set(base64url.decode(jwk.y), 33);
        return { privateKey, publicKey: base64url.encode(point), subject };
      } catch {
        vapidCache.delete(key);
        throw new ApiError(503, "push_not_configured", "Web Push is not configured correctly");
      }
    })();
    vapidCache.set(key, keys);
  }
  return keys;
}

/** Whether `p256dh` and `auth` are a usable subscription key (an uncompressed P-256 point and 16 bytes). */
export async function validSubscriptionKeys(p256dh: string, auth: string): Promise<boolean> {
  try {
    const point = base64url.decode(p256dh);
    if (point.byteLength !== 65 || point[0] !== 4 || base64url.decode(auth).byteLength !== 16) return false;
    await crypto.subtle.importKey("raw", point, { name: "ECDH", namedCurve: "P-256" }, false, []);
    return true;
  } catch {
    return false;
  }
}

/** VAPID headers by key and push service origin: one signature an hour per push service, not one per push. */
const vapidHeaders = new Map<string, { header: string; renewAt: number }>();
const VAPID_REUSE_MS = 3600_000;
const VAPID_CACHE_MAX = 1000;

/** The VAPID `Authorization` header for requests to `origin` (RFC 8292, section 3), valid 12 hours, reused for one. */
export async function vapidAuthorization(keys: VapidKeys, origin: string, now: number): Promise<string> {
  const cacheKey = `${keys.publicKey} ${keys.subject} ${origin}`;
  const cached = vapidHeaders.get(cacheKey);
  if (cached && cached.renewAt > now) return cached.header;
  const header = await signVapid(keys, origin, now);
  if (vapidHeaders.size >= VAPID_CACHE_MAX) vapidHeaders.clear();
  vapidHeaders.set(cacheKey, { header, renewAt: now + VAPID_REUSE_MS });
  return header;
}

async function signVapid(keys: VapidKeys, origin: string, now: number): Promise<string> {
  const jwt = await new SignJWT({ sub: keys.subject })
    .setProtectedHeader({ typ: "JWT", alg: "ES256" })
    .setAudience(origin)
    .setExpirationTime(Math.floor(now / 1000) + 12 * 3600)
    .sign(keys.privateKey);
  return `vapid t=${jwt}, k=${keys.publicKey}`;
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * One Web Push request: the payload encrypted with `aes128gcm` for the subscription (RFC 8291,
 * padded to a constant size), VAPID-signed for the endpoint's origin. Endpoints were checked at
 * registration (shared/push/endpoint-rules.ts); redirects are not followed.
 */
export async function sendWebPush(
  fetchFn: typeof fetch,
  keys: VapidKeys,
  address: Extract<PushAddress, { kind: "webpush" }>,
  notification: PushNotification,
  now: number,
): Promise<PushOutcome> {
  const body = await encryptNotification(
    { endpoint: address.endpoint, expirationTime: null, keys: { p256dh: address.p256dh, auth: address.auth } },
    new TextEncoder().encode(JSON.stringify(notification.payload)),
  );
  const headers: Record<string, string> = {
    authorization: await vapidAuthorization(keys, new URL(address.endpoint).origin, now),
    "content-encoding": "aes128gcm",
    "content-type": "application/octet-stream",
    ttl: String(notification.ttlSeconds),
    urgency: notification.urgency,
  };
  if (notification.topic) headers.topic = notification.topic;
  let response: Response;
  try {
    response = await fetchFn(address.endpoint, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    return { result: "retry", status: null, reason: timedOut ? "timeout" : "network_error" };
  }
  await response.body?.cancel();
  return outcomeOfStatus(response, now);
}
