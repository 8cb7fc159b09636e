import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { vi } from "vitest";

/**
 * A local push service that plays the browser vendor's part (RFC 8030), at https://push.test:
 * `subscribe()` makes a subscription the way a browser does (a P-256 key pair and an auth
 * secret, kept here); every push is checked as a real service would (the VAPID JWT verified
 * against the application server key, RFC 8292) and decrypted with the subscription's private
 * key (aes128gcm, RFC 8291), and answers 201 unless told otherwise (`answerNext`: 404, 410, 429
 * with Retry-After, 500). A subscription `expire`d answers 410 from then on.
 */
export const PUSH_SERVICE_ORIGIN = "https://push.test";

export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscriptionId: string;
  status: number;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  payload: Record<string, any>;
  receivedAt: number;
}

interface Holder {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
  auth: Uint8Array;
  expired: boolean;
}

type Scripted = { status: number; headers?: Record<string, string> };

export const b64u = {
  encode(bytes: Uint8Array): string {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(text: string): Uint8Array {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)), (c) => c.charCodeAt(0));
  },
};

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};
const ascii = (text: string) => new TextEncoder().encode(text);

/**
 * RFC 8291 (with RFC 8188's aes128gcm): the user agent's side. The header carries the salt, the
 * record size and the application server's ephemeral public key; the shared secret and the auth
 * secret give the content key and nonce; the plaintext ends with the 0x02 delimiter and padding.
 */
export async function decryptAes128gcm(body: Uint8Array, receiver: { privateKey: CryptoKey; publicKey: Uint8Array; auth: Uint8Array }): Promise<string> {
  const salt = body.slice(0, 16);
  const recordSize = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0);
  const idLength = body[20]!;
  const senderPublic = body.slice(21, 21 + idLength);
  const ciphertext = body.slice(21 + idLength);
  if (idLength !== 65 || senderPublic[0] !== 4) throw new Error("the key id is not an uncompressed P-256 point");
  if (ciphertext.byteLength > recordSize) throw new Error("more than one record");
  const senderKey = await crypto.subtle.importKey("raw", senderPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  // workers-types names the ECDH parameter `$public`; the runtime reads `public` (Web Crypto).
  const ecdh = { name: "ECDH", public: senderKey } as unknown as SubtleCryptoDeriveKeyAlgorithm;
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, receiver.privateKey, 256));
  const keyInfo = concat(ascii("WebPush: info\0"), receiver.publicKey, senderPublic);
  const ikm = await hkdf(receiver.auth, ecdhSecret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, ascii("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, ascii("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error("no last-record delimiter");
  return new TextDecoder().decode(padded.slice(0, end));
}

/** Checks the VAPID `Authorization` (RFC 8292): `vapid t=<JWT>, k=<key>`, the key the application server published, the JWT signed by it for this origin. */
export async function verifyVapid(authorization: string | null, applicationServerKey: string, origin: string): Promise<{ sub: string }> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!match) throw new Error(`not a vapid authorization: ${authorization}`);
  const [, token, k] = match;
  if (k !== applicationServerKey) throw new Error("k is not the application server key");
  if (decodeProtectedHeader(token!).alg !== "ES256") throw new Error("the JWT is not ES256");
  const point = b64u.decode(k!);
  const key = await importJWK({ kty: "EC", crv: "P-256", x: b64u.encode(point.slice(1, 33)), y: b64u.encode(point.slice(33, 65)) }, "ES256");
  const { payload } = await jwtVerify(token!, key, { audience: origin });
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== "number" || payload.exp <= now || payload.exp > now + 24 * 3600) throw new Error("exp must be within 24 hours");
  if (typeof payload.sub !== "string" || !/^(mailto:|https:)/.test(payload.sub)) throw new Error("sub must be a mailto: or https: contact");
  return { sub: payload.sub };
}

export class LocalPushService {
  private readonly holders = new Map<string, Holder>();
  private readonly scripted = new Map<string, Scripted[]>();
  /** Every push that passed the checks, in arrival order (whatever status it was answered). */
  readonly received: ReceivedPush[] = [];
  /** Pushes refused because a check failed (must stay empty). */
  readonly rejected: string[] = [];
  private counter = 0;

  constructor(private readonly applicationServerKey: string) {}

  /** A browser's subscription: what `PushSubscription.toJSON()` gives. */
  async subscribe(): Promise<TestSubscription> {
    const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
    const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
    const auth = crypto.getRandomValues(new Uint8Array(16));
    const id = `sub-${Date.now().toString(36)}-${this.counter++}-${Math.random().toString(36).slice(2, 8)}`;
    this.holders.set(id, { privateKey: pair.privateKey, publicKey, auth, expired: false });
    return { id, endpoint: `${PUSH_SERVICE_ORIGIN}/push/${id}`, keys: { p256dh: b64u.encode(publicKey), auth: b64u.encode(auth) } };
  }

  /** The next `times` pushes to the subscription are answered `status` (429 and 503 may carry Retry-After). */
  answerNext(subscription: TestSubscription, status: number, times = 1, headers?: Record<string, string>): void {
    const list = this.scripted.get(subscription.id) ?? [];
    for (let i = 0; i < times; i++) list.push({ status, headers });
    this.scripted.set(subscription.id, list);
  }

  /** The subscription was dropped (the user revoked permission): 410 from now on. */
  expire(subscription: TestSubscription): void {
    this.holders.get(subscription.id)!.expired = true;
  }

  /** Pushes delivered (answered 201) to a subscription. */
  deliveredTo(subscription: TestSubscription): ReceivedPush[] {
    return this.received.filter((push) => push.subscriptionId === subscription.id && push.status === 201);
  }

  /** Every push that reached a subscription, whatever it was answered. */
  attemptsTo(subscription: TestSubscription): ReceivedPush[] {
    return this.received.filter((push) => push.subscriptionId === subscription.id);
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const id = /^\/push\/([^/]+)$/.exec(url.pathname)?.[1];
    const holder = id ? this.holders.get(id) : undefined;
    if (request.method !== "POST" || !id || !holder) return new Response(null, { status: 404 });
    if (holder.expired) return new Response(null, { status: 410 });
    try {
      if (request.headers.get("content-encoding") !== "aes128gcm") throw new Error("content-encoding must be aes128gcm");
      const ttl = Number(request.headers.get("ttl"));
      if (!Number.isInteger(ttl) || ttl < 0) throw new Error("TTL header missing");
      const topic = request.headers.get("topic");
      if (topic !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw new Error("Topic must be at most 32 base64url characters");
      await verifyVapid(request.headers.get("authorization"), this.applicationServerKey, url.origin);
      const body = new Uint8Array(await request.arrayBuffer());
      if (body.byteLength > 4096) throw new Error("body over 4096 bytes");
      const payload = JSON.parse(await decryptAes128gcm(body, holder));
      const scripted = this.scripted.get(id)?.shift();
      const status = scripted?.status ?? 201;
      this.received.push({ subscriptionId: id, status, ttl, urgency: request.headers.get("urgency"), topic, payload, receivedAt: Date.now() });
      return new Response(null, { status, headers: scripted?.headers });
    } catch (error) {
      this.rejected.push(String(error));
      return new Response(String(error), { status: 400 });
    }
  };
}

/**
 * Routes the Worker's requests to https://push.test to a new local push service (anything else
 * goes out as before, so several fakes can be installed). Restore with `vi.restoreAllMocks()`.
 */
export function installPushService(applicationServerKey: string): LocalPushService {
  const service = new LocalPushService(applicationServerKey);
  const previous = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(PUSH_SERVICE_ORIGIN) ? service.fetch(input, init) : previous(input, init);
  });
  return service;
}
