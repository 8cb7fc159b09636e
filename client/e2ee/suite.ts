import { type CiphersuiteImpl, getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";

/**
 * The platform's one MLS cipher suite (docs/e2ee.md, "The library and the cipher suite"): the
 * suite RFC 9420 makes mandatory, needing no optional package of ts-mls. Defined here, in the
 * client library, which runs without the server's code; shared/e2ee/suite.ts re-exports it.
 */
export const MLS_CIPHER_SUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519" as const;
export const MLS_CIPHER_SUITE_ID = 1;

let suite: Promise<CiphersuiteImpl> | undefined;

/** The suite's implementation, built once per isolate. */
export function mlsSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHER_SUITE));
  return suite;
}
