import { fromBase64url, ownBytes, toBase64url, toHex } from "./bytes";
import type { EncryptedFileKey } from "./group";

/**
 * Encrypts one file on the device with a fresh AES-256-GCM key: the ciphertext is what gets
 * uploaded (R2 never sees the bytes; identical files give different ciphertexts, so the media
 * module's dedup does not apply), the key travels inside the MLS message.
 */
export async function encryptFile(
  bytes: Uint8Array,
  meta: { name?: string; type?: string } = {},
): Promise<{ ciphertext: Uint8Array; key: Omit<EncryptedFileKey, "fileId"> }> {
  const key = (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"])) as CryptoKey;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, ownBytes(bytes)));
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer);
  const sha256 = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", ownBytes(bytes))));
  return { ciphertext, key: { key: toBase64url(raw), iv: toBase64url(iv), sha256, size: bytes.length, ...meta } };
}

/** Decrypts a downloaded file with its key from the MLS message; throws when the bytes or the hash do not match. */
export async function decryptFile(ciphertext: Uint8Array, fileKey: Pick<EncryptedFileKey, "key" | "iv" | "sha256">): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", fromBase64url(fileKey.key), "AES-GCM", false, ["decrypt"]);
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(fileKey.iv) }, key, ownBytes(ciphertext)));
  if (toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", plain))) !== fileKey.sha256) throw new Error("The decrypted file does not match its hash");
  return plain;
}
