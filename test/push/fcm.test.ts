import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetFcmTokens } from "../../shared/push/fcm";
import { api, json, registerUser, type TestUser } from "../helpers";
import { installFakeFcm } from "../kit/fake-fcm";
import { callCommand, placeCall } from "../calls/fixtures";
import { openGroup, postMessage } from "../chat/fixtures";
import { eventually, listDevices } from "./fixtures";

beforeEach(() => forgetFcmTokens());
afterEach(() => vi.restoreAllMocks());

async function fcmDevice(user: TestUser): Promise<string> {
  const token = `fcm-${crypto.randomUUID()}`;
  const response = await api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token } });
  expect(response.status).toBe(201);
  expect((await json(response)).kind).toBe("fcm");
  return token;
}

describe("FCM HTTP v1", () => {
  it("gets an OAuth token with a signed service-account assertion, keeps it, and sends data-only messages collapsed per chat", async () => {
    const fcm = installFakeFcm();
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob], "Cousins");
    const token = await fcmDevice(bob);
    const first = await postMessage(chat.id, alice, "first");
    await postMessage(chat.id, alice, "second");
    await eventually(() => expect(fcm.sent).toHaveLength(2));
    expect(fcm.rejected).toEqual([]);
    expect(fcm.tokenRequests).toHaveLength(1);
    const sent = fcm.sent.find((message) => message.data.messageId === first.id)!;
    expect(sent.token).toBe(token);
    expect(sent.data).toMatchObject({
      type: "message",
      chatId: chat.id,
      chatTitle: "Cousins",
      senderName: alice.displayName,
      excerpt: "first",
      seq: String(first.seq),
    });
    expect(sent.android).toEqual({ priority: "NORMAL", ttl: "86400s", collapse_key: `c${chat.id.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 32) });
    expect(sent.message.apns.headers).toMatchObject({ "apns-priority": "5", "apns-collapse-id": sent.android.collapse_key });
  });

  it("an access token FCM no longer takes is renewed once and the message still goes", async () => {
    const fcm = installFakeFcm();
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    await fcmDevice(bob);
    await postMessage(chat.id, alice, "one");
    await eventually(() => expect(fcm.sent).toHaveLength(1));
    fcm.revokeTokens();
    await postMessage(chat.id, alice, "two");
    await eventually(() => expect(fcm.sent.map((message) => message.data.excerpt)).toEqual(["one", "two"]));
    expect(fcm.tokenRequests).toHaveLength(2);
  });

  it("an incoming call goes with HIGH priority and the ring timeout as TTL", async () => {
    const fcm = installFakeFcm();
    const [caller, callee] = [await registerUser(), await registerUser()];
    await fcmDevice(callee);
    const call = await placeCall(caller, callee);
    await eventually(() => expect(fcm.sent).toHaveLength(1));
    expect(fcm.sent[0]!.data).toMatchObject({ type: "call.incoming", callId: call.id, callerName: caller.displayName });
    expect(fcm.sent[0]!.android.priority).toBe("HIGH");
    expect(Number(fcm.sent[0]!.android.ttl.slice(0, -1))).toBeGreaterThan(30);
    expect(fcm.sent[0]!.message.apns.headers["apns-priority"]).toBe("10");
    await callCommand(callee, call.id, "accept");
    await eventually(() => expect(fcm.sent[1]?.data).toMatchObject({ type: "call.stop", callId: call.id, status: "answered" }));
  });

  it("UNREGISTERED removes the device", async () => {
    const fcm = installFakeFcm();
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    await fcmDevice(bob);
    fcm.answerNext(404, {
      error: { code: 404, status: "NOT_FOUND", details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" }] },
    });
    await postMessage(chat.id, alice, "gone?");
    await eventually(async () => expect(await listDevices(bob)).toEqual([]));
  });
});
