// What this device knows about a contact's devices (docs/e2ee.md, "Verification"): the devices
// it has seen, the ones the user verified, and a change the user has not reviewed yet. Pure, so
// every rule is tested on its own (test/e2ee/verification-state.test.ts); verification-store.ts
// keeps the records in IndexedDB.

/** A device as the server lists it (`GET /v1/e2ee/users/:id/devices`), reduced to what identifies it. */
export interface SeenDevice {
  id: string;
  fingerprint: string;
}

/** Devices by id, with the fingerprint each had. */
export type DeviceSet = Record<string, string>;

/** This device's record of one contact. */
export interface ContactTrust {
  userId: string;
  /** The devices last seen (and taken as known): a device not among them is new. */
  seen: DeviceSet;
  /** The devices the user verified (compared the safety number while these were the contact's devices); null: never verified. */
  verified: DeviceSet | null;
  verifiedAt: string | null;
  /** New devices since the user last looked, until they review them. */
  change: { added: SeenDevice[]; at: string } | null;
}

export type TrustStatus = "verified" | "unverified" | "changed";

const toSet = (devices: readonly SeenDevice[]): DeviceSet => Object.fromEntries(devices.map((d) => [d.id, d.fingerprint]));

/**
 * The record after seeing the contact's devices now. The first sight (and the first devices of a
 * contact seen without any) is taken as known: trust on first use, as Signal and Matrix do. A device that was not seen before (or a known id with
 * another key) is a change the user is warned of; devices that ended only leave the set.
 */
export function observeDevices(record: ContactTrust | undefined, userId: string, current: readonly SeenDevice[], now: string): ContactTrust {
  if (!record) return { userId, seen: toSet(current), verified: null, verifiedAt: null, change: null };
  // A contact seen with no device yet had nothing to trust: their first devices are a first sight too.
  if (Object.keys(record.seen).length === 0 && !record.change) return { ...record, seen: toSet(current) };
  const fresh = current.filter((device) => record.seen[device.id] !== device.fingerprint);
  // A new device that ended before the user looked is no longer worth a warning.
  const pending = (record.change?.added ?? []).filter((device) => current.some((d) => d.id === device.id && d.fingerprint === device.fingerprint));
  const added = [...pending.filter((device) => !fresh.some((d) => d.id === device.id)), ...fresh];
  const change = added.length === 0 ? null : { added, at: fresh.length > 0 || !record.change ? now : record.change.at };
  return { ...record, seen: toSet(current), change };
}

/**
 * Verified while every device the contact has now is one the user verified: a new device makes a
 * verified contact unverified (the safety number changed), one that ended does not.
 */
export function trustStatus(record: ContactTrust | undefined, current: readonly SeenDevice[]): TrustStatus {
  if (record?.change) return "changed";
  const verified = record?.verified;
  if (!verified || current.length === 0) return "unverified";
  return current.every((device) => verified[device.id] === device.fingerprint) ? "verified" : "unverified";
}

/** The user compared the safety number with the contact's devices as they are now. */
export function markVerified(userId: string, current: readonly SeenDevice[], now: string): ContactTrust {
  return { userId, seen: toSet(current), verified: toSet(current), verifiedAt: now, change: null };
}

/** The user looked at the change; the contact stays unverified until they compare again. */
export function acknowledgeChange(record: ContactTrust, current: readonly SeenDevice[]): ContactTrust {
  return { ...record, seen: toSet(current), change: null };
}

export function removeVerification(record: ContactTrust): ContactTrust {
  return { ...record, verified: null, verifiedAt: null };
}
