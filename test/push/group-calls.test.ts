import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../shared/clock";
import { CallIncomingPushSchema, CallStopPushSchema } from "../../shared/push/payloads";
import { acceptSocket, api, json, registerUser, upgrade } from "../helpers";
import { openGroup } from "../chat/fixtures";
import { eventually, startPushService, subscribeDevice } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
  clock.reset();
});

describe("a group call pushes to the members' devices", () => {
  it("rings every other member's devices with the chat and the starter's name, and stops them when the call ends", async () => {
    const [starter, b, c] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const service = await startPushService(starter);
    const starterPhone = await subscribeDevice(service, starter);
    const bPhone = await subscribeDevice(service, b);
    const cLaptop = await subscribeDevice(service, c);
    const chat = await openGroup(starter, [b, c]);
    const call = await json(await api("/v1/calls", { token: starter.accessToken, body: { chatId: chat.id, type: "video" } }));

    await eventually(() => {
      expect(service.deliveredTo(bPhone)).toHaveLength(1);
      expect(service.deliveredTo(cLaptop)).toHaveLength(1);
    });
    const [ring] = service.deliveredTo(bPhone);
    expect(ring!.urgency).toBe("high");
    expect(ring!.payload).toEqual({
      type: "call.incoming",
      callId: call.id,
      chatId: chat.id,
      callType: "video",
      callerId: starter.id,
      callerName: starter.displayName,
      ringsUntil: expect.any(String),
    });
    expect(CallIncomingPushSchema.parse(ring!.payload)).toEqual(ring!.payload);
    expect(service.deliveredTo(starterPhone)).toEqual([]);

    // The starter joins and leaves: the call ends and the rung devices stop.
    const socket = acceptSocket(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${starter.accessToken}` }));
    await socket.next("room.state");
    socket.send({ type: "leave" });
    await socket.waitClosed();
    await eventually(() => {
      expect(service.deliveredTo(bPhone)).toHaveLength(2);
      expect(service.deliveredTo(cLaptop)).toHaveLength(2);
    });
    const stop = service.deliveredTo(cLaptop)[1]!;
    expect(stop.payload).toEqual({ type: "call.stop", callId: call.id, chatId: chat.id, status: "ended" });
    expect(CallStopPushSchema.parse(stop.payload)).toEqual(stop.payload);
    expect(stop.topic).toBe(ring!.topic);
    expect(service.deliveredTo(starterPhone)).toEqual([]);
  });
});
