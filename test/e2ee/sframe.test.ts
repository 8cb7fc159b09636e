// SFrame (client/e2ee/sframe.ts) against the RFC 9605 Appendix C vectors, in workerd's Web Crypto
// (the same `crypto.subtle` surface browsers give the call's transform worker).
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../client/e2ee/bytes";
import {
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  decodeHeader,
  derivationLabel,
  deriveKeySalt,
  encodeHeader,
  importAead,
  SFrameContext,
  SFrameKey,
} from "../../client/e2ee/sframe";
import { AES_CTR_HMAC_VECTOR, HEADER_VECTORS, SFRAME_VECTORS } from "./sframe-vectors";

const suiteOf = (id: number) => (id === 0x0004 ? AES_128_GCM_SHA256_128 : AES_128_CTR_HMAC_SHA256_80);

describe("SFrame header (RFC 9605 §4.3, vectors C.1)", () => {
  it.each(HEADER_VECTORS)("KID $kid, CTR $ctr encodes as $header and decodes back", ({ kid, ctr, header }) => {
    expect(toHex(encodeHeader(BigInt(kid), BigInt(ctr)))).toBe(header);
    const decoded = decodeHeader(fromHex(`${header}a1b2`));
    expect(decoded).toEqual({ kid: BigInt(kid), ctr: BigInt(ctr), length: header.length / 2 });
  });

  it("a frame cut inside its header is refused, and values beyond 64 bits are not encoded", () => {
    expect(() => decodeHeader(fromHex("ffffffff"))).toThrow(/shorter than its header/);
    expect(() => decodeHeader(new Uint8Array(0))).toThrow(/empty/);
    expect(() => encodeHeader(1n << 64n, 0n)).toThrow(RangeError);
  });
});

describe("SFrame AES-CTR with HMAC (RFC 9605 §4.5.1, vector C.2)", () => {
  it("AEAD.Encrypt gives the vector's ciphertext and AEAD.Decrypt the plaintext; a flipped tag bit fails", async () => {
    const v = AES_CTR_HMAC_VECTOR;
    const aead = await importAead(AES_128_CTR_HMAC_SHA256_80, fromHex(v.key));
    const nonce = fromHex(v.nonce);
    const aad = fromHex(v.aad);
    expect(toHex(await aead.seal(nonce, aad, fromHex(v.pt)))).toBe(v.ct);
    expect(toHex(await aead.open(nonce, aad, fromHex(v.ct)))).toBe(v.pt);
    const tampered = fromHex(v.ct);
    tampered.set([(tampered.at(-1) as number) ^ 1], tampered.length - 1);
    await expect(aead.open(nonce, aad, tampered)).rejects.toThrow(/does not authenticate/);
  });
});

describe.each(SFRAME_VECTORS)("SFrame encryption, suite $cipherSuite (RFC 9605 §4.4, vector C.3)", (v) => {
  const suite = suiteOf(v.cipherSuite);
  const kid = BigInt(v.kid);
  const ctr = BigInt(v.ctr);

  it("derive_key_salt gives the vector's labels, secret, key and salt", async () => {
    expect(toHex(derivationLabel("SFrame 1.0 Secret key ", kid, suite))).toBe(v.sframeKeyLabel);
    expect(toHex(derivationLabel("SFrame 1.0 Secret salt ", kid, suite))).toBe(v.sframeSaltLabel);
    const derived = await deriveKeySalt(suite, kid, fromHex(v.baseKey));
    expect(toHex(derived.secret)).toBe(v.sframeSecret);
    expect(toHex(derived.key)).toBe(v.sframeKey);
    expect(toHex(derived.salt)).toBe(v.sframeSalt);
  });

  it("encrypt(ctr, kid, metadata, pt) is the vector's ct and decrypt(metadata, ct) its pt", async () => {
    const context = new SFrameContext(suite);
    await context.addKey(kid, fromHex(v.baseKey));
    expect(toHex((await SFrameKey.derive(suite, kid, fromHex(v.baseKey))).nonce(ctr))).toBe(v.nonce);
    expect(toHex(await context.encrypt(ctr, kid, fromHex(v.metadata), fromHex(v.pt)))).toBe(v.ct);
    expect(toHex(await context.decrypt(fromHex(v.metadata), fromHex(v.ct)))).toBe(v.pt);
  });

  it("a changed header, metadata or ciphertext byte does not decrypt, nor does an unknown KID", async () => {
    const context = new SFrameContext(suite);
    await context.addKey(kid, fromHex(v.baseKey));
    const metadata = fromHex(v.metadata);
    const flipped = (hex: string, at: number) => {
      const bytes = fromHex(hex);
      bytes.set([(bytes[at] as number) ^ 0x01], at);
      return bytes;
    };
    await expect(context.decrypt(metadata, flipped(v.ct, 4))).rejects.toThrow(/does not authenticate/);
    await expect(context.decrypt(metadata, flipped(v.ct, 10))).rejects.toThrow(/does not authenticate/);
    await expect(context.decrypt(flipped(v.metadata, 0), fromHex(v.ct))).rejects.toThrow(/does not authenticate/);
    await expect(context.decrypt(metadata, flipped(v.ct, 2))).rejects.toThrow(/no key for this KID/);
  });
});
