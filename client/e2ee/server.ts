import type { ClaimedKeyPackage, KeyPackageStock } from "../../shared/e2ee/key-packages";
import type { PlatformClient } from "../index";

export type { ClaimedKeyPackage, KeyPackageStock };
import { ok } from "../index";

/** What the device needs from the platform's e2ee endpoints (docs/e2ee.md). */
export interface E2eeServer {
  registerDevice(signatureKey: string): Promise<{ id: string; userId: string; fingerprint: string }>;
  uploadKeyPackages(body: { keyPackages: string[]; lastResort?: string }): Promise<KeyPackageStock>;
  keyPackageStock(): Promise<KeyPackageStock>;
  claimKeyPackages(userIds: string[]): Promise<{ items: ClaimedKeyPackage[] }>;
  devicesOf(userId: string): Promise<{ items: { id: string; userId: string; signatureKey: string; fingerprint: string }[] }>;
}

/** The e2ee endpoints through the platform client (tokens, refresh, problems as ProblemError). */
export function platformE2eeServer(client: PlatformClient): E2eeServer {
  const e2ee = client.api.v1.e2ee;
  return {
    registerDevice: (signatureKey) => ok(e2ee.devices.$post({ json: { signatureKey } })),
    uploadKeyPackages: (body) => ok(e2ee["key-packages"].$post({ json: body })),
    keyPackageStock: () => ok(e2ee["key-packages"].$get()),
    claimKeyPackages: (userIds) => ok(e2ee["key-packages"].claim.$post({ json: { userIds } })),
    devicesOf: (userId) => ok(e2ee.users[":id"].devices.$get({ param: { id: userId } })),
  };
}
