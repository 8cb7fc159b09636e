import { fromBase64url, ownBytes, utf8 } from "./bytes";

/**
 * The safety number two people compare to know that the devices their apps encrypt to are each
 * other's (docs/e2ee.md, "Verification"), made as Signal makes its safety number (the numeric
 * fingerprint of libsignal, version 0), with a user's identity being all of their devices:
 *
 * - Each person's half: `hash = SHA-512(0x0000 || userId || devices)`, then 5,200 times
 *   `hash = SHA-512(hash || devices)`, where `devices` is every live device sorted by id, each as
 *   `len(id) || id || signatureKey` (UTF-8, the 32-byte Ed25519 key). Its first 30 bytes, in six
 *   chunks of 5, each read big-endian modulo 100,000, give 30 digits.
 * - The safety number is both halves, the smaller one first: 60 digits, shown as 12 groups of 5.
 *   Both sides compute the same number; it changes when either person adds or ends a device.
 *
 * The iterations make a second set of keys with the same number costly to search for (as in
 * Signal). A person with no device yet has a half of their id alone: there is nothing to verify.
 */
export const SAFETY_NUMBER_VERSION = 0;
const ITERATIONS = 5200;

/** One person as the safety number sees them: their id and their devices' signature keys (base64url, as the server lists them). */
export interface SafetyIdentity {
  userId: string;
  devices: readonly { id: string; signatureKey: string }[];
}

/** The 60 digits both people see, the same on either side. */
export async function safetyNumber(a: SafetyIdentity, b: SafetyIdentity): Promise<string> {
  const [mine, theirs] = await Promise.all([safetyHalf(a), safetyHalf(b)]);
  return mine < theirs ? mine + theirs : theirs + mine;
}

/** The 60 digits as people read them: 12 groups of 5. */
export function safetyNumberGroups(digits: string): string[] {
  return digits.match(/\d{5}/g) ?? [];
}

/** What a QR code of the safety number holds: the app's prefix, the version and the 60 digits. */
export function safetyQrPayload(digits: string): string {
  return `edge-platform-safety:${SAFETY_NUMBER_VERSION}:${digits}`;
}

/** Whether a scanned QR payload is the same safety number (`undefined`: not a safety number code at all). */
export function matchesSafetyQr(scanned: string, digits: string): boolean | undefined {
  const parsed = /^edge-platform-safety:(\d+):(\d{60})$/.exec(scanned.trim());
  if (!parsed) return undefined;
  return Number(parsed[1]) === SAFETY_NUMBER_VERSION && parsed[2] === digits;
}

async function safetyHalf(identity: SafetyIdentity): Promise<string> {
  const devices = encodeDevices(identity.devices);
  const id = utf8.encode(identity.userId);
  let hash = await sha512(concat([Uint8Array.of(0, SAFETY_NUMBER_VERSION), Uint8Array.of(id.length), id, devices]));
  for (let i = 0; i < ITERATIONS; i++) hash = await sha512(concat([hash, devices]));
  let digits = "";
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (hash[chunk * 5 + i] as number);
    digits += String(value % 100_000).padStart(5, "0");
  }
  return digits;
}

function encodeDevices(devices: SafetyIdentity["devices"]): Uint8Array {
  const sorted = [...devices].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const parts: Uint8Array[] = [];
  for (const device of sorted) {
    const id = utf8.encode(device.id);
    parts.push(Uint8Array.of(id.length), id, fromBase64url(device.signatureKey));
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sha512(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-512", ownBytes(bytes)));
}
