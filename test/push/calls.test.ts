import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../shared/clock";
import { configOf } from "../../shared/config";
import { CallIncomingPushSchema, CallStopPushSchema } from "../../shared/push/payloads";
import { api, registerUser, type TestUser } from "../helpers";
import { callCommand, placeCall } from "../calls/fixtures";
import { eventually, settle, startPushService, subscribeDevice } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
  clock.reset();
});

const ringTimeoutSeconds = configOf(env).calls.ringTimeoutSeconds;
const topicOfCall = (callId: string) => `k${callId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 32);

async function pair() {
  const caller = await registerUser();
  const callee = await registerUser();
  const service = await startPushService(caller);
  const phone = await subscribeDevice(service, callee);
  const laptop = await subscribeDevice(service, callee);
  return { caller, callee, service, phone, laptop };
}

function quietNow(callee: TestUser, callsAllowedFrom: string[] = []) {
  const now = new Date();
  const hh = (offset: number) => `${String((now.getUTCHours() + offset + 24) % 24).padStart(2, "0")}:00`;
  return api("/v1/me/notification-settings", {
    method: "PATCH",
    token: callee.accessToken,
    body: { quietHours: { start: hh(-1), end: hh(2), timezone: "UTC" }, callsAllowedFrom },
  });
}

describe("an incoming call pushes to the callee's devices", () => {
  it("rings every device: Urgency high, TTL the ring timeout, the call's Topic, the caller's name", async () => {
    const { caller, callee, service, phone, laptop } = await pair();
    const call = await placeCall(caller, callee, "video");
    await eventually(() => {
      expect(service.deliveredTo(phone)).toHaveLength(1);
      expect(service.deliveredTo(laptop)).toHaveLength(1);
    });
    const [ring] = service.deliveredTo(phone);
    expect(ring!.urgency).toBe("high");
    expect(ring!.ttl).toBeLessThanOrEqual(ringTimeoutSeconds);
    expect(ring!.ttl).toBeGreaterThan(ringTimeoutSeconds - 15);
    expect(ring!.topic).toBe(topicOfCall(call.id));
    expect(ring!.payload).toEqual({
      type: "call.incoming",
      callId: call.id,
      callType: "video",
      callerId: caller.id,
      callerName: caller.displayName,
      ringsUntil: expect.any(String),
    });
    expect(CallIncomingPushSchema.parse(ring!.payload)).toEqual(ring!.payload);
    expect(Date.parse(ring!.payload.ringsUntil)).toBe(Date.parse(call.createdAt) + ringTimeoutSeconds * 1000);
    expect(service.rejected).toEqual([]);
  });

  it("answered on one device: every device that rang gets the stop-ringing push, same Topic", async () => {
    const { caller, callee, service, phone, laptop } = await pair();
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(laptop)).toHaveLength(1));
    expect((await callCommand(callee, call.id, "accept")).status).toBe(200);
    await eventually(() => {
      expect(service.deliveredTo(phone)).toHaveLength(2);
      expect(service.deliveredTo(laptop)).toHaveLength(2);
    });
    const stop = service.deliveredTo(phone)[1]!;
    expect(stop.payload).toEqual({ type: "call.stop", callId: call.id, status: "answered", callerName: caller.displayName });
    expect(CallStopPushSchema.parse(stop.payload)).toEqual(stop.payload);
    expect(stop.urgency).toBe("high");
    expect(stop.topic).toBe(topicOfCall(call.id));
  });

  it("cancelled by the caller: the ringing stops (status missed)", async () => {
    const { caller, callee, service, phone } = await pair();
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    expect((await callCommand(caller, call.id, "end")).status).toBe(200);
    await eventually(() => expect(service.deliveredTo(phone).map((push) => push.payload.type)).toEqual(["call.incoming", "call.stop"]));
    expect(service.deliveredTo(phone)[1]!.payload.status).toBe("missed");
  });

  it("rejected: the ringing stops", async () => {
    const { caller, callee, service, phone } = await pair();
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    expect((await callCommand(callee, call.id, "reject")).status).toBe(200);
    await eventually(() => expect(service.deliveredTo(phone)[1]?.payload).toMatchObject({ type: "call.stop", status: "rejected" }));
  });

  it("missed at the ring timeout: the ringing stops", async () => {
    const { caller, callee, service, phone } = await pair();
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    clock.advance(ringTimeoutSeconds * 1000 + 1000);
    await runDurableObjectAlarm(env.CALL_SESSION.getByName(call.id));
    await eventually(() => expect(service.deliveredTo(phone)[1]?.payload).toMatchObject({ type: "call.stop", callId: call.id, status: "missed" }));
  });

  it("a device registered after the ring gets no stop push (it never rang)", async () => {
    const { caller, callee, service, phone } = await pair();
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    const tablet = await subscribeDevice(service, callee);
    await callCommand(caller, call.id, "end");
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(2));
    await settle(1_000);
    expect(service.attemptsTo(tablet)).toEqual([]);
  });

  it("content-free mode: the ring carries only {type, callId}", async () => {
    const { caller, callee, service, phone } = await pair();
    expect((await api("/v1/me/notification-settings", { method: "PATCH", token: callee.accessToken, body: { content: "none" } })).status).toBe(200);
    const call = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    expect(service.deliveredTo(phone)[0]!.payload).toEqual({ type: "call.incoming", callId: call.id });
  });

  it("quiet hours: no ringing, unless the caller is one the callee chose", async () => {
    const { caller, callee, service, phone } = await pair();
    expect((await quietNow(callee)).status).toBe(200);
    const first = await placeCall(caller, callee);
    await settle(2_000);
    expect(service.attemptsTo(phone)).toEqual([]);
    await callCommand(caller, first.id, "end");
    expect((await quietNow(callee, [caller.id])).status).toBe(200);
    const second = await placeCall(caller, callee);
    await eventually(() => expect(service.deliveredTo(phone).map((push) => push.payload.callId)).toEqual([second.id]));
  });
});
