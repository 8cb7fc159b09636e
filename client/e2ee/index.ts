// The client side of end-to-end encryption (docs/e2ee.md): an MLS device per session, its key
// packages, one MLS group per encrypted chat, file and key-backup encryption. Runs in browsers
// and Node; secrets live in an injected store.
export { backupKeyFromRecoveryKey, decryptBackup, encryptBackup, newRecoveryKey, openBackup, parseRecoveryKey, sealBackup } from "./backup";
export { matchesSafetyQr, type SafetyIdentity, safetyNumber, safetyNumberGroups, safetyQrPayload } from "./safety-number";
export { deviceIdentity, MlsDevice, parseIdentity } from "./device";
export { EncryptedRoom, type OpenedMessage, type RoomFrame, RoomRefusal, type RoomTransport } from "./encrypted-room";
export { decryptFile, encryptFile } from "./files";
export {
  type EncryptedFileKey,
  type GroupMember,
  type Incoming,
  type MessageRelation,
  type MlsGroup,
  type MlsPayload,
  messageEpoch,
  type PendingCommit,
  type PublicMetadata,
} from "./group";
export { type ClaimedKeyPackage, type E2eeServer, type KeyPackageStock, platformE2eeServer } from "./server";
export { type E2eeStore, MemoryE2eeStore } from "./store";
export { MLS_CIPHER_SUITE } from "./suite";
