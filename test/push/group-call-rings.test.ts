// Security round 3, finding 2: a group call rings (push and in-app) only the members whose
// settings let it, exactly as a message would notify them: the chat's level and mute (the general
// chat is off unless turned on), quiet hours with the allowed callers; and only moderators start a
// call in the general chat unless GENERAL_CHAT_CALLS opens it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../shared/clock";
import { placeChatCall } from "../../shared/calls/group-calls";
import { GENERAL_CHAT_ID } from "../../shared/chat/model";
import { connectHub, openGroup } from "../chat/fixtures";
import { acceptSocket, api, expectProblem, json, registerUser, type TestUser, upgrade } from "../helpers";
import { testDeps } from "../kit/deps";
import type { LocalPushService, TestSubscription } from "../kit/push-service";
import { makeModerator } from "../kit/users";
import { eventually, startPushService, subscribeDevice } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
  clock.reset();
});

const tomorrow = () => new Date(clock.now() + 86_400_000).toISOString();

async function chatNotifications(user: TestUser, chatId: string, body: { level: "all" | "mentions" | "off"; mutedUntil?: string | null }) {
  const response = await api(`/v1/chats/${chatId}/notifications`, { method: "PUT", token: user.accessToken, body });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function startCall(starter: TestUser, chatId: string) {
  const response = await api("/v1/calls", { token: starter.accessToken, body: { chatId, type: "voice" } });
  expect(response.status, await response.clone().text()).toBe(201);
  return json(response);
}

/** Joins and leaves the call: with nobody else in it, it ends (a later test may start a new one). */
async function endCall(user: TestUser, callId: string) {
  const socket = acceptSocket(await upgrade(`/v1/group-calls/${callId}/ws`, { authorization: `Bearer ${user.accessToken}` }));
  await socket.next("room.state");
  socket.send({ type: "leave" });
  await socket.waitClosed();
}

/** Waits until the ring reached `rung` (a device each), then checks the others got nothing. */
type Device = TestSubscription & { deviceId: string };

async function expectRung(service: LocalPushService, rung: Device[], silent: Device[]) {
  await eventually(() => {
    for (const device of rung) expect(service.deliveredTo(device).map((push) => push.payload.type)).toEqual(["call.incoming"]);
  });
  // The fan-out for every recipient ran in the job that reached the rung ones: the others would be there by now.
  for (const device of silent) expect(service.deliveredTo(device), "rang a member who turned it off").toEqual([]);
}

describe("finding 2: group call rings honour the member's chat level and mute", () => {
  it("a group chat: off, muted and mentions-only members are not rung; the others are", async () => {
    const [starter, plain, off, muted, mentionsOnly] = await Promise.all(Array.from({ length: 5 }, () => registerUser()));
    const service = await startPushService(starter!);
    const devices = await Promise.all([plain, off, muted, mentionsOnly].map((user) => subscribeDevice(service, user!)));
    const chat = await openGroup(starter!, [plain!, off!, muted!, mentionsOnly!]);
    await chatNotifications(off!, chat.id, { level: "off" });
    await chatNotifications(muted!, chat.id, { level: "all", mutedUntil: tomorrow() });
    await chatNotifications(mentionsOnly!, chat.id, { level: "mentions" });
    await startCall(starter!, chat.id);
    await expectRung(service, [devices[0]!], devices.slice(1));
  });

  it("a muted member's open app gets the running call, not a ring", async () => {
    const [starter, muted] = await Promise.all([registerUser(), registerUser()]);
    const chat = await openGroup(starter, [muted]);
    await chatNotifications(muted, chat.id, { level: "off", mutedUntil: tomorrow() });
    const hub = await connectHub(muted);
    const call = await startCall(starter, chat.id);
    const frame = await hub.next("group_call.state");
    expect(frame.call.id).toBe(call.id);
    expect(hub.frames.map((received) => received.type)).not.toContain("group_call.incoming");
    hub.close();
  });

  it("quiet hours keep a group call silent unless the starter is an allowed caller", async () => {
    const [starter, quiet, allows] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const service = await startPushService(starter);
    const [quietPhone, allowsPhone] = await Promise.all([subscribeDevice(service, quiet), subscribeDevice(service, allows)]);
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const aroundNow = { start: hhmm(clock.now() - 3_600_000), end: hhmm(clock.now() + 3_600_000), timezone: "UTC" };
    for (const [user, callsAllowedFrom] of [
      [quiet, []],
      [allows, [starter.id]],
    ] as const) {
      const response = await api("/v1/me/notification-settings", {
        method: "PATCH",
        token: user.accessToken,
        body: { quietHours: aroundNow, callsAllowedFrom },
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }
    const chat = await openGroup(starter, [quiet, allows]);
    await startCall(starter, chat.id);
    await expectRung(service, [allowsPhone], [quietPhone]);
  });
});

describe("finding 2: the general chat", () => {
  it("only moderators start a call there by default: a member gets 403 general_chat_calls_restricted", async () => {
    const member = await registerUser();
    await expectProblem(
      await api("/v1/calls", { token: member.accessToken, body: { chatId: GENERAL_CHAT_ID, type: "voice" } }),
      403,
      "general_chat_calls_restricted",
    );
  });

  it("a moderator's call rings only those who turned the general chat on, not the muted or the never-asked", async () => {
    const [moderator, neverAsked, turnedOn, turnedOnMuted] = await Promise.all(Array.from({ length: 4 }, () => registerUser()));
    await makeModerator(moderator!);
    const service = await startPushService(moderator!);
    const devices = await Promise.all([neverAsked, turnedOn, turnedOnMuted].map((user) => subscribeDevice(service, user!)));
    await chatNotifications(turnedOn!, GENERAL_CHAT_ID, { level: "all" });
    await chatNotifications(turnedOnMuted!, GENERAL_CHAT_ID, { level: "all", mutedUntil: tomorrow() });
    const call = await startCall(moderator!, GENERAL_CHAT_ID);
    await expectRung(service, [devices[1]!], [devices[0]!, devices[2]!]);
    await endCall(moderator!, call.id);
  });

  it("GENERAL_CHAT_CALLS=members lets every member start one; =none nobody", async () => {
    const member = await registerUser();
    const open = await placeChatCall(testDeps({ vars: { GENERAL_CHAT_CALLS: "members" } }), member.id, { chatId: GENERAL_CHAT_ID, type: "voice" });
    expect(open.kind).toBe("group");
    await endCall(member, open.call.id);
    const moderator = await registerUser();
    await makeModerator(moderator);
    await expect(
      placeChatCall(testDeps({ vars: { GENERAL_CHAT_CALLS: "none" } }), moderator.id, { chatId: GENERAL_CHAT_ID, type: "voice" }),
    ).rejects.toMatchObject({
      status: 403,
      code: "general_chat_calls_restricted",
    });
  });
});
