import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliver, runPushSendJob } from "../../shared/push/delivery";
import type { PushEvent } from "../../shared/push/events";
import { runPushFanout } from "../../shared/push/fanout";
import { MessagePushSchema } from "../../shared/push/payloads";
import { findDelivery, findLiveDevice } from "../../shared/push/records";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { QueuedJob } from "../../shared/env";
import { handleJobBatch } from "../../workers/jobs/queue";
import { jobHandlers } from "../../workers/modules";
import { api, json, registerUser, type TestUser } from "../helpers";
import { testDeps } from "../kit/deps";
import type { JobMessage } from "../../shared/env";
import { connect, openGroup, postMessage } from "../chat/fixtures";
import { eventually, listDevices, settle, startPushService, subscribeDevice } from "./fixtures";

afterEach(() => vi.restoreAllMocks());

const topicOfChat = (chatId: string) => `c${chatId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 32);

async function group(count: number, title = "Family") {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser()));
  const chat = await openGroup(users[0]!, users.slice(1), title);
  return { users, chat };
}

async function setLevel(user: TestUser, chatId: string, body: Record<string, unknown>) {
  const response = await api(`/v1/chats/${chatId}/notifications`, { method: "PUT", token: user.accessToken, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

describe("a new message pushes to members without a socket in the chat", () => {
  it("an offline member gets the message: encrypted, VAPID-signed, with title, sender and excerpt; the sender gets nothing", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const alicePhone = await subscribeDevice(service, alice);
    const bobPhone = await subscribeDevice(service, bob);
    const message = await postMessage(chat.id, alice, "Dinner at eight? Bring the cake");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1));
    const [push] = service.deliveredTo(bobPhone);
    expect(push!.payload).toEqual({
      type: "message",
      chatId: chat.id,
      messageId: message.id,
      seq: message.seq,
      chatTitle: "Family",
      senderName: alice.displayName,
      excerpt: "Dinner at eight? Bring the cake",
      sentAt: expect.any(String),
    });
    expect(MessagePushSchema.parse(push!.payload)).toEqual(push!.payload);
    expect(push!.urgency).toBe("normal");
    expect(push!.ttl).toBe(86_400);
    expect(push!.topic).toBe(topicOfChat(chat.id));
    expect(service.rejected).toEqual([]);
    await settle(1_000);
    expect(service.attemptsTo(alicePhone)).toEqual([]);
    const delivery = await findDelivery(testDeps().db, `message:${message.id}`, bobPhone.deviceId);
    expect(delivery).toMatchObject({ status: "sent", attempts: 1, reason: null });
  });

  it("a member with a socket open in that chat gets no push; one without does", async () => {
    const { users, chat } = await group(3);
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const carolPhone = await subscribeDevice(service, carol);
    const socket = await connect(chat.id, bob);
    await postMessage(chat.id, alice, "who is online?");
    await eventually(() => expect(service.deliveredTo(carolPhone)).toHaveLength(1));
    await settle(1_000);
    expect(service.attemptsTo(bobPhone)).toEqual([]);

    // The room keeps who is connected between messages: a socket that opens or closes changes it.
    const carolSocket = await connect(chat.id, carol);
    await postMessage(chat.id, alice, "carol is here");
    socket.close();
    await settle(500);
    await postMessage(chat.id, alice, "and bob left");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1));
    expect(service.deliveredTo(bobPhone)[0]!.payload.excerpt).toBe("and bob left");
    await settle(1_000);
    expect(service.deliveredTo(carolPhone)).toHaveLength(1);
    carolSocket.close();
  });

  it("collapses per chat: every push of one chat carries that chat's Topic, another chat another", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const first = await openGroup(alice, [bob], "First");
    const second = await openGroup(alice, [bob], "Second");
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    await postMessage(first.id, alice, "one");
    await postMessage(first.id, alice, "two");
    await postMessage(second.id, alice, "three");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(3));
    const topics = new Map(service.deliveredTo(bobPhone).map((push) => [push.payload.excerpt, push.topic]));
    expect(topics.get("one")).toBe(topicOfChat(first.id));
    expect(topics.get("two")).toBe(topicOfChat(first.id));
    expect(topics.get("three")).toBe(topicOfChat(second.id));
    expect(topicOfChat(first.id)).not.toBe(topicOfChat(second.id));
  });

  it("a muted chat pushes nothing: level off, or mutedUntil in the future; a mute that ended pushes again", async () => {
    const { users, chat } = await group(4);
    const [alice, off, muted, wasMuted] = users as [TestUser, TestUser, TestUser, TestUser];
    const service = await startPushService(alice);
    const offPhone = await subscribeDevice(service, off);
    const mutedPhone = await subscribeDevice(service, muted);
    const wasMutedPhone = await subscribeDevice(service, wasMuted);
    await setLevel(off, chat.id, { level: "off" });
    await setLevel(muted, chat.id, { level: "all", mutedUntil: new Date(Date.now() + 3_600_000).toISOString() });
    await setLevel(wasMuted, chat.id, { level: "all", mutedUntil: new Date(Date.now() - 1_000).toISOString() });
    await postMessage(chat.id, alice, "anyone?");
    await eventually(() => expect(service.deliveredTo(wasMutedPhone)).toHaveLength(1));
    await settle(1_000);
    expect(service.attemptsTo(offPhone)).toEqual([]);
    expect(service.attemptsTo(mutedPhone)).toEqual([]);
  });

  it("mentions only: a message without @name pushes nothing, one that mentions the member does", async () => {
    const alice = await registerUser();
    const bob = await registerUser({ displayName: `Bob ${crypto.randomUUID().slice(0, 6)}` });
    const chat = await openGroup(alice, [bob]);
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    expect(await setLevel(bob, chat.id, { level: "mentions" })).toEqual({ chatId: chat.id, level: "mentions", mutedUntil: null });
    await postMessage(chat.id, alice, "nothing for you here");
    await postMessage(chat.id, alice, `@${bob.displayName.toUpperCase()}x is not you either`);
    await postMessage(chat.id, alice, `hey @${bob.displayName}, call grandma`);
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1));
    await settle(1_000);
    expect(service.deliveredTo(bobPhone).map((push) => push.payload.excerpt)).toEqual([`hey @${bob.displayName}, call grandma`]);
  });

  it("mentions only: a mention by id (the message's `mentions`) pushes without `@name` in the text; another member's id does not", async () => {
    const [alice, bob, carol] = [await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob, carol]);
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    await setLevel(bob, chat.id, { level: "mentions" });
    const send = (text: string, mentions: string[]) =>
      api(`/v1/chats/${chat.id}/messages`, { token: alice.accessToken, body: { clientId: crypto.randomUUID(), text, mentions } });
    expect((await send("carol, your turn", [carol.id])).status).toBe(201);
    expect((await send("over to you", [bob.id])).status).toBe(201);
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1));
    await settle(1_000);
    expect(service.deliveredTo(bobPhone).map((push) => push.payload.excerpt)).toEqual(["over to you"]);
  });

  it("content-free mode: the push carries only {type, chatId, messageId}", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const patched = await api("/v1/me/notification-settings", { method: "PATCH", token: bob.accessToken, body: { content: "none" } });
    expect(patched.status).toBe(200);
    const message = await postMessage(chat.id, alice, "a secret");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1));
    expect(service.deliveredTo(bobPhone)[0]!.payload).toEqual({ type: "message", chatId: chat.id, messageId: message.id });
    expect(() => MessagePushSchema.parse(service.deliveredTo(bobPhone)[0]!.payload)).not.toThrow();
  });

  it("the general chat pushes only to members who turned it on", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    expect(await json(await api("/v1/chats/general/notifications", { token: bob.accessToken }))).toEqual({ chatId: "general", level: "off", mutedUntil: null });
    await postMessage("general", alice, "hello everyone");
    await settle(2_000);
    expect(service.attemptsTo(bobPhone)).toEqual([]);
    await setLevel(bob, "general", { level: "all" });
    await postMessage("general", alice, "hello again");
    await eventually(() => expect(service.deliveredTo(bobPhone).map((push) => push.payload.excerpt)).toEqual(["hello again"]));
  });

  it("ending the session stops its pushes at once: after logout nothing reaches its device", async () => {
    const { users, chat } = await group(3);
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const carolPhone = await subscribeDevice(service, carol);
    expect((await api("/v1/auth/logout", { method: "POST", token: bob.accessToken })).status).toBe(204);
    await postMessage(chat.id, alice, "after logout");
    await eventually(() => expect(service.deliveredTo(carolPhone)).toHaveLength(1));
    await settle(1_000);
    expect(service.attemptsTo(bobPhone)).toEqual([]);
  });

  it("a device whose session ended is never sent to, even before it is deleted", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    // The revocation alone (as if the device removal after it had failed).
    await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ?").bind(Date.now(), bob.id).run();
    expect(await findLiveDevice(testDeps().db, bobPhone.deviceId, new Date())).toBeUndefined();
    const message = await postMessage(chat.id, alice, "are you there?");
    const event: PushEvent = {
      type: "message",
      chatId: chat.id,
      messageId: message.id,
      seq: message.seq,
      senderId: alice.id,
      text: "x",
      createdAt: Date.now(),
      connectedUserIds: [],
    };
    expect(await runPushFanout(testDeps(), event)).toEqual({ devices: 0 });
    await settle(1_000);
    expect(service.attemptsTo(bobPhone)).toEqual([]);
  });
});

describe("delivery outcomes", () => {
  it("410 Gone removes the device and records why", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    service.expire(bobPhone);
    const message = await postMessage(chat.id, alice, "still there?");
    await eventually(async () => expect(await listDevices(bob)).toEqual([]));
    expect(await findDelivery(testDeps().db, `message:${message.id}`, bobPhone.deviceId)).toMatchObject({ status: "gone", reason: "gone_410" });
  });

  it("404 removes the device too", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    service.answerNext(bobPhone, 404);
    await postMessage(chat.id, alice, "hello?");
    await eventually(async () => expect(await listDevices(bob)).toEqual([]));
  });

  it("429 is retried after Retry-After, the failure recorded on the device", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    service.answerNext(bobPhone, 429, 1, { "retry-after": "2" });
    const message = await postMessage(chat.id, alice, "busy push service");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1), 15_000);
    const [refused, delivered] = service.attemptsTo(bobPhone);
    expect(refused!.status).toBe(429);
    expect(delivered!.receivedAt - refused!.receivedAt).toBeGreaterThanOrEqual(1_900);
    expect(delivered!.payload.messageId).toBe(message.id);
    expect(await findDelivery(testDeps().db, `message:${message.id}`, bobPhone.deviceId)).toMatchObject({ status: "sent", attempts: 2 });
    expect((await listDevices(bob))[0]).toMatchObject({ lastFailureReason: "http_429" });
  });

  it("5xx is retried with backoff until it gets through", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    service.answerNext(bobPhone, 500, 2);
    const message = await postMessage(chat.id, alice, "flaky");
    await eventually(() => expect(service.deliveredTo(bobPhone)).toHaveLength(1), 15_000);
    expect(service.attemptsTo(bobPhone).map((push) => push.status)).toEqual([500, 500, 201]);
    expect(await findDelivery(testDeps().db, `message:${message.id}`, bobPhone.deviceId)).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("a push that keeps failing is given up after PUSH_MAX_ATTEMPTS, with the reason; a 4xx is not retried", async () => {
    const { users } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const sent: JobMessage[] = [];
    const deps = testDeps({ vars: { PUSH_MAX_ATTEMPTS: "2" }, queue: { send: async (job) => void sent.push(job), sendBatch: async () => {} } });
    const device = (await findLiveDevice(deps.db, bobPhone.deviceId, new Date()))!;
    const notification = { payload: { type: "message", chatId: "c", messageId: "m" }, ttlSeconds: 60, urgency: "normal" as const };
    service.answerNext(bobPhone, 503, 2);
    expect(await deliver(deps, "test:give-up", device, notification)).toBe("retrying");
    expect(sent).toEqual([expect.objectContaining({ kind: "push.send", eventId: "test:give-up", deviceId: device.id, attempt: 2 })]);
    expect(await runPushSendJob(deps, sent[0] as Extract<JobMessage, { kind: "push.send" }>)).toBe("failed");
    expect(await findDelivery(deps.db, "test:give-up", device.id)).toMatchObject({
      status: "failed",
      attempts: 2,
      reason: "http_503; gave up after 2 attempts",
    });

    service.answerNext(bobPhone, 400);
    expect(await deliver(deps, "test:refused", device, notification)).toBe("failed");
    expect(await findDelivery(deps.db, "test:refused", device.id)).toMatchObject({ status: "failed", attempts: 1, reason: "http_400" });
    expect(sent).toHaveLength(1);
  });
});

describe("redelivery sends nothing twice", () => {
  it("the same fan-out run again (a redelivered job) sends each device the event once", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const event: PushEvent = {
      type: "message",
      chatId: chat.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 99,
      senderId: alice.id,
      text: "once",
      createdAt: Date.now(),
      connectedUserIds: [],
    };
    await Promise.all([runPushFanout(testDeps(), event), runPushFanout(testDeps(), event)]);
    await runPushFanout(testDeps(), event);
    expect(service.deliveredTo(bobPhone)).toHaveLength(1);
  });

  it("a job that lists nobody as connected (a room of thousands) asks the room: a member with it open gets no push", async () => {
    const { users, chat } = await group(3);
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const carolPhone = await subscribeDevice(service, carol);
    const bobInRoom = await connect(chat.id, bob);
    const event: PushEvent = {
      type: "message",
      chatId: chat.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 5,
      senderId: alice.id,
      text: "asked",
      createdAt: Date.now(),
    };
    expect(await runPushFanout(testDeps(), event)).toEqual({ devices: 1 });
    await eventually(() => expect(service.deliveredTo(carolPhone)).toHaveLength(1));
    expect(service.attemptsTo(bobPhone)).toEqual([]);
    bobInRoom.close();
  });

  it("the push.fanout job delivered twice by the queue (at-least-once) sends once and is acked both times", async () => {
    const { users, chat } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const body: QueuedJob = {
      kind: "push.fanout",
      event: {
        type: "message",
        chatId: chat.id,
        messageId: `m-${crypto.randomUUID()}`,
        seq: 7,
        senderId: alice.id,
        text: "redelivered",
        createdAt: Date.now(),
        connectedUserIds: [],
      },
    };
    for (const attempts of [1, 2]) {
      const batch = createMessageBatch<QueuedJob>("edge-platform-jobs", [{ id: `push-${attempts}`, timestamp: new Date(), attempts, body }]);
      const ctx = createExecutionContext();
      await handleJobBatch(batch, env, jobHandlers);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`push-${attempts}`]);
    }
    expect(service.deliveredTo(bobPhone).map((push) => push.payload.excerpt)).toEqual(["redelivered"]);
  });

  it("a redelivered retry job sends once", async () => {
    const { users } = await group(2);
    const [alice, bob] = users as [TestUser, TestUser];
    const service = await startPushService(alice);
    const bobPhone = await subscribeDevice(service, bob);
    const sent: JobMessage[] = [];
    const deps = testDeps({ queue: { send: async (job) => void sent.push(job), sendBatch: async () => {} } });
    const device = (await findLiveDevice(deps.db, bobPhone.deviceId, new Date()))!;
    service.answerNext(bobPhone, 429);
    await deliver(deps, "test:retry-once", device, { payload: { type: "message" }, ttlSeconds: 60, urgency: "normal" });
    const retry = sent[0] as Extract<JobMessage, { kind: "push.send" }>;
    expect(await runPushSendJob(deps, retry)).toBe("delivered");
    expect(await runPushSendJob(deps, retry)).toBe("skipped");
    expect(service.deliveredTo(bobPhone)).toHaveLength(1);
  });
});
