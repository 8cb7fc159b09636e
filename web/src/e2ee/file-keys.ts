// The keys of the files this tab encrypted, until their message is sealed (encrypted-chat.ts puts
// them in the MLS payload); a module of its own so that sealing needs nothing of the screens.
import type { EncryptedFileKey } from "../../../client/e2ee";

const keys = new Map<string, EncryptedFileKey>();

export const encryptedFileKey = (fileId: string): EncryptedFileKey | undefined => keys.get(fileId);

export function rememberFileKey(key: EncryptedFileKey): void {
  keys.set(key.fileId, key);
}
