// This device's records of its contacts' devices (verification-state.ts), kept in IndexedDB per
// signed-in account, and the server's device lists they are checked against.
import { ok } from "../../../client";
import { safetyNumber } from "../../../client/e2ee/safety-number";
import { platform } from "../api-client";
import { recordStore } from "../indexed-records";
import {
  acknowledgeChange,
  type ContactTrust,
  markVerified,
  observeDevices,
  removeVerification,
  type SeenDevice,
  type TrustStatus,
  trustStatus,
} from "./verification-state";

/** A device as `GET /v1/e2ee/users/:id/devices` lists it. */
export interface ListedDevice {
  id: string;
  userId: string;
  signatureKey: string;
  fingerprint: string;
  createdAt: string;
  current: boolean;
}

export interface ContactCheck {
  devices: ListedDevice[];
  record: ContactTrust;
  status: TrustStatus;
}

const records = recordStore<ContactTrust>("edge-platform-verification", "contacts");
const keyOf = (owner: string, userId: string) => `${owner}:${userId}`;
const seen = (devices: readonly ListedDevice[]): SeenDevice[] => devices.map((d) => ({ id: d.id, fingerprint: d.fingerprint }));

const listeners = new Set<() => void>();

/** Hears every change of a contact's record on this device (a review, a verification, a new device seen); returns the way to stop. */
export function onTrustChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function save(owner: string, record: ContactTrust): Promise<void> {
  await records.put(keyOf(owner, record.userId), record);
  for (const listener of listeners) listener();
}

export async function devicesOf(userId: string): Promise<ListedDevice[]> {
  return (await ok(platform.api.v1.e2ee.users[":id"].devices.$get({ param: { id: userId } }))).items as ListedDevice[];
}

const checking = new Map<string, Promise<ContactCheck>>();

/**
 * The contact's devices now, compared with what this device saw before (a new device becomes a
 * pending change). Several screens asking at once share one request.
 */
export function checkContact(owner: string, userId: string): Promise<ContactCheck> {
  const key = keyOf(owner, userId);
  const running = checking.get(key);
  if (running) return running;
  const check = (async () => {
    const devices = await devicesOf(userId);
    const before = await records.get(key);
    const record = observeDevices(before, userId, seen(devices), new Date().toISOString());
    if (JSON.stringify(record) !== JSON.stringify(before)) await save(owner, record);
    return { devices, record, status: trustStatus(record, seen(devices)) };
  })().finally(() => checking.delete(key));
  checking.set(key, check);
  return check;
}

export async function verifyContact(owner: string, userId: string, devices: readonly ListedDevice[]): Promise<void> {
  await save(owner, markVerified(userId, seen(devices), new Date().toISOString()));
}

export async function unverifyContact(owner: string, userId: string): Promise<void> {
  const record = await records.get(keyOf(owner, userId));
  if (record) await save(owner, removeVerification(record));
}

export async function reviewChange(owner: string, userId: string, devices: readonly ListedDevice[]): Promise<void> {
  const record = await records.get(keyOf(owner, userId));
  if (record) await save(owner, acknowledgeChange(record, seen(devices)));
}

/** The safety number of the signed-in user and a contact, from both device lists. */
export function safetyNumberWith(me: { id: string; devices: readonly ListedDevice[] }, contact: { id: string; devices: readonly ListedDevice[] }) {
  return safetyNumber({ userId: me.id, devices: me.devices }, { userId: contact.id, devices: contact.devices });
}
