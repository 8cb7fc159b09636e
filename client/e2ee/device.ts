import {
  type CiphersuiteImpl,
  type ClientState,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { fromBase64url, fromUtf8, toBase64url, toHex, utf8 } from "./bytes";
import { MlsGroup, restoreGroup } from "./group";
import type { E2eeServer, KeyPackageStock } from "./server";
import type { E2eeStore } from "./store";
import { mlsSuite } from "./suite";

/** How long a key package this device makes stays valid (the server accepts up to its own limit, 90 days by default). */
const KEY_PACKAGE_LIFETIME_SECONDS = 30 * 86_400;

interface StoredDevice {
  userId: string;
  deviceId: string;
  publicKey: string;
  signKey: string;
}

interface StoredKeyPackage {
  publicPackage: string;
  privatePackage: { initPrivateKey: string; hpkePrivateKey: string; signaturePrivateKey: string };
}

/** The credential identity of a device: `<userId>:<deviceId>` (the server checks it on upload). */
export const deviceIdentity = (userId: string, deviceId: string) => `${userId}:${deviceId}`;

export function parseIdentity(identity: Uint8Array): { userId: string; deviceId: string } | undefined {
  const [userId, deviceId, ...rest] = fromUtf8(identity).split(":");
  return userId && deviceId && rest.length === 0 ? { userId, deviceId } : undefined;
}

/**
 * This browser's (or Node process's) MLS client: its signature key, its key packages and its
 * groups, one per encrypted chat. The signature key is Ed25519 as raw bytes in the store:
 * ts-mls signs with key bytes, so a non-extractable Web Crypto key cannot be used (docs/e2ee.md).
 */
export class MlsDevice {
  private constructor(
    readonly userId: string,
    readonly deviceId: string,
    readonly fingerprint: string,
    private readonly keys: { publicKey: Uint8Array; signKey: Uint8Array },
    private readonly server: E2eeServer,
    private readonly store: E2eeStore,
    private readonly cs: CiphersuiteImpl,
  ) {}

  /**
   * Opens the device of this session: the stored key if there is one, else a new one, and
   * registers it (the same key again is the same device). A new session is a new device: what
   * the store held for an earlier device (its key packages, groups and unsettled commits) is dropped.
   */
  static async open(options: { userId: string; server: E2eeServer; store: E2eeStore }): Promise<MlsDevice> {
    const { userId, server, store } = options;
    const cs = await mlsSuite();
    const storedBytes = await store.get("device");
    const stored = storedBytes ? (JSON.parse(fromUtf8(storedBytes)) as StoredDevice) : undefined;
    const keys =
      stored && stored.userId === userId ? { publicKey: fromBase64url(stored.publicKey), signKey: fromBase64url(stored.signKey) } : await cs.signature.keygen();
    const registered = await server.registerDevice(toBase64url(keys.publicKey));
    if (stored?.deviceId !== registered.id) {
      for (const prefix of ["kp:", "group:", "commit:"]) for (const key of await store.keys(prefix)) await store.delete(key);
      const record: StoredDevice = { userId, deviceId: registered.id, publicKey: toBase64url(keys.publicKey), signKey: toBase64url(keys.signKey) };
      await store.put("device", utf8.encode(JSON.stringify(record)));
    }
    return new MlsDevice(userId, registered.id, registered.fingerprint, keys, server, store, cs);
  }

  get identity(): string {
    return deviceIdentity(this.userId, this.deviceId);
  }

  /** Makes a key package of this device and keeps its private half (by its ref) until a Welcome uses it. */
  async newKeyPackage(): Promise<string> {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      { credentialType: "basic", identity: utf8.encode(this.identity) },
      defaultCapabilities(),
      { notBefore: now - 60n, notAfter: now + BigInt(KEY_PACKAGE_LIFETIME_SECONDS) },
      [],
      this.keys,
      this.cs,
    );
    const ref = toHex(await makeKeyPackageRef(publicPackage, this.cs.hash));
    const bytes = encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: publicPackage });
    const stored: StoredKeyPackage = {
      publicPackage: toBase64url(bytes),
      privatePackage: {
        initPrivateKey: toBase64url(privatePackage.initPrivateKey),
        hpkePrivateKey: toBase64url(privatePackage.hpkePrivateKey),
        signaturePrivateKey: toBase64url(privatePackage.signaturePrivateKey),
      },
    };
    await this.store.put(`kp:${ref}`, utf8.encode(JSON.stringify(stored)));
    return toBase64url(bytes);
  }

  /** Tops the server's stock of this device's one-time packages up to `target` when it is below `threshold`, and keeps a last-resort one there. */
  async refillKeyPackages(options: { target?: number; threshold?: number } = {}): Promise<KeyPackageStock> {
    const { target = 20, threshold = 5 } = options;
    const stock = await this.server.keyPackageStock();
    const missing = stock.remaining < threshold ? target - stock.remaining : 0;
    if (missing <= 0 && stock.lastResort) return stock;
    const keyPackages: string[] = [];
    for (let i = 0; i < missing; i++) keyPackages.push(await this.newKeyPackage());
    return this.server.uploadKeyPackages({ keyPackages, ...(stock.lastResort ? {} : { lastResort: await this.newKeyPackage() }) });
  }

  /** Starts the MLS group of an encrypted chat with this device as its only member (epoch 0). */
  async createGroup(chatId: string): Promise<MlsGroup> {
    const { publicPackage, privatePackage } = await this.freshKeyPackage();
    const state = await createGroup(utf8.encode(chatId), publicPackage, privatePackage, [], this.cs);
    return this.track(chatId, state);
  }

  /** Joins a group by a Welcome addressed to one of this device's key packages. */
  async joinGroup(welcomeBytes: Uint8Array): Promise<MlsGroup> {
    const decoded = decodeMlsMessage(welcomeBytes, 0)?.[0];
    if (decoded?.wireformat !== "mls_welcome") throw new Error("Not an MLS Welcome");
    for (const secret of decoded.welcome.secrets) {
      const ref = toHex(secret.newMember);
      const stored = await this.store.get(`kp:${ref}`);
      if (!stored) continue;
      const { publicPackage, privatePackage } = this.decodeStoredKeyPackage(JSON.parse(fromUtf8(stored)) as StoredKeyPackage);
      const state = await joinGroup(decoded.welcome, publicPackage, privatePackage, emptyPskIndex, this.cs);
      // A one-time package is spent; a last-resort one may be used again, but its private half is
      // kept only as long as the server may hand it out (until the device uploads a new one).
      await this.store.delete(`kp:${ref}`);
      return this.track(fromUtf8(state.groupContext.groupId), state);
    }
    throw new Error("The Welcome is for none of this device's key packages");
  }

  /** The group of a chat this device is in, from the store. */
  async group(chatId: string): Promise<MlsGroup | undefined> {
    const bytes = await this.store.get(`group:${chatId}`);
    return bytes ? restoreGroup(chatId, bytes, this.groupContext()) : undefined;
  }

  /** Forgets the group of a chat (this device was removed from it, or its own start of the group lost to another device's). */
  async forgetGroup(chatId: string): Promise<void> {
    await this.store.delete(`group:${chatId}`);
    await this.store.delete(`commit:${chatId}`);
  }

  private async track(chatId: string, state: ClientState): Promise<MlsGroup> {
    const group = new MlsGroup(chatId, state, this.groupContext());
    await group.save();
    return group;
  }

  private groupContext() {
    return { cs: this.cs, store: this.store, server: this.server, self: { userId: this.userId, deviceId: this.deviceId } };
  }

  private async freshKeyPackage(): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    const text = await this.newKeyPackage();
    const decoded = decodeMlsMessage(fromBase64url(text), 0)?.[0];
    if (decoded?.wireformat !== "mls_key_package") throw new Error("unreachable: own key package did not decode");
    const ref = toHex(await makeKeyPackageRef(decoded.keyPackage, this.cs.hash));
    const stored = JSON.parse(fromUtf8((await this.store.get(`kp:${ref}`)) as Uint8Array)) as StoredKeyPackage;
    await this.store.delete(`kp:${ref}`);
    return this.decodeStoredKeyPackage(stored);
  }

  private decodeStoredKeyPackage(stored: StoredKeyPackage): { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } {
    const decoded = decodeMlsMessage(fromBase64url(stored.publicPackage), 0)?.[0];
    if (decoded?.wireformat !== "mls_key_package") throw new Error("A stored key package does not decode");
    return {
      publicPackage: decoded.keyPackage,
      privatePackage: {
        initPrivateKey: fromBase64url(stored.privatePackage.initPrivateKey),
        hpkePrivateKey: fromBase64url(stored.privatePackage.hpkePrivateKey),
        signaturePrivateKey: fromBase64url(stored.privatePackage.signaturePrivateKey),
      },
    };
  }
}
