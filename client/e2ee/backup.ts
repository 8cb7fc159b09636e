import { fromBase64url, ownBytes, toBase64url, utf8 } from "./bytes";

/**
 * A recovery key: 32 random bytes the user writes down (shown in groups of 4 base64url
 * characters). It never leaves the device; the server stores only what it encrypts.
 */
export function newRecoveryKey(): string {
  return (toBase64url(crypto.getRandomValues(new Uint8Array(32))).match(/.{1,4}/g) as string[]).join(" ");
}

async function backupKey(recoveryKey: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const raw = fromBase64url(recoveryKey.replace(/\s+/g, ""));
  if (raw.length !== 32) throw new Error("A recovery key is 32 bytes");
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: ownBytes(utf8.encode("Edge Platform key backup v1")) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

/** Encrypts a backup (its content is the caller's: history, keys) for `PUT /v1/e2ee/key-backup`: version byte, IV, AES-GCM ciphertext, base64url. */
export async function encryptBackup(recoveryKey: string, content: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: Uint8Array.of(1) }, await backupKey(recoveryKey, "encrypt"), ownBytes(content)),
  );
  return toBase64url(Uint8Array.from([1, ...iv, ...sealed]));
}

/** Opens a backup fetched from `GET /v1/e2ee/key-backup`; throws on a wrong recovery key or a changed blob. */
export async function decryptBackup(recoveryKey: string, blob: string): Promise<Uint8Array> {
  const bytes = fromBase64url(blob);
  if (bytes[0] !== 1) throw new Error("Unknown key backup version");
  const iv = bytes.slice(1, 13);
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: Uint8Array.of(1) }, await backupKey(recoveryKey, "decrypt"), bytes.slice(13)),
  );
}
