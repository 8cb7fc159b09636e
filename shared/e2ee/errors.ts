import { defineErrors } from "../http/errors";

/** The error codes of end-to-end encryption: MLS devices, key packages and key backups (docs/e2ee.md). */
export const e2eeErrors = defineErrors({
  mls_device_exists: {
    status: 409,
    description: "This session already registered an MLS device with another signature key; a session has one device (sign in again for a new one).",
  },
  mls_device_missing: { status: 409, description: "This session has no MLS device yet: register one (`POST /v1/e2ee/devices`) before uploading key packages." },
  invalid_signature_key: { status: 400, description: "Not an Ed25519 public key: 32 bytes, base64url." },
  mls_key_package_invalid: {
    status: 400,
    description:
      "Not an MLS KeyPackage this platform accepts: it does not decode, its signature or leaf is not valid, it is not MLS 1.0, or its init and encryption keys are the same.",
  },
  mls_key_package_suite: {
    status: 400,
    description: "The key package is not of the platform's cipher suite (1, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519).",
  },
  mls_key_package_lifetime: {
    status: 400,
    description: "The key package has expired, is not valid yet, or its lifetime is longer than E2EE_KEY_PACKAGE_MAX_LIFETIME_DAYS.",
  },
  mls_key_package_foreign: {
    status: 403,
    description: "The key package's credential is not this user and device (identity `<userId>:<deviceId>`), or its signature key is not the device's.",
  },
  too_many_key_packages: { status: 409, description: "The device holds E2EE_MAX_KEY_PACKAGES_PER_DEVICE unclaimed key packages already." },
  mls_backup_version_conflict: {
    status: 409,
    description: "The key backup changed since the version this upload replaces (`replaces`): fetch it, merge, and upload again.",
  },
  mls_backup_too_large: { status: 413, description: "The encrypted key backup is larger than E2EE_KEY_BACKUP_MAX_BYTES." },
  // Refusals of the chat room as MLS Delivery Service (socket `error` frames, docs/socket-protocols.md); each frame carries the group's `epoch`.
  mls_chat_encrypted: {
    status: 409,
    description: "The chat is end-to-end encrypted: messages, edits and reactions travel inside MLS messages (`mls.send`), never as plain text.",
  },
  mls_chat_not_encrypted: { status: 409, description: "The chat is not end-to-end encrypted: it takes no MLS frames." },
  mls_not_mls: { status: 400, description: "Not an MLS application message (a PrivateMessage of content type application)." },
  mls_wrong_group: { status: 400, description: "The MLS message is for another group (an encrypted chat's group id is the chat id)." },
  mls_stale_epoch: {
    status: 409,
    description: "The group is at another epoch (the frame's `epoch`): process the commits since (`mls.commits`) and send again on the new epoch.",
  },
  mls_not_a_commit: { status: 400, description: "Not an MLS commit sent as PublicMessage (the room must read a commit's epoch and proposals)." },
  mls_sender_mismatch: { status: 403, description: "The MLS sender is not the sending device's leaf, or the device holds no leaf in the group." },
  mls_proposal_by_reference: { status: 400, description: "The commit refers to proposals by reference: proposals must be inline." },
  mls_add_not_allowed: { status: 403, description: "The commit adds a device that is not a live device of one of the chat's members." },
  mls_removal_missing: { status: 409, description: "The commit leaves a leaf of a departed member or an ended device: it must remove them too." },
  mls_removal_pending: {
    status: 409,
    description: "A departed member or an ended device still holds a leaf: a commit must remove it before messages are relayed again.",
  },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    e2ee: typeof e2eeErrors;
  }
}
