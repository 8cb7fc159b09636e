import { fromBase64url, ownBytes, toBase64url, utf8 } from "./bytes";

/**
 * A recovery key: 32 random bytes the user writes down (shown in groups of 4 base64url
 * characters). It never leaves the device; the server stores only what it encrypts.
 */
export function newRecoveryKey(): string {
  return (toBase64url(crypto.getRandomValues(new Uint8Array(32))).match(/.{1,4}/g) as string[]).join(" ");
}

/** A recovery key as typed (spaces and line breaks anywhere): its 32 bytes, or undefined when it cannot be one. */
export function parseRecoveryKey(typed: string): Uint8Array<ArrayBuffer> | undefined {
  const compact = typed.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9_-]{43}$/.test(compact)) return undefined;
  const raw = fromBase64url(compact);
  return raw.length === 32 ? raw : undefined;
}

/**
 * The AES-256-GCM key of the backup, derived from the recovery key with HKDF-SHA-256. Not
 * extractable: a device that keeps it (to update the backup as its history grows) can use it, but
 * no script can read it out, and the recovery key itself need not be kept anywhere.
 */
export async function backupKeyFromRecoveryKey(recoveryKey: string): Promise<CryptoKey> {
  const raw = parseRecoveryKey(recoveryKey);
  if (!raw) throw new Error("A recovery key is 32 bytes");
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: ownBytes(utf8.encode("Edge Platform key backup v1")) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts backup content under the backup key: version byte, IV, AES-GCM ciphertext, base64url (for `PUT /v1/e2ee/key-backup`). */
export async function sealBackup(key: CryptoKey, content: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: Uint8Array.of(1) }, key, ownBytes(content)));
  return toBase64url(Uint8Array.from([1, ...iv, ...sealed]));
}

/** Opens a backup blob; throws (an `OperationError`) when the key is not the one it was sealed under, or the blob changed. */
export async function openBackup(key: CryptoKey, blob: string): Promise<Uint8Array> {
  const bytes = fromBase64url(blob);
  if (bytes[0] !== 1) throw new Error("Unknown key backup version");
  const iv = bytes.slice(1, 13);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: Uint8Array.of(1) }, key, bytes.slice(13)));
}

/** Encrypts a backup (its content is the caller's: history, keys) for `PUT /v1/e2ee/key-backup`. */
export async function encryptBackup(recoveryKey: string, content: Uint8Array): Promise<string> {
  return sealBackup(await backupKeyFromRecoveryKey(recoveryKey), content);
}

/** Opens a backup fetched from `GET /v1/e2ee/key-backup`; throws on a wrong recovery key or a changed blob. */
export async function decryptBackup(recoveryKey: string, blob: string): Promise<Uint8Array> {
  return openBackup(await backupKeyFromRecoveryKey(recoveryKey), blob);
}
