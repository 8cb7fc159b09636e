import { decodeMlsMessage, type KeyPackage } from "ts-mls";
import { makeKeyPackageRef, verifyKeyPackage } from "ts-mls/keyPackage.js";
import { verifyLeafNodeSignatureKeyPackage } from "ts-mls/leafNode.js";
import { bytesToHex } from "../ids";
import { ApiError, badRequest } from "../http/errors";
import { MLS_CIPHER_SUITE, mlsSuite } from "./suite";

/** The credential identity of a device's leaves and key packages: `<userId>:<deviceId>`, UTF-8. */
export function deviceIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** What the server keeps of a key package it accepted. */
export interface AcceptedKeyPackage {
  /** KeyPackageRef (RFC 9420 §5.2), hex. */
  ref: string;
  notAfter: Date;
}

/**
 * Decodes one uploaded key package (an MLSMessage of wire format mls_key_package) and refuses it
 * unless it is the platform's suite, its KeyPackage and leaf signatures verify, its credential
 * is this user's device and its signature key the device's, its lifetime holds now and is not
 * longer than `maxLifetimeSeconds`, and its init key differs from its encryption key (§10.1).
 */
export async function checkKeyPackage(
  bytes: Uint8Array,
  device: { userId: string; id: string; signatureKey: Uint8Array },
  now: number,
  maxLifetimeSeconds: number,
): Promise<AcceptedKeyPackage> {
  const keyPackage = decodeKeyPackage(bytes);
  if (keyPackage.version !== "mls10") throw badRequest("mls_key_package_invalid", "The key package is not MLS 1.0");
  if (keyPackage.cipherSuite !== MLS_CIPHER_SUITE)
    throw badRequest("mls_key_package_suite", `The key package is of ${keyPackage.cipherSuite}, not ${MLS_CIPHER_SUITE}`);
  const cs = await mlsSuite();
  const leaf = keyPackage.leafNode;
  if (leaf.leafNodeSource !== "key_package") throw badRequest("mls_key_package_invalid", "The key package's leaf node is not of source key_package");
  if (!(await verifyKeyPackage(keyPackage, cs.signature)) || !(await verifyLeafNodeSignatureKeyPackage(leaf, cs.signature)))
    throw badRequest("mls_key_package_invalid", "The key package's signature does not verify");
  if (bytesToHex(keyPackage.initKey) === bytesToHex(leaf.hpkePublicKey))
    throw badRequest("mls_key_package_invalid", "The key package's init key is its encryption key");
  const identity = leaf.credential.credentialType === "basic" ? new TextDecoder().decode(leaf.credential.identity) : undefined;
  if (identity !== deviceIdentity(device.userId, device.id) || bytesToHex(leaf.signaturePublicKey) !== bytesToHex(device.signatureKey))
    throw new ApiError(403, "mls_key_package_foreign", "The key package's credential or signature key is not this device's");
  const { notBefore, notAfter } = leaf.lifetime;
  const nowSeconds = BigInt(Math.floor(now / 1000));
  // A minute of clock skew either way, as for tokens.
  if (notBefore > nowSeconds + 60n || notAfter < nowSeconds + 60n || notAfter - notBefore > BigInt(maxLifetimeSeconds))
    throw badRequest("mls_key_package_lifetime", "The key package's lifetime does not hold now or is too long");
  return { ref: bytesToHex(await makeKeyPackageRef(keyPackage, cs.hash)), notAfter: new Date(Number(notAfter) * 1000) };
}

function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  let decoded: ReturnType<typeof decodeMlsMessage>;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  const message = decoded?.[1] === bytes.length ? decoded[0] : undefined;
  if (message?.wireformat !== "mls_key_package") throw badRequest("mls_key_package_invalid", "Not an MLSMessage holding one KeyPackage");
  return message.keyPackage;
}
