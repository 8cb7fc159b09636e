import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { fingerprintOf } from "./devices";
import { deleteUserE2eeQueries, findKeyBackup, listUserDevices } from "./records";
import { fromBase64url } from "../ids";

/** E2EE's part of an account: devices (keys are public) and whether a backup exists in the export; all of it removed on deletion. */
export const e2eeAccount: AccountModule = {
  name: "e2ee",
  exportData: async (deps, userId) => {
    const backup = await findKeyBackup(deps.db, userId);
    return {
      devices: await Promise.all(
        (await listUserDevices(deps.db, userId)).map(async (device) => ({
          id: device.id,
          sessionId: device.sessionId,
          fingerprint: await fingerprintOf(fromBase64url(device.signatureKey)),
          createdAt: device.createdAt.toISOString(),
          endedAt: device.endedAt?.toISOString() ?? null,
        })),
      ),
      keyBackup: backup ? { version: backup.version, blob: backup.blob, updatedAt: backup.updatedAt.toISOString() } : null,
    };
  },
  onDelete: async (deps, userId) => ({ statements: toD1Statements(deps.db, deleteUserE2eeQueries(deps.db, userId)) }),
};
