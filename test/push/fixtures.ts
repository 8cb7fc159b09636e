import { expect, vi } from "vitest";
import { api, json, type TestUser } from "../helpers";
import { installPushService, type LocalPushService, type TestSubscription } from "../kit/push-service";

export async function applicationServerKey(user: TestUser): Promise<string> {
  const response = await api("/v1/push/config", { token: user.accessToken });
  expect(response.status).toBe(200);
  const key = (await json(response)).webPush.applicationServerKey;
  expect(typeof key).toBe("string");
  return key;
}

/** The local push service, answering for https://push.test until `vi.restoreAllMocks()`. */
export async function startPushService(user: TestUser): Promise<LocalPushService> {
  return installPushService(await applicationServerKey(user));
}

export async function registerSubscription(
  user: TestUser,
  subscription: TestSubscription,
  token = user.accessToken,
): Promise<{ id: string; kind: string; createdAt: string }> {
  const response = await api("/v1/me/devices", {
    token,
    body: { kind: "webpush", subscription: { endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys } },
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text);
}

/** A subscription of `user` at the push service, registered as a device of the user's session. */
export async function subscribeDevice(service: LocalPushService, user: TestUser): Promise<TestSubscription & { deviceId: string }> {
  const subscription = await service.subscribe();
  const device = await registerSubscription(user, subscription);
  return { ...subscription, deviceId: device.id };
}

export async function listDevices(user: TestUser): Promise<{ id: string; kind: string; current: boolean; lastFailureReason: string | null }[]> {
  const response = await api("/v1/me/devices", { token: user.accessToken });
  expect(response.status).toBe(200);
  return (await json(response)).items;
}

/** Waits until `check` passes (the JOBS queue runs the fan-out). */
export const eventually = (check: () => void | Promise<void>, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 50 });

/** Gives queued work time to run when asserting that nothing arrives. */
export const settle = (ms = 2_500) => new Promise((resolve) => setTimeout(resolve, ms));
