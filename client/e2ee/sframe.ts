// SFrame (RFC 9605) on Web Crypto: the header codec (§4.3), key derivation (§4.4.2), encryption
// and decryption (§4.4.3, §4.4.4) for the two cipher suites the platform can use:
// AES_128_GCM_SHA256_128 (0x0004, the one calls use) and AES_128_CTR_HMAC_SHA256_80 (0x0001,
// §4.5.1: AES-CTR plus a truncated HMAC, for 80-bit tags on audio). Runs in browsers, workers
// (the encoded-transform worker of a call), Node and workerd: nothing but `crypto.subtle`.
import { ownBytes, utf8 } from "./bytes";

export interface SFrameCipherSuite {
  id: number;
  name: string;
  /** Key, nonce and tag sizes in bytes (RFC 9605 §4.5, the suite's Nk, Nn, Nt). */
  nk: number;
  nn: number;
  nt: number;
  /** AES-CTR with HMAC: the encryption key's share of `nk`; the rest is the HMAC key. */
  nka?: number;
}

export const AES_128_CTR_HMAC_SHA256_80: SFrameCipherSuite = { id: 0x0001, name: "AES_128_CTR_HMAC_SHA256_80", nk: 48, nn: 12, nt: 10, nka: 16 };
export const AES_128_GCM_SHA256_128: SFrameCipherSuite = { id: 0x0004, name: "AES_128_GCM_SHA256_128", nk: 16, nn: 12, nt: 16 };

export const SFRAME_CIPHER_SUITES = [AES_128_CTR_HMAC_SHA256_80, AES_128_GCM_SHA256_128] as const;

const MAX_U64 = (1n << 64n) - 1n;

/** A value of 1 to 8 bytes, big-endian, in as few bytes as it fits (§4.3: "the minimum number of bytes"). */
function minimalBytes(value: bigint): Uint8Array {
  let length = 1;
  while (length < 8 && value >> BigInt(8 * length) !== 0n) length++;
  return bigEndian(value, length);
}

function bigEndian(value: bigint, length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = length - 1, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function readBigEndian(bytes: Uint8Array, offset: number, length: number): bigint {
  let value = 0n;
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(bytes[offset + i] as number);
  return value;
}

/**
 * The SFrame header (§4.3): one config byte `X|K(3)|Y|C(3)`, then the KID and CTR. A value below 8
 * sits in its 3 bits (X or Y clear); a larger one follows in 1 to 8 bytes, whose count minus one
 * the 3 bits hold (X or Y set). KID comes before CTR.
 */
export function encodeHeader(kid: bigint, ctr: bigint): Uint8Array<ArrayBuffer> {
  if (kid < 0n || kid > MAX_U64 || ctr < 0n || ctr > MAX_U64) throw new RangeError("SFrame KID and CTR are 64-bit unsigned values");
  const kidBytes = kid < 8n ? undefined : minimalBytes(kid);
  const ctrBytes = ctr < 8n ? undefined : minimalBytes(ctr);
  const config = (kidBytes ? 0x80 | ((kidBytes.length - 1) << 4) : Number(kid) << 4) | (ctrBytes ? 0x08 | (ctrBytes.length - 1) : Number(ctr));
  const header = new Uint8Array(1 + (kidBytes?.length ?? 0) + (ctrBytes?.length ?? 0));
  header[0] = config;
  if (kidBytes) header.set(kidBytes, 1);
  if (ctrBytes) header.set(ctrBytes, 1 + (kidBytes?.length ?? 0));
  return header;
}

export interface SFrameHeader {
  kid: bigint;
  ctr: bigint;
  /** The header's length in bytes: the ciphertext starts there. */
  length: number;
}

/** Reads the header at the start of `frame`; throws when the frame is shorter than its header says. */
export function decodeHeader(frame: Uint8Array): SFrameHeader {
  const config = frame[0];
  if (config === undefined) throw new SFrameError("empty frame");
  let offset = 1;
  const field = (extended: boolean, bits: number): bigint => {
    if (!extended) return BigInt(bits);
    const length = bits + 1;
    if (frame.length < offset + length) throw new SFrameError("frame shorter than its header");
    const value = readBigEndian(frame, offset, length);
    offset += length;
    return value;
  };
  const kid = field((config & 0x80) !== 0, (config >> 4) & 0x07);
  const ctr = field((config & 0x08) !== 0, config & 0x07);
  return { kid, ctr, length: offset };
}

export class SFrameError extends Error {
  override name = "SFrameError";
}

const subtle = () => crypto.subtle;

async function hkdfExpand(secret: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  // HKDF-Expand alone (RFC 5869 §2.3) over HMAC-SHA256: Web Crypto's HKDF always extracts first.
  const key = await subtle().importKey("raw", ownBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let block = 1, filled = 0; filled < length; block++) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous);
    input.set(info, previous.length);
    input[input.length - 1] = block;
    previous = new Uint8Array(await subtle().sign("HMAC", key, input));
    out.set(previous.subarray(0, length - filled), filled);
    filled += previous.length;
  }
  return out;
}

async function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  // An empty salt is HashLen zeros (RFC 5869 §2.2); HMAC pads a short key with zeros, so the same.
  const key = await subtle().importKey("raw", salt.length > 0 ? ownBytes(salt) : new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle().sign("HMAC", key, ownBytes(ikm)));
}

/** `label || KID (8 bytes) || cipher suite (2 bytes)`, big-endian (§4.4.2). */
export function derivationLabel(label: "SFrame 1.0 Secret key " | "SFrame 1.0 Secret salt ", kid: bigint, suite: SFrameCipherSuite): Uint8Array {
  const prefix = utf8.encode(label);
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix);
  out.set(bigEndian(kid, 8), prefix.length);
  out.set(bigEndian(BigInt(suite.id), 2), prefix.length + 8);
  return out;
}

export interface SFrameKeyMaterial {
  secret: Uint8Array;
  key: Uint8Array;
  salt: Uint8Array;
}

/** derive_key_salt (§4.4.2): the sframe_key and sframe_salt of `kid` under `baseKey`. */
export async function deriveKeySalt(suite: SFrameCipherSuite, kid: bigint, baseKey: Uint8Array): Promise<SFrameKeyMaterial> {
  const secret = await hkdfExtract(new Uint8Array(0), baseKey);
  const [key, salt] = await Promise.all([
    hkdfExpand(secret, derivationLabel("SFrame 1.0 Secret key ", kid, suite), suite.nk),
    hkdfExpand(secret, derivationLabel("SFrame 1.0 Secret salt ", kid, suite), suite.nn),
  ]);
  return { secret, key, salt };
}

/** One KID's key, ready to seal and open frames: the suite's AEAD with non-extractable Web Crypto keys. */
export class SFrameKey {
  private constructor(
    readonly suite: SFrameCipherSuite,
    readonly kid: bigint,
    private readonly salt: Uint8Array,
    private readonly aead: Aead,
  ) {}

  static async derive(suite: SFrameCipherSuite, kid: bigint, baseKey: Uint8Array): Promise<SFrameKey> {
    const { key, salt } = await deriveKeySalt(suite, kid, baseKey);
    return new SFrameKey(suite, kid, salt, await importAead(suite, key));
  }

  /** nonce = sframe_salt XOR CTR (big-endian, Nn bytes) (§4.4.3). */
  nonce(ctr: bigint): Uint8Array<ArrayBuffer> {
    const counter = bigEndian(ctr, this.suite.nn);
    const nonce = new Uint8Array(this.suite.nn);
    for (let i = 0; i < nonce.length; i++) nonce[i] = (this.salt[i] as number) ^ (counter[i] as number);
    return nonce;
  }

  /** header || AEAD.Encrypt(key, nonce, header || metadata, plaintext) (§4.4.3). */
  async encrypt(ctr: bigint, metadata: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const header = encodeHeader(this.kid, ctr);
    const sealed = await this.aead.seal(this.nonce(ctr), concat(header, metadata), plaintext);
    return concat(header, sealed);
  }

  /** Opens a frame whose header names this key's KID; throws SFrameError when it does not authenticate. */
  async decrypt(metadata: Uint8Array, frame: Uint8Array, header: SFrameHeader = decodeHeader(frame)): Promise<Uint8Array<ArrayBuffer>> {
    if (header.kid !== this.kid) throw new SFrameError("frame is for another KID");
    const ciphertext = frame.subarray(header.length);
    if (ciphertext.length < this.suite.nt) throw new SFrameError("frame shorter than its tag");
    return this.aead.open(this.nonce(header.ctr), concat(frame.subarray(0, header.length), metadata), ciphertext);
  }
}

/**
 * The SFrame context of §4.4.1: the keys this endpoint holds by KID. encrypt takes the KID and
 * CTR the sender chooses; decrypt finds the key by the frame's KID.
 */
export class SFrameContext {
  readonly #keys = new Map<bigint, SFrameKey>();

  constructor(readonly suite: SFrameCipherSuite = AES_128_GCM_SHA256_128) {}

  async addKey(kid: bigint, baseKey: Uint8Array): Promise<void> {
    this.#keys.set(kid, await SFrameKey.derive(this.suite, kid, baseKey));
  }

  removeKey(kid: bigint): void {
    this.#keys.delete(kid);
  }

  hasKey(kid: bigint): boolean {
    return this.#keys.has(kid);
  }

  async encrypt(ctr: bigint, kid: bigint, metadata: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const key = this.#keys.get(kid);
    if (!key) throw new SFrameError("no key for this KID");
    return key.encrypt(ctr, metadata, plaintext);
  }

  async decrypt(metadata: Uint8Array, frame: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const header = decodeHeader(frame);
    const key = this.#keys.get(header.kid);
    if (!key) throw new SFrameError("no key for this KID");
    return key.decrypt(metadata, frame, header);
  }
}

interface Aead {
  seal(nonce: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  open(nonce: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

/** The suite's AEAD.Encrypt and AEAD.Decrypt (§4.5) over `key` (sframe_key, Nk bytes). */
export async function importAead(suite: SFrameCipherSuite, key: Uint8Array): Promise<Aead> {
  if (suite.nka === undefined) {
    const gcm = await subtle().importKey("raw", ownBytes(key), "AES-GCM", false, ["encrypt", "decrypt"]);
    const params = (iv: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>) => ({ name: "AES-GCM", iv, additionalData, tagLength: suite.nt * 8 });
    return {
      seal: async (nonce, aad, plaintext) => new Uint8Array(await subtle().encrypt(params(nonce, aad), gcm, ownBytes(plaintext))),
      open: async (nonce, aad, ciphertext) => {
        try {
          return new Uint8Array(await subtle().decrypt(params(nonce, aad), gcm, ownBytes(ciphertext)));
        } catch {
          throw new SFrameError("frame does not authenticate");
        }
      },
    };
  }
  // §4.5.1: enc_key is the first Nka bytes, auth_key the rest; CTR runs from nonce || 0x00000000.
  const aes = await subtle().importKey("raw", ownBytes(key.subarray(0, suite.nka)), "AES-CTR", false, ["encrypt", "decrypt"]);
  const hmac = await subtle().importKey("raw", ownBytes(key.subarray(suite.nka)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const counterBlock = (nonce: Uint8Array) => ({ name: "AES-CTR", counter: concat(nonce, new Uint8Array(4)), length: 32 });
  const tag = async (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) => {
    const lengths = concat(bigEndian(BigInt(aad.length), 8), bigEndian(BigInt(ciphertext.length), 8), bigEndian(BigInt(suite.nt), 8));
    const mac = new Uint8Array(await subtle().sign("HMAC", hmac, concat(lengths, nonce, aad, ciphertext)));
    return mac.subarray(0, suite.nt);
  };
  return {
    seal: async (nonce, aad, plaintext) => {
      const ciphertext = new Uint8Array(await subtle().encrypt(counterBlock(nonce), aes, ownBytes(plaintext)));
      return concat(ciphertext, await tag(nonce, aad, ciphertext));
    },
    open: async (nonce, aad, sealed) => {
      const ciphertext = sealed.subarray(0, sealed.length - suite.nt);
      const expected = await tag(nonce, aad, ciphertext);
      const received = sealed.subarray(sealed.length - suite.nt);
      let difference = 0;
      for (let i = 0; i < suite.nt; i++) difference |= (expected[i] as number) ^ (received[i] as number);
      if (difference !== 0) throw new SFrameError("frame does not authenticate");
      return new Uint8Array(await subtle().decrypt(counterBlock(nonce), aes, ownBytes(ciphertext)));
    },
  };
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
