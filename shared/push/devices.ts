import type { Deps } from "../platform/deps-types";
import { ApiError, notFound } from "../http/errors";
import { newId } from "../ids";
import { logEvent } from "../observability/log";
import { checkPushEndpoint } from "./endpoint-rules";
import {
  deleteSessionDevices,
  deleteUserDevice,
  deleteDeviceById,
  findDeviceByAddress,
  insertDeviceWithinCap,
  listUserDevices,
  type PushDeviceRecord,
  rebindDevice,
} from "./records";
import { validSubscriptionKeys, vapidKeysOf } from "./web-push";

export type NewDevice = { kind: "webpush"; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } } | { kind: "fcm"; token: string };

export interface PublicDevice {
  id: string;
  kind: "webpush" | "fcm";
  createdAt: string;
  /** Whether the session that registered it is the caller's. */
  current: boolean;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailureReason: string | null;
}

export function toPublicDevice(device: PushDeviceRecord, sessionId: string): PublicDevice {
  return {
    id: device.id,
    kind: device.kind,
    createdAt: device.createdAt.toISOString(),
    current: device.sessionId === sessionId,
    lastSuccessAt: device.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: device.lastFailureAt?.toISOString() ?? null,
    lastFailureReason: device.lastFailureReason ?? null,
  };
}

/** GET /v1/push/config: what a client needs to subscribe. */
export async function pushClientConfig(deps: Deps): Promise<{ webPush: { applicationServerKey: string | null }; fcm: { enabled: boolean } }> {
  const { vapidPrivateKey, vapidSubject, fcmServiceAccount } = deps.config.push;
  const keys = vapidPrivateKey ? await vapidKeysOf(vapidPrivateKey, vapidSubject).catch(() => null) : null;
  return { webPush: { applicationServerKey: keys?.publicKey ?? null }, fcm: { enabled: Boolean(fcmServiceAccount) } };
}

/**
 * POST /v1/me/devices: the device belongs to the caller's session. An address the caller
 * registered before moves to this session (and takes the keys sent now): `created` false. An
 * address another account registered is taken from it: the browser or phone is this account's now.
 */
export async function registerDevice(
  deps: Deps,
  principal: { userId: string; sessionId: string },
  input: NewDevice,
): Promise<{ device: PushDeviceRecord; created: boolean }> {
  const { push } = deps.config;
  let address: string;
  let p256dh: string | null = null;
  let auth: string | null = null;
  if (input.kind === "webpush") {
    if (!push.vapidPrivateKey) throw new ApiError(409, "push_kind_unavailable", "Web Push is not configured on this server");
    const verdict = checkPushEndpoint(input.subscription.endpoint, push.allowInsecureEndpoints);
    if (!verdict.ok) throw new ApiError(400, "invalid_push_endpoint", verdict.detail);
    if (!(await validSubscriptionKeys(input.subscription.keys.p256dh, input.subscription.keys.auth))) {
      throw new ApiError(400, "invalid_push_keys", "The subscription keys are not a P-256 public key (65 bytes) and a 16-byte auth secret, base64url");
    }
    address = verdict.url.href;
    p256dh = input.subscription.keys.p256dh;
    auth = input.subscription.keys.auth;
  } else {
    if (!push.fcmServiceAccount) throw new ApiError(409, "push_kind_unavailable", "FCM is not configured on this server");
    address = input.token;
  }
  const existing = await findDeviceByAddress(deps.db, address);
  if (existing && existing.userId === principal.userId) {
    const device = await rebindDevice(deps.db, existing.id, { sessionId: principal.sessionId, p256dh, auth });
    if (device) return { device, created: false };
  } else if (existing) {
    await deleteDeviceById(deps.db, existing.id);
  }
  const now = deps.clock.now();
  const device: PushDeviceRecord = {
    id: newId(now),
    userId: principal.userId,
    sessionId: principal.sessionId,
    kind: input.kind,
    address,
    p256dh,
    auth,
    createdAt: new Date(now),
    lastSuccessAt: null,
    lastFailureAt: null,
    lastFailureReason: null,
  };
  let inserted: boolean;
  try {
    inserted = await insertDeviceWithinCap(deps.db, device, push.maxDevicesPerUser);
  } catch (error) {
    // The same address registered by a request running alongside this one: that one's device.
    const raced = await findDeviceByAddress(deps.db, address);
    if (raced && raced.userId === principal.userId) return { device: raced, created: false };
    throw error;
  }
  if (!inserted) throw new ApiError(409, "too_many_devices", `At most ${push.maxDevicesPerUser} devices may be registered; remove one first`);
  return { device, created: true };
}

export async function listDevices(deps: Deps, principal: { userId: string; sessionId: string }): Promise<{ items: PublicDevice[] }> {
  return { items: (await listUserDevices(deps.db, principal.userId)).map((device) => toPublicDevice(device, principal.sessionId)) };
}

/** DELETE /v1/me/devices/:id; another user's device is `404` like one that does not exist. */
export async function removeDevice(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await deleteUserDevice(deps.db, userId, id))) throw notFound("No such device");
}

/**
 * These sessions ended (logout, revocation, password change, a reused refresh token, account
 * deletion): their devices are removed. Fan-out already skips devices of ended sessions, so a
 * push can not reach them even if this fails; the failure is logged, never thrown into the
 * request that ended the session.
 */
export async function removeSessionDevices(deps: Deps, sessionIds: readonly string[]): Promise<void> {
  try {
    await deleteSessionDevices(deps.db, sessionIds);
  } catch (error) {
    logEvent("warn", "removing the devices of ended sessions failed", { sessions: sessionIds.length, error: String(error) });
  }
}
