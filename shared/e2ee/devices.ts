import type { Deps } from "../platform/deps-types";
import { badRequest, conflict } from "../http/errors";
import { base64url, bytesToHex, fromBase64url, newId } from "../ids";
import { logEvent } from "../observability/log";
import type { Principal } from "../identity/sessions/principal";
import { endSessionDevices, findSessionDevice, insertDevice, liveDevicesOf, type MlsDeviceRecord } from "./records";

/** A device as others see it: its signature key and the fingerprint people compare. */
export interface PublicMlsDevice {
  id: string;
  userId: string;
  signatureKey: string;
  fingerprint: string;
  createdAt: string;
  current: boolean;
}

/**
 * The fingerprint of a signature key: SHA-256 of the key, the first 16 bytes as 8 groups of 4
 * hex digits (as Matrix shows a device key); the same on every screen and client.
 */
export async function fingerprintOf(signatureKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", signatureKey));
  return (bytesToHex(digest.slice(0, 16)).match(/.{4}/g) as string[]).join(" ").toUpperCase();
}

export async function toPublicMlsDevice(device: MlsDeviceRecord, sessionId: string | undefined): Promise<PublicMlsDevice> {
  return {
    id: device.id,
    userId: device.userId,
    signatureKey: device.signatureKey,
    fingerprint: await fingerprintOf(fromBase64url(device.signatureKey)),
    createdAt: device.createdAt.toISOString(),
    current: device.sessionId === sessionId,
  };
}

/** An Ed25519 public key as base64url: 32 bytes. */
export function parseSignatureKey(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(text);
  } catch {
    throw badRequest("invalid_signature_key", "The signature key is not base64url");
  }
  if (bytes.length !== 32) throw badRequest("invalid_signature_key", "An Ed25519 public key is 32 bytes");
  return bytes;
}

/**
 * Registers the MLS device of the caller's session. The same key again answers the device
 * (`created: false`); another key for a session that has a device is refused: a device's
 * signature key never changes, its leaves are signed with it.
 */
export async function registerMlsDevice(deps: Deps, principal: Principal, signatureKeyText: string): Promise<{ device: MlsDeviceRecord; created: boolean }> {
  const signatureKey = base64url(parseSignatureKey(signatureKeyText));
  const existing = await findSessionDevice(deps.db, principal.sessionId);
  if (existing) {
    if (existing.signatureKey !== signatureKey) throw conflict("mls_device_exists", "This session has an MLS device with another signature key");
    return { device: existing, created: false };
  }
  const id = newId(deps.clock.now());
  const device = await insertDevice(deps.db, { id, userId: principal.userId, sessionId: principal.sessionId, signatureKey, createdAt: deps.clock.date() });
  if (device.signatureKey !== signatureKey) throw conflict("mls_device_exists", "This session has an MLS device with another signature key");
  return { device, created: device.id === id };
}

/** The session's own device, unless it has none or it ended. */
export async function sessionMlsDevice(deps: Deps, sessionId: string): Promise<{ id: string; userId: string } | undefined> {
  const device = await findSessionDevice(deps.db, sessionId);
  return device && !device.endedAt ? { id: device.id, userId: device.userId } : undefined;
}

/** The ids of the live devices of `userIds`. */
export async function liveMlsDeviceIds(deps: Deps, userIds: readonly string[]): Promise<Set<string>> {
  return new Set((await liveDevicesOf(deps.db, userIds, deps.clock.date())).map((device) => device.id));
}

/** The live MLS devices of a user, with fingerprints (oldest first). */
export async function listMlsDevices(deps: Deps, userId: string, viewerSessionId: string): Promise<PublicMlsDevice[]> {
  const devices = await liveDevicesOf(deps.db, [userId], deps.clock.date());
  return Promise.all(devices.map((device) => toPublicMlsDevice(device, viewerSessionId)));
}

/**
 * The devices of ended sessions end with them: their key packages are deleted and they are
 * marked ended, so the next commit of every encrypted chat must remove their leaves. Best
 * effort after the sessions ended in D1: a device whose session is not live is never handed out
 * nor counted as live, whether or not this ran.
 */
export async function endMlsDevicesOfSessions(deps: Deps, sessionIds: readonly string[]): Promise<void> {
  try {
    await endSessionDevices(deps.db, sessionIds, deps.clock.date());
  } catch (error) {
    logEvent("warn", "ending the MLS devices of ended sessions failed", { sessions: sessionIds.length, error: String(error) });
  }
}
