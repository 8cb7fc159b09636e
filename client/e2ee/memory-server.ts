import type { ClaimedKeyPackage, E2eeServer, KeyPackageStock } from "./server";

interface DeviceRecord {
  id: string;
  userId: string;
  signatureKey: string;
  packages: string[];
  lastResort?: string;
}

/**
 * The e2ee endpoints held in memory for many devices of one process, as MemoryE2eeStore holds a
 * device's secrets: tests and `bench:e2ee` build groups of hundreds of devices without a server.
 * It hands out one package per device like the server (one-time first, then the last-resort
 * one), but checks nothing: the server's checks are tested against the server.
 */
export class MemoryE2eeDirectory {
  readonly #devices = new Map<string, DeviceRecord>();
  #ids = 0;

  /** The E2eeServer one signed-in session of `userId` sees. */
  serverFor(userId: string): E2eeServer {
    let own: DeviceRecord | undefined;
    const mine = () => {
      if (!own) throw new Error("register the device first");
      return own;
    };
    const stock = (): KeyPackageStock => ({ remaining: mine().packages.length, lastResort: mine().lastResort !== undefined });
    return {
      registerDevice: async (signatureKey) => {
        own ??= { id: `device-${++this.#ids}`, userId, signatureKey, packages: [] };
        this.#devices.set(own.id, own);
        return { id: own.id, userId, fingerprint: signatureKey.slice(0, 16) };
      },
      uploadKeyPackages: async ({ keyPackages, lastResort }) => {
        mine().packages.push(...keyPackages);
        if (lastResort) mine().lastResort = lastResort;
        return stock();
      },
      keyPackageStock: async () => stock(),
      claimKeyPackages: async (userIds) => {
        const items: ClaimedKeyPackage[] = [];
        for (const device of this.#devices.values()) {
          if (!userIds.includes(device.userId) || device === own) continue;
          const oneTime = device.packages.shift();
          const keyPackage = oneTime ?? device.lastResort;
          if (keyPackage) items.push({ userId: device.userId, deviceId: device.id, keyPackage, lastResort: oneTime === undefined });
        }
        return { items };
      },
      devicesOf: async (id) => ({
        items: [...this.#devices.values()]
          .filter((device) => device.userId === id)
          .map((device) => ({ id: device.id, userId: device.userId, signatureKey: device.signatureKey, fingerprint: device.signatureKey.slice(0, 16) })),
      }),
    };
  }
}
