// This browser session's MLS device (docs/e2ee.md, "In the web app"): opened when the session
// starts (sign-in, or a page load with a live session), its signature key registered and its key
// packages uploaded; forgotten with everything else of end-to-end encryption when the session ends.
//
// The keys are bytes in IndexedDB, not non-extractable CryptoKeys: ts-mls 1.6.4 signs with the
// private key as bytes and keeps HPKE private keys as bytes in the group state (docs/e2ee.md, "The
// library and the cipher suite"). They never leave this browser; only the public halves are sent.
import type { E2eeStore } from "../../../client/e2ee";
import { MlsDevice, platformE2eeServer } from "../../../client/e2ee";
import { platform } from "../api-client";
import { store, type User } from "../store";
import { deleteE2eeDatabase, read, readKeys, remove, STORES, write } from "./database";

/** The device's secrets in IndexedDB (client/e2ee's E2eeStore). */
const secrets: E2eeStore = {
  get: (key) => read<Uint8Array>(STORES.secrets, key),
  put: (key, value) => write(STORES.secrets, [value.slice()], key),
  delete: (key) => remove(STORES.secrets, [key]),
  keys: async (prefix) => (await readKeys(STORES.secrets)).map(String).filter((key) => key.startsWith(prefix)),
};

/** One-time key packages kept on the server; refilled when fewer than REFILL_BELOW are left. */
const KEY_PACKAGE_STOCK = 20;
const REFILL_BELOW = 5;

let opened: { userId: string; device: Promise<MlsDevice> } | null = null;
let refilling: Promise<unknown> | null = null;

/**
 * Opens this session's device. `freshSession`: the user just signed in, so whatever an earlier
 * session left in this browser is dropped first (a session's device is its own).
 */
export function startDevice(user: User, options: { freshSession: boolean }): Promise<MlsDevice> {
  if (opened?.userId === user.id) return opened.device;
  store.set({ e2ee: { state: "starting" } });
  const device = (async () => {
    if (options.freshSession) await deleteE2eeDatabase();
    const opening = await MlsDevice.open({ userId: user.id, server: platformE2eeServer(platform), store: secrets });
    await opening.refillKeyPackages({ target: KEY_PACKAGE_STOCK, threshold: REFILL_BELOW });
    return opening;
  })();
  opened = { userId: user.id, device };
  device.then(
    (ready) => {
      if (opened?.device === device) store.set({ e2ee: { state: "ready", fingerprint: ready.fingerprint } });
    },
    () => {
      if (opened?.device === device) store.set({ e2ee: { state: "unavailable" } });
    },
  );
  return device;
}

/** The session's device, once it is open; rejects when it could not be (encrypted chats then say so). */
export function currentDevice(): Promise<MlsDevice> {
  return opened?.device ?? Promise.reject(new Error("No MLS device in this session"));
}

/** Tops the server's stock of this device's key packages up (after a Welcome spent one, and now and then). */
export function refillKeyPackages(): void {
  if (!opened || refilling) return;
  refilling = opened.device
    .then((device) => device.refillKeyPackages({ target: KEY_PACKAGE_STOCK, threshold: REFILL_BELOW }))
    .catch(() => undefined)
    .finally(() => {
      refilling = null;
    });
}

/** The session ended: the device and everything it decrypted are deleted from this browser. */
export async function forgetDevice(): Promise<void> {
  opened = null;
  store.set({ e2ee: { state: "off" } });
  await deleteE2eeDatabase();
}
