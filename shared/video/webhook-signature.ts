import { bytesToHex } from "../ids";

/**
 * Stream signs each webhook delivery: `Webhook-Signature: time=<unix seconds>,sig1=<hex>` where
 * sig1 is HMAC-SHA256 of `<time>.<raw body>` with the webhook secret.
 */
export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

const encoder = new TextEncoder();

function fromHex(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export async function webhookSignature(secret: string, time: string, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${time}.${rawBody}`)));
  return bytesToHex(mac);
}

export async function verifyWebhookSignature(
  header: string | null | undefined,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "missing" };
  const parts = new Map<string, string>();
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at > 0) parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const time = parts.get("time");
  const given = fromHex(parts.get("sig1") ?? "");
  if (!time || !/^\d{1,12}$/.test(time) || !given) return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - Number(time)) > toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = fromHex(await webhookSignature(secret, time, rawBody))!;
  return crypto.subtle.timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "mismatch" };
}
