import { type CiphersuiteImpl, getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";

/** The platform's one MLS suite (docs/e2ee.md): X25519, AES-128-GCM, SHA-256, Ed25519. */
export const MLS_CIPHER_SUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519" as const;

let suite: Promise<CiphersuiteImpl> | undefined;

export function mlsSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHER_SUITE));
  return suite;
}
