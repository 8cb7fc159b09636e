import type { Deps } from "../platform/deps-types";
import { badRequest, conflict, notFound } from "../http/errors";
import { fromBase64url } from "../ids";
import type { Principal } from "../identity/sessions/principal";
import { sharesChat } from "../chat/records";
import { checkKeyPackage } from "./key-package-check";
import {
  claimKeyPackage,
  countUnclaimed,
  findSessionDevice,
  lastResortPackage,
  liveDevicesOf,
  type MlsDeviceRecord,
  type NewKeyPackage,
  storeKeyPackages,
} from "./records";

/** What a device learns after an upload or when it asks: how many one-time packages it has left. */
export interface KeyPackageStock {
  remaining: number;
  lastResort: boolean;
}

/** One claimed package: for each live device of the asked users, one package to add it with. */
export interface ClaimedKeyPackage {
  userId: string;
  deviceId: string;
  keyPackage: string;
  lastResort: boolean;
}

async function sessionDevice(deps: Deps, principal: Principal): Promise<MlsDeviceRecord> {
  const device = await findSessionDevice(deps.db, principal.sessionId);
  if (!device || device.endedAt) throw conflict("mls_device_missing", "Register this session's MLS device first");
  return device;
}

function decodePackage(text: string): Uint8Array {
  try {
    return fromBase64url(text);
  } catch {
    throw badRequest("mls_key_package_invalid", "A key package is not base64url");
  }
}

/**
 * Stores key packages of the caller's device: each is decoded and checked (its credential is
 * this user and device, its signature key the device's, the platform's suite, a lifetime that
 * holds) before any is stored; `lastResort` replaces the device's last-resort package.
 */
export async function uploadKeyPackages(deps: Deps, principal: Principal, body: { keyPackages: string[]; lastResort?: string }): Promise<KeyPackageStock> {
  const device = await sessionDevice(deps, principal);
  const now = deps.clock.now();
  const owner = { userId: device.userId, id: device.id, signatureKey: fromBase64url(device.signatureKey) };
  const maxLifetime = deps.config.e2ee.keyPackageMaxLifetimeSeconds;
  const accept = async (text: string): Promise<NewKeyPackage> => {
    const { ref, notAfter } = await checkKeyPackage(decodePackage(text), owner, now, maxLifetime);
    return { ref, deviceId: device.id, userId: device.userId, keyPackage: text, expiresAt: notAfter, createdAt: new Date(now) };
  };
  const packages: NewKeyPackage[] = [];
  for (const text of body.keyPackages) packages.push(await accept(text));
  const lastResort = body.lastResort === undefined ? undefined : await accept(body.lastResort);
  if (new Set(packages.map((p) => p.ref)).size !== packages.length || (lastResort && packages.some((p) => p.ref === lastResort.ref)))
    throw badRequest("mls_key_package_invalid", "The same key package is in the upload twice");
  const stored = await storeKeyPackages(deps.db, device.id, packages, lastResort, deps.config.e2ee.maxKeyPackagesPerDevice, new Date(now));
  if (!stored) throw conflict("too_many_key_packages", `A device holds at most ${deps.config.e2ee.maxKeyPackagesPerDevice} unclaimed key packages`);
  return keyPackageStock(deps, principal);
}

export async function keyPackageStock(deps: Deps, principal: Principal): Promise<KeyPackageStock> {
  const device = await sessionDevice(deps, principal);
  const now = deps.clock.date();
  return { remaining: await countUnclaimed(deps.db, device.id, now), lastResort: (await lastResortPackage(deps.db, device.id, now)) !== undefined };
}

/**
 * Claims one key package for every live device of `userIds` (the caller's own other devices
 * included, never the caller's own device): a one-time package when one is left, else the
 * device's last-resort package (RFC 9420 §16.8). A device with neither is left out. Only people
 * the caller shares a direct or group chat with (or the caller) can be asked for: nobody else
 * can drain a stranger's packages.
 */
export async function claimKeyPackages(deps: Deps, principal: Principal, userIds: string[]): Promise<{ items: ClaimedKeyPackage[] }> {
  const asked = [...new Set(userIds)];
  for (const userId of asked) {
    if (userId !== principal.userId && !(await sharesChat(deps.db, principal.userId, userId))) throw notFound("No user with that id shares a chat with you");
  }
  const now = deps.clock.date();
  const devices = (await liveDevicesOf(deps.db, asked, now)).filter((device) => device.sessionId !== principal.sessionId);
  const items: ClaimedKeyPackage[] = [];
  for (const device of devices) {
    const oneTime = await claimKeyPackage(deps.db, device.id, principal.userId, now);
    const keyPackage = oneTime ?? (await lastResortPackage(deps.db, device.id, now));
    if (keyPackage) items.push({ userId: device.userId, deviceId: device.id, keyPackage, lastResort: oneTime === undefined });
  }
  return { items };
}
