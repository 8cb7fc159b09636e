import { base64url } from "../../shared/ids";

// A software WebAuthn authenticator for tests: an ES256 key from WebCrypto, "none" attestation,
// and assertions signed the way a real authenticator signs them (W3C WebAuthn sections 6.1, 6.5,
// 8.7), so the server's verification runs on real bytes, not mocks.

/** Where the tests' ceremonies run: the origin and relying-party id of APP_BASE_URL in vitest.config.ts. */
export const TEST_ORIGIN = "http://platform.test";
export const TEST_RP_ID = "platform.test";

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/** The CBOR (RFC 8949) subset attestation objects and COSE keys need: unsigned/negative ints, bytes, text, maps. */
function cbor(value: unknown): Uint8Array {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  };
  if (typeof value === "number") return Uint8Array.from(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (value instanceof Uint8Array) return concat(Uint8Array.from(head(2, value.length)), value);
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return concat(Uint8Array.from(head(3, bytes.length)), bytes);
  }
  if (value instanceof Map) {
    const parts: Uint8Array[] = [Uint8Array.from(head(5, value.size))];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return concat(...parts);
  }
  throw new Error(`cbor: unsupported value ${String(value)}`);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
}

/** WebCrypto signs ECDSA as r||s; WebAuthn carries the ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let trimmed: Uint8Array = bytes.slice(i);
    if (trimmed[0]! & 0x80) trimmed = concat(Uint8Array.of(0), trimmed);
    return concat(Uint8Array.of(0x02, trimmed.length), trimmed);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

const encodeJson = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export interface ClientDataOverrides {
  origin?: string;
  type?: string;
  challenge?: string;
}

export interface AssertionOptions extends ClientDataOverrides {
  /** The signature counter to report; by default one more than the last assertion. */
  counter?: number;
  userVerified?: boolean;
  rpId?: string;
}

/** One credential on a software authenticator. */
export class SoftAuthenticator {
  readonly credentialId: Uint8Array;
  private counter = 0;
  private constructor(
    private readonly keys: CryptoKeyPair,
    private readonly userHandle: string,
  ) {
    this.credentialId = crypto.getRandomValues(new Uint8Array(32));
  }

  static async create(userHandle = ""): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return new SoftAuthenticator(keys, userHandle);
  }

  get id(): string {
    return base64url(this.credentialId);
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    const fromB64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    // kty EC2 (1: 2), alg ES256 (3: -7), crv P-256 (-1: 1), x (-2), y (-3): RFC 9053.
    return cbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, fromB64(jwk.x!)],
        [-3, fromB64(jwk.y!)],
      ]),
    );
  }

  private async authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Promise<Uint8Array> {
    const count = Uint8Array.of((counter >>> 24) & 0xff, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff);
    return concat(await sha256(new TextEncoder().encode(rpId)), Uint8Array.of(flags), count, attested ?? new Uint8Array());
  }

  /** What navigator.credentials.create() answers to `options`, as @simplewebauthn/browser sends it. */
  async register(options: { challenge: string; rp?: { id?: string } }, overrides: ClientDataOverrides & { userVerified?: boolean } = {}) {
    const rpId = options.rp?.id ?? TEST_RP_ID;
    const clientDataJSON = encodeJson({
      type: overrides.type ?? "webauthn.create",
      challenge: overrides.challenge ?? options.challenge,
      origin: overrides.origin ?? TEST_ORIGIN,
      crossOrigin: false,
    });
    const idLength = Uint8Array.of(this.credentialId.length >> 8, this.credentialId.length & 0xff);
    const attested = concat(new Uint8Array(16), idLength, this.credentialId, await this.coseKey());
    const flags = FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV) | FLAG_AT;
    const authData = await this.authData(rpId, flags, this.counter, attested);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
      response: { clientDataJSON: base64url(clientDataJSON), attestationObject: base64url(attestationObject), transports: ["internal"] },
    };
  }

  /** What navigator.credentials.get() answers to `options`: a signed assertion. */
  async assert(options: { challenge: string; rpId?: string }, overrides: AssertionOptions = {}) {
    const counter = overrides.counter ?? this.counter + 1;
    this.counter = Math.max(this.counter, counter);
    const clientDataJSON = encodeJson({
      type: overrides.type ?? "webauthn.get",
      challenge: overrides.challenge ?? options.challenge,
      origin: overrides.origin ?? TEST_ORIGIN,
      crossOrigin: false,
    });
    const flags = FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV);
    const authData = await this.authData(overrides.rpId ?? options.rpId ?? TEST_RP_ID, flags, counter);
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed));
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(derSignature(raw)),
        ...(this.userHandle ? { userHandle: base64url(new TextEncoder().encode(this.userHandle)) } : {}),
      },
    };
  }
}
