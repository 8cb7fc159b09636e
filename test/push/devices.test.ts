import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerDevice } from "../../shared/push/devices";
import { api, expectProblem, json, login, registerUser } from "../helpers";
import { testDeps } from "../kit/deps";
import { b64u, LocalPushService } from "../kit/push-service";
import { listDevices, registerSubscription } from "./fixtures";

afterEach(() => vi.restoreAllMocks());

const service = new LocalPushService("unused");
const webpush = (endpoint: string, keys: { p256dh: string; auth: string }) => ({ kind: "webpush", subscription: { endpoint, keys } });

describe("GET /v1/push/config", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/push/config"), 401, "unauthorized");
  });

  it("gives the VAPID public key (a P-256 point) and whether FCM is on", async () => {
    const user = await registerUser();
    const body = await json(await api("/v1/push/config", { token: user.accessToken }));
    expect(body.fcm).toEqual({ enabled: true });
    const point = b64u.decode(body.webPush.applicationServerKey);
    expect(point.byteLength).toBe(65);
    expect(point[0]).toBe(4);
  });
});

describe("POST /v1/me/devices", () => {
  it("needs a token", async () => {
    const subscription = await service.subscribe();
    await expectProblem(await api("/v1/me/devices", { body: webpush(subscription.endpoint, subscription.keys) }), 401, "unauthorized");
  });

  it("registers a Web Push subscription of the current session: 201 {id, kind, createdAt}", async () => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    const device = await registerSubscription(user, subscription);
    expect(device).toEqual({ id: expect.any(String), kind: "webpush", createdAt: expect.any(String) });
    expect(await listDevices(user)).toEqual([expect.objectContaining({ id: device.id, kind: "webpush", current: true, lastFailureReason: null })]);
  });

  it("the same endpoint again is the same device, now of the session that sent it (200)", async () => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    const first = await registerSubscription(user, subscription);
    const other = await json(await login(user));
    const again = await api("/v1/me/devices", { token: other.accessToken, body: webpush(subscription.endpoint, subscription.keys) });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(first.id);
    expect(await listDevices(user)).toEqual([expect.objectContaining({ id: first.id, current: false })]);
  });

  it("an endpoint another account registered moves to the new account", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const subscription = await service.subscribe();
    await registerSubscription(alice, subscription);
    await registerSubscription(bob, subscription);
    expect(await listDevices(alice)).toEqual([]);
    expect(await listDevices(bob)).toHaveLength(1);
  });

  it("registers an FCM token", async () => {
    const user = await registerUser();
    const response = await api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token: `fcm-token-${crypto.randomUUID()}` } });
    expect(response.status).toBe(201);
    expect((await json(response)).kind).toBe("fcm");
  });

  it.each([
    ["no kind", { subscription: {} }],
    ["an unknown kind", { kind: "apns", token: "x" }],
    ["a subscription without keys", { kind: "webpush", subscription: { endpoint: "https://push.test/push/x" } }],
    ["keys that are not base64url", { kind: "webpush", subscription: { endpoint: "https://push.test/push/x", keys: { p256dh: "not base64!", auth: "AAAA" } } }],
    ["an unknown field", { kind: "fcm", token: "abc", extra: true }],
    ["an empty FCM token", { kind: "fcm", token: "" }],
    ["a body that is not an object", [1, 2]],
  ])("refuses %s: 400 invalid_body", async (_, body) => {
    const user = await registerUser();
    const problem = await expectProblem(await api("/v1/me/devices", { token: user.accessToken, body }), 400, "invalid_body");
    expect(problem.errors.length).toBeGreaterThan(0);
  });

  it.each([
    ["plain http", "http://push.example.com/push/1"],
    ["loopback", "https://127.0.0.1/push/1"],
    ["localhost", "https://localhost/push/1"],
    ["a private network", "https://10.1.2.3/push/1"],
    ["link-local (cloud metadata)", "https://169.254.169.254/latest"],
    ["IPv6 loopback", "https://[::1]/push/1"],
    ["IPv6 unique local", "https://[fd00::1]/push/1"],
    ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/push/1"],
    ["a single-label host", "https://router/push/1"],
    ["credentials in the URL", "https://user:pw@push.example.com/push/1"],
    ["not a URL", "push.example.com/push/1"],
  ])("refuses an endpoint with %s: 400 invalid_push_endpoint", async (_, endpoint) => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    await expectProblem(await api("/v1/me/devices", { token: user.accessToken, body: webpush(endpoint, subscription.keys) }), 400, "invalid_push_endpoint");
  });

  it("refuses keys that are not a P-256 point and a 16-byte secret: 400 invalid_push_keys", async () => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    const badPoint = b64u.encode(new Uint8Array(65).fill(7));
    await expectProblem(
      await api("/v1/me/devices", { token: user.accessToken, body: webpush(subscription.endpoint, { ...subscription.keys, p256dh: badPoint }) }),
      400,
      "invalid_push_keys",
    );
    await expectProblem(
      await api("/v1/me/devices", {
        token: user.accessToken,
        body: webpush(subscription.endpoint, { ...subscription.keys, auth: b64u.encode(new Uint8Array(8)) }),
      }),
      400,
      "invalid_push_keys",
    );
  });

  it("bounds the devices per user: 409 too_many_devices", async () => {
    const user = await registerUser();
    const session = await json(await api("/v1/auth/sessions", { token: user.accessToken }));
    const principal = { userId: user.id, sessionId: session.items[0].id };
    const deps = testDeps({ vars: { PUSH_MAX_DEVICES_PER_USER: "2" } });
    for (let i = 0; i < 2; i++) await registerDevice(deps, principal, { kind: "fcm", token: `t-${crypto.randomUUID()}` });
    await expect(registerDevice(deps, principal, { kind: "fcm", token: `t-${crypto.randomUUID()}` })).rejects.toMatchObject({
      status: 409,
      code: "too_many_devices",
    });
  });

  it("accepts a local http push service only with PUSH_ALLOW_INSECURE_ENDPOINTS outside production", async () => {
    const user = await registerUser();
    const session = await json(await api("/v1/auth/sessions", { token: user.accessToken }));
    const principal = { userId: user.id, sessionId: session.items[0].id };
    const subscription = await service.subscribe();
    const local = { kind: "webpush" as const, subscription: { endpoint: "http://127.0.0.1:9/push/1", keys: subscription.keys } };
    await expect(registerDevice(testDeps(), principal, local)).rejects.toMatchObject({ code: "invalid_push_endpoint" });
    const dev = testDeps({ vars: { PUSH_ALLOW_INSECURE_ENDPOINTS: "true" } });
    expect((await registerDevice(dev, principal, local)).created).toBe(true);
    const production = testDeps({ vars: { PUSH_ALLOW_INSECURE_ENDPOINTS: "true", ENVIRONMENT: "production" } });
    await expect(
      registerDevice(production, principal, { ...local, subscription: { ...local.subscription, endpoint: "http://127.0.0.1:9/push/2" } }),
    ).rejects.toMatchObject({
      code: "invalid_push_endpoint",
    });
  });

  it("without VAPID keys Web Push cannot be registered: 409 push_kind_unavailable", async () => {
    const user = await registerUser();
    const session = await json(await api("/v1/auth/sessions", { token: user.accessToken }));
    const subscription = await service.subscribe();
    const deps = testDeps({ vars: { PUSH_VAPID_PRIVATE_KEY: "" } });
    await expect(
      registerDevice(
        deps,
        { userId: user.id, sessionId: session.items[0].id },
        { kind: "webpush", subscription: { endpoint: subscription.endpoint, keys: subscription.keys } },
      ),
    ).rejects.toMatchObject({ status: 409, code: "push_kind_unavailable" });
  });
});

describe("GET /v1/me/devices", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/me/devices"), 401, "unauthorized");
  });

  it("lists only the caller's devices", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    await registerSubscription(alice, await service.subscribe());
    expect(await listDevices(bob)).toEqual([]);
    expect(await listDevices(alice)).toHaveLength(1);
  });
});

describe("DELETE /v1/me/devices/:id", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/me/devices/x", { method: "DELETE" }), 401, "unauthorized");
  });

  it("removes the caller's device: 204, then 404", async () => {
    const user = await registerUser();
    const device = await registerSubscription(user, await service.subscribe());
    expect((await api(`/v1/me/devices/${device.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect(await listDevices(user)).toEqual([]);
    await expectProblem(await api(`/v1/me/devices/${device.id}`, { method: "DELETE", token: user.accessToken }), 404, "not_found");
  });

  it("someone else's device is 404 and stays", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const device = await registerSubscription(alice, await service.subscribe());
    await expectProblem(await api(`/v1/me/devices/${device.id}`, { method: "DELETE", token: bob.accessToken }), 404, "not_found");
    expect(await listDevices(alice)).toHaveLength(1);
  });

  it("an id that is too long is 400", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/me/devices/${"x".repeat(65)}`, { method: "DELETE", token: user.accessToken }), 400, "invalid_path");
  });
});

describe("a device belongs to its session", () => {
  const deviceCount = async (userId: string) =>
    (await env.DB.prepare("SELECT COUNT(*) AS n FROM push_devices WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

  it("logout removes the session's devices and no other session's", async () => {
    const user = await registerUser();
    const other = await json(await login(user));
    await registerSubscription(user, await service.subscribe());
    await registerSubscription(user, await service.subscribe(), other.accessToken);
    expect(await deviceCount(user.id)).toBe(2);
    expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
    expect(await deviceCount(user.id)).toBe(1);
    const remaining = await json(await api("/v1/me/devices", { token: other.accessToken }));
    expect(remaining.items).toEqual([expect.objectContaining({ current: true })]);
  });

  it("revoking a session removes its devices", async () => {
    const user = await registerUser();
    const other = await json(await login(user));
    await registerSubscription(user, await service.subscribe(), other.accessToken);
    const sessions = await json(await api("/v1/auth/sessions", { token: user.accessToken }));
    const otherId = sessions.items.find((session: { current: boolean }) => !session.current).id;
    expect((await api(`/v1/auth/sessions/${otherId}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect(await deviceCount(user.id)).toBe(0);
  });

  it("a password change removes the devices of the other sessions", async () => {
    const user = await registerUser();
    const other = await json(await login(user));
    await registerSubscription(user, await service.subscribe(), other.accessToken);
    await registerSubscription(user, await service.subscribe());
    const response = await api("/v1/auth/password/change", {
      token: user.accessToken,
      body: { currentPassword: user.password, newPassword: `${user.password} renewed 42` },
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    const remaining = await json(await api("/v1/me/devices", { token: user.accessToken }));
    expect(remaining.items).toEqual([expect.objectContaining({ current: true })]);
  });

  it("deleting the account removes every device", async () => {
    const user = await registerUser();
    await registerSubscription(user, await service.subscribe());
    const response = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
    expect(response.status, await response.clone().text()).toBe(204);
    expect(await deviceCount(user.id)).toBe(0);
  });
});

describe("account data", () => {
  it("the export has the user's devices (never their keys or endpoint), settings and levels", async () => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    const device = await registerSubscription(user, subscription);
    expect((await api("/v1/me/notification-settings", { method: "PATCH", token: user.accessToken, body: { content: "none" } })).status).toBe(200);
    expect((await api("/v1/chats/general/notifications", { method: "PUT", token: user.accessToken, body: { level: "mentions" } })).status).toBe(200);
    const response = await api("/v1/me/export", { token: user.accessToken });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const push = JSON.parse(text).modules.push;
    expect(push.devices).toEqual([expect.objectContaining({ id: device.id, kind: "webpush" })]);
    expect(push.settings).toMatchObject({ content: "none" });
    expect(push.chats).toEqual([{ chatId: "general", level: "mentions", mutedUntil: null }]);
    expect(text).not.toContain(subscription.keys.auth);
    expect(text).not.toContain(subscription.endpoint);
  });
});

describe("registering the same subscription at once", () => {
  it("parallel registrations of one endpoint make one device, never a 500", async () => {
    const user = await registerUser();
    const subscription = await service.subscribe();
    const body = webpush(subscription.endpoint, subscription.keys);
    const answers = await Promise.all(Array.from({ length: 4 }, () => api("/v1/me/devices", { token: user.accessToken, body })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 201]);
    expect(await listDevices(user)).toHaveLength(1);
  });
});
