// Test vectors of RFC 9605 (SFrame), Appendix C, copied from the RFC's text (the AUTH48 text of
// draft-ietf-sframe-enc as published as RFC 9605, sframe-wg/sframe `auth48-v4/draft-ietf-sframe-enc.txt`).
// Values are hex as printed there, line breaks removed.

/**
 * Appendix C.1, "Header Encoding/Decoding": a selection of its 289 cases (every KID from 0 to
 * 2^64-1 crossed with every CTR) that covers each length of KID and CTR, inline and extended,
 * and the longest header (17 bytes).
 */
export const HEADER_VECTORS: { kid: string; ctr: string; header: string }[] = [
  { kid: "0x0000000000000000", ctr: "0x0000000000000000", header: "00" },
  { kid: "0x0000000000000000", ctr: "0x0000000000000001", header: "01" },
  { kid: "0x0000000000000000", ctr: "0x00000000000000ff", header: "08ff" },
  { kid: "0x0000000000000000", ctr: "0x0000000000000100", header: "090100" },
  { kid: "0x0000000000000000", ctr: "0x0000000000ffffff", header: "0affffff" },
  { kid: "0x0000000000000000", ctr: "0x0000000001000000", header: "0b01000000" },
  { kid: "0x0000000000000000", ctr: "0x0000000100000000", header: "0c0100000000" },
  { kid: "0x0000000000000000", ctr: "0x0000ffffffffffff", header: "0dffffffffffff" },
  { kid: "0x0000000000000000", ctr: "0x0001000000000000", header: "0e01000000000000" },
  { kid: "0x0000000000000000", ctr: "0xffffffffffffffff", header: "0fffffffffffffffff" },
  { kid: "0x0000000000000001", ctr: "0x0000000000000000", header: "10" },
  { kid: "0x0000000000000001", ctr: "0x0000000000000001", header: "11" },
  { kid: "0x0000000000000001", ctr: "0x000000000000ffff", header: "19ffff" },
  { kid: "0x0000000000000001", ctr: "0x0100000000000000", header: "1f0100000000000000" },
  { kid: "0x00000000000000ff", ctr: "0x0000000000000000", header: "80ff" },
  { kid: "0x00000000000000ff", ctr: "0x00000000000000ff", header: "88ffff" },
  { kid: "0x00000000000000ff", ctr: "0x0000000000010000", header: "8aff010000" },
  { kid: "0x00000000000000ff", ctr: "0xffffffffffffffff", header: "8fffffffffffffffffff" },
  { kid: "0x0000000000000100", ctr: "0x0000000000000001", header: "910100" },
  { kid: "0x0000000000000100", ctr: "0x0000000000000100", header: "9901000100" },
  { kid: "0x000000000000ffff", ctr: "0x0000ffffffffffff", header: "9dffffffffffffffff" },
  { kid: "0x0000000000010000", ctr: "0x0000000000000000", header: "a0010000" },
  { kid: "0x0000000000010000", ctr: "0x00000000000000ff", header: "a8010000ff" },
  { kid: "0x0000000000ffffff", ctr: "0x0001000000000000", header: "aeffffff01000000000000" },
  { kid: "0x0000000001000000", ctr: "0x0000000000000001", header: "b101000000" },
  { kid: "0x00000000ffffffff", ctr: "0x0100000000000000", header: "bfffffffff0100000000000000" },
  { kid: "0x0000000100000000", ctr: "0x00000000000000ff", header: "c80100000000ff" },
  { kid: "0x000000ffffffffff", ctr: "0x0000000000010000", header: "caffffffffff010000" },
  { kid: "0x0000010000000000", ctr: "0x0000000000000000", header: "d0010000000000" },
  { kid: "0x0000ffffffffffff", ctr: "0x00000000ffffffff", header: "dbffffffffffffffffffff" },
  { kid: "0x0001000000000000", ctr: "0x0000000000000001", header: "e101000000000000" },
  { kid: "0x00ffffffffffffff", ctr: "0x0000010000000000", header: "edffffffffffffff010000000000" },
  { kid: "0x0100000000000000", ctr: "0x0000000000000000", header: "f00100000000000000" },
  { kid: "0x0100000000000000", ctr: "0x0100000000000000", header: "ff01000000000000000100000000000000" },
  { kid: "0xffffffffffffffff", ctr: "0x0000000000000100", header: "f9ffffffffffffffff0100" },
  { kid: "0xffffffffffffffff", ctr: "0xffffffffffffffff", header: "ffffffffffffffffffffffffffffffffff" },
];

/** Appendix C.2, "AEAD Encryption/Decryption Using AES-CTR and HMAC", suite 0x0001 (AES_128_CTR_HMAC_SHA256_80). */
export const AES_CTR_HMAC_VECTOR = {
  cipherSuite: 0x0001,
  key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
  encKey: "000102030405060708090a0b0c0d0e0f",
  authKey: "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
  nonce: "101112131415161718191a1b",
  aad: "4945544620534672616d65205747",
  pt: "64726166742d696574662d736672616d652d656e63",
  ct: "6339af04ada1d064688a442b8dc69d5b6bfa40f4bef0583e8081069cc60705",
};

/** Appendix C.3, "SFrame Encryption/Decryption", for suites 0x0001 and 0x0004. */
export const SFRAME_VECTORS = [
  {
    cipherSuite: 0x0001,
    kid: "0x0000000000000123",
    ctr: "0x0000000000004567",
    baseKey: "000102030405060708090a0b0c0d0e0f",
    sframeKeyLabel: "534672616d6520312e3020536563726574206b65792000000000000001230001",
    sframeSaltLabel: "534672616d6520312e30205365637265742073616c742000000000000001230001",
    sframeSecret: "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
    sframeKey: "3f7d9a7c83ae8e1c8a11ae695ab59314b367e359fadac7b9c46b2bc6f81f46e16b96f0811868d59402b7e870102720b3",
    sframeSalt: "50b29329a04dc0f184ac3168",
    metadata: "4945544620534672616d65205747",
    nonce: "50b29329a04dc0f184ac740f",
    aad: "99012345674945544620534672616d65205747",
    pt: "64726166742d696574662d736672616d652d656e63",
    ct: "9901234567449408b6f490086165b9d6f62b24ae1a59a56486b4ae8ed036b88912e24f11",
  },
  {
    cipherSuite: 0x0004,
    kid: "0x0000000000000123",
    ctr: "0x0000000000004567",
    baseKey: "000102030405060708090a0b0c0d0e0f",
    sframeKeyLabel: "534672616d6520312e3020536563726574206b65792000000000000001230004",
    sframeSaltLabel: "534672616d6520312e30205365637265742073616c742000000000000001230004",
    sframeSecret: "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
    sframeKey: "d34f547f4ca4f9a7447006fe7fcbf768",
    sframeSalt: "75234edefe07819026751816",
    metadata: "4945544620534672616d65205747",
    nonce: "75234edefe07819026755d71",
    aad: "99012345674945544620534672616d65205747",
    pt: "64726166742d696574662d736672616d652d656e63",
    ct: "9901234567b7412c2513a1b66dbb48841bbaf17f598751176ad847681a69c6d0b091c07018ce4adb34eb",
  },
];
