import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configOf } from "../../shared/config";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser, type TestUser, upgrade } from "../helpers";
import { openHub, SAMPLE_CANDIDATE, SAMPLE_SDP } from "./fixtures";
import { family, joinGroupCall as join, startGroupCall } from "./group-fixtures";
import { makeModerator } from "../kit/users";

afterEach(() => clock.reset());

const meshCap = configOf(env).calls.meshMaxParticipants;

const participantIds = (frame: Record<string, any>) => frame.call.participants.map((p: { userId: string }) => p.userId);

async function groupCall(user: TestUser, callId: string) {
  const response = await api(`/v1/group-calls/${callId}`, { token: user.accessToken });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

describe("POST /v1/calls {chatId}", () => {
  it("needs a token (401) and membership of the chat (404)", async () => {
    const { users, chat } = await family(2);
    const outsider = await registerUser();
    await expectProblem(await api("/v1/calls", { body: { chatId: chat.id, type: "voice" } }), 401);
    await expectProblem(await api("/v1/calls", { token: outsider.accessToken, body: { chatId: chat.id, type: "voice" } }), 404);
    await expectProblem(await api("/v1/calls", { token: users[0]!.accessToken, body: { chatId: "no-such-chat", type: "voice" } }), 404);
  });

  it("refuses malformed bodies with 400", async () => {
    const { users, chat } = await family(2);
    const token = users[0]!.accessToken;
    await expectProblem(await api("/v1/calls", { token, body: { chatId: chat.id } }), 400);
    await expectProblem(await api("/v1/calls", { token, body: { chatId: chat.id, type: "hologram" } }), 400);
    await expectProblem(await api("/v1/calls", { token, body: { chatId: chat.id, calleeId: users[1]!.id, type: "voice" } }), 400);
    await expectProblem(await api("/v1/calls", { token, body: { chatId: "x".repeat(100), type: "voice" } }), 400);
  });

  it("rings every other member's devices and answers a second start with the running call (200)", async () => {
    const { users, chat } = await family(3);
    const [starter, b, c] = users as [TestUser, TestUser, TestUser];
    const hubs = await Promise.all([openHub(starter), openHub(b), openHub(c)]);
    const call = await startGroupCall(starter, chat.id);
    expect(call).toMatchObject({ kind: "group", chatId: chat.id, type: "video", status: "active", startedBy: starter.id, topology: "mesh", participants: [] });
    expect(call.maxParticipants).toBe(meshCap);
    for (const hub of [hubs[1]!, hubs[2]!]) expect((await hub.next("group_call.incoming")).call.id).toBe(call.id);
    expect((await hubs[0]!.next("group_call.state")).call.id).toBe(call.id);
    expect(hubs[0]!.waiting("group_call.incoming")).toEqual([]);

    const again = await startGroupCall(b, chat.id, "voice", 200);
    expect(again.id).toBe(call.id);
    for (const hub of hubs) hub.close();
  });

  it("on a direct chat calls its other member (the two-party path)", async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    const direct = await json(await api("/v1/chats", { token: a.accessToken, body: { type: "direct", userId: b.id } }));
    const call = await startGroupCall(a, direct.id, "voice");
    expect(call).toMatchObject({ callerId: a.id, calleeId: b.id, status: "ringing" });
    expect(call.kind).toBeUndefined();
    await api(`/v1/calls/${call.id}/end`, { method: "POST", token: a.accessToken });
  });

  it("works on the general chat (a moderator starts it)", async () => {
    const user = await registerUser();
    await makeModerator(user);
    await api("/v1/chats", { token: user.accessToken });
    const call = await startGroupCall(user, "general", "voice");
    expect(call).toMatchObject({ kind: "group", chatId: "general" });
    const socket = await join(user, call.id);
    socket.send({ type: "leave" });
    expect((await socket.waitClosed()).code).toBe(4002);
  });
});

describe("GET /v1/group-calls/:id/ws (joining)", () => {
  it("needs a token (401), a WebSocket upgrade (426) and membership (404)", async () => {
    const { users, chat } = await family(2);
    const outsider = await registerUser();
    const call = await startGroupCall(users[0]!, chat.id);
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`), 401);
    await expectProblem(await api(`/v1/group-calls/${call.id}/ws`, { token: users[0]!.accessToken }), 426, "upgrade_required");
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${outsider.accessToken}` }), 404);
    await expectProblem(await api(`/v1/group-calls/${call.id}`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/group-calls/${"x".repeat(80)}`, { token: users[0]!.accessToken }), 400);
  });

  it("members join and leave while it runs; everyone sees who is in; the last one out ends it", async () => {
    const { users, chat } = await family(3);
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    const hubC = await openHub(c);
    const sa = await join(a, call.id);
    const sb = await join(b, call.id);
    expect(participantIds(await sa.next("room.state", (f) => f.call.participants.length === 2))).toEqual([a.id, b.id]);
    const seen = await hubC.next("group_call.state", (f) => f.call.participants.length === 2);
    expect(seen.call.participants.map((p: { displayName: string }) => p.displayName)).toEqual([a.displayName, b.displayName]);

    // A late joiner sees the running call and who is in it on the chat.
    const listed = await json(await api(`/v1/chats/${chat.id}`, { token: c.accessToken }));
    expect(listed.activeCall).toMatchObject({ id: call.id, type: "video" });
    expect(listed.activeCall.participants.map((p: { userId: string }) => p.userId)).toEqual([a.id, b.id]);
    const page = await json(await api("/v1/chats", { token: c.accessToken }));
    expect(page.items.find((item: { id: string }) => item.id === chat.id).activeCall.id).toBe(call.id);

    const sc = await join(c, call.id);
    expect(participantIds(await sa.next("room.state", (f) => f.call.participants.length === 3))).toEqual([a.id, b.id, c.id]);

    sb.send({ type: "leave" });
    expect((await sb.waitClosed()).code).toBe(4002);
    expect(participantIds(await sa.next("room.state", (f) => f.call.participants.length === 2))).toEqual([a.id, c.id]);
    // Leaving is over HTTP too (from another device, say).
    const afterLeave = await json(await api(`/v1/group-calls/${call.id}/leave`, { method: "POST", token: a.accessToken }));
    expect(afterLeave.participants.map((p: { userId: string }) => p.userId)).toEqual([c.id]);
    expect((await sa.waitClosed()).code).toBe(4002);

    sc.send({ type: "leave" });
    await sc.waitClosed();
    const ended = await hubC.next("group_call.state", (f) => f.call.status === "ended");
    expect(ended.call).toMatchObject({ id: call.id, participants: [] });
    expect(ended.call.endedAt).not.toBeNull();
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${a.accessToken}` }), 409, "call_over");
    expect((await json(await api(`/v1/chats/${chat.id}`, { token: c.accessToken }))).activeCall).toBeNull();
    // A new call on the same chat is a new call.
    const next = await startGroupCall(b, chat.id);
    expect(next.id).not.toBe(call.id);
    await api(`/v1/group-calls/${next.id}/leave`, { method: "POST", token: b.accessToken });
    hubC.close();
  });

  it("records who took part and for how long, each stretch on its own", async () => {
    const { users, chat } = await family(2);
    const [a, b] = users as [TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    const sa = await join(a, call.id);
    clock.advance(5_000);
    const sb = await join(b, call.id);
    clock.advance(20_000);
    sb.send({ type: "leave" });
    await sb.waitClosed();
    clock.advance(3_000);
    const again = await join(b, call.id);
    clock.advance(10_000);
    again.send({ type: "leave" });
    await again.waitClosed();
    sa.send({ type: "leave" });
    await sa.waitClosed();

    const record = await groupCall(a, call.id);
    expect(record.status).toBe("ended");
    // The clock was moved; real time passes too, so each length is at least what it was moved by.
    const lengths = record.stretches.map((s: { userId: string; seconds: number }) => [s.userId, s.seconds] as const);
    expect(lengths.map(([userId]: readonly [string, number]) => userId)).toEqual([a.id, b.id, b.id]);
    for (const [index, moved] of [38, 20, 10].entries()) {
      expect(lengths[index]![1]).toBeGreaterThanOrEqual(moved);
      expect(lengths[index]![1]).toBeLessThan(moved + 5);
    }
    expect(record.stretches[0].displayName).toBe(a.displayName);
  });

  it("relays offer, answer and candidates between named participants, with from", async () => {
    const { users, chat } = await family(3);
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    const sa = await join(a, call.id);
    const sb = await join(b, call.id);
    const sc = await join(c, call.id);

    sc.send({ type: "sdp.offer", to: a.id, sdp: SAMPLE_SDP });
    sc.send({ type: "sdp.offer", to: b.id, sdp: SAMPLE_SDP });
    expect(await sa.next("sdp.offer")).toEqual({ type: "sdp.offer", sdp: SAMPLE_SDP, from: c.id });
    expect(await sb.next("sdp.offer")).toEqual({ type: "sdp.offer", sdp: SAMPLE_SDP, from: c.id });
    sa.send({ type: "sdp.answer", to: c.id, sdp: SAMPLE_SDP });
    sa.send({ type: "ice.candidate", to: c.id, candidate: SAMPLE_CANDIDATE });
    expect(await sc.next("sdp.answer")).toEqual({ type: "sdp.answer", sdp: SAMPLE_SDP, from: a.id });
    expect(await sc.next("ice.candidate")).toEqual({ type: "ice.candidate", candidate: SAMPLE_CANDIDATE, from: a.id });
    await sb.sync();
    expect(sb.waiting("sdp.answer")).toEqual([]);

    // Mute state reaches everyone.
    sb.send({ type: "media.state", audio: false, video: true });
    const muted = await sa.next("room.state", (f) => f.call.participants.some((p: { userId: string; audio: boolean }) => p.userId === b.id && !p.audio));
    expect(muted.call.participants.find((p: { userId: string }) => p.userId === b.id)).toMatchObject({ audio: false, video: true });
    for (const socket of [sa, sb, sc]) socket.close();
  });

  it("refuses frames it cannot relay and keeps the socket open", async () => {
    const { users, chat } = await family(3);
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    const sa = await join(a, call.id);
    await join(b, call.id);
    sa.send({ type: "sdp.offer", to: c.id, sdp: SAMPLE_SDP });
    expect(await sa.next("error")).toMatchObject({ code: "not_in_call", to: c.id });
    sa.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    expect(await sa.next("error")).toMatchObject({ code: "invalid_frame" });
    sa.send({ type: "sdp.offer", to: b.id, sdp: "not sdp" });
    expect(await sa.next("error")).toMatchObject({ code: "invalid_frame" });
    sa.send("{nope");
    expect(await sa.next("error")).toMatchObject({ code: "malformed_frame" });
    sa.send({ type: "hangup" });
    expect(await sa.next("error")).toMatchObject({ code: "unknown_frame_type" });
    sa.send({ type: "media.state", audio: "yes", video: true });
    expect(await sa.next("error")).toMatchObject({ code: "invalid_frame" });
    await sa.sync();
    expect(sa.closed).toBeNull();
  });

  it("without an SFU configured refuses every sfu.* frame with sfu_not_in_use and the request id; the call stays a mesh", async () => {
    const { users, chat } = await family(2);
    const [a, b] = users as [TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    expect(call.topology).toBe("mesh");
    const sa = await join(a, call.id);
    await join(b, call.id);
    const frames = [
      { type: "sfu.session.new", id: "r1" },
      { type: "sfu.tracks.push", id: "r2", sessionId: "s", offer: SAMPLE_SDP, tracks: [{ mid: "0", trackName: `${a.id}/audio`, kind: "audio" }] },
      { type: "sfu.tracks.pull", id: "r3", sessionId: "s", tracks: [{ sessionId: "t", trackName: `${b.id}/audio`, simulcast: { preferredRid: "h" } }] },
      { type: "sfu.renegotiate", id: "r4", sessionId: "s", answer: SAMPLE_SDP },
      { type: "sfu.tracks.close", id: "r5", sessionId: "s", mids: ["0"] },
    ];
    for (const frame of frames) {
      sa.send(frame);
      expect(await sa.next("error")).toMatchObject({ code: "sfu_not_in_use", id: frame.id });
    }
    expect((await groupCall(a, call.id)).topology).toBe("mesh");
    await sa.sync();
    expect(sa.closed).toBeNull();
  });

  it(`holds at most CALL_MESH_MAX_PARTICIPANTS (${meshCap}) people: the next one is refused with 409 call_full`, async () => {
    const { users, chat } = await family(meshCap + 1);
    const call = await startGroupCall(users[0]!, chat.id);
    const sockets = [];
    for (const user of users.slice(0, meshCap)) sockets.push(await join(user, call.id));
    const late = users[meshCap]!;
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${late.accessToken}` }), 409, "call_full");
    // Someone already in the call connecting from another device replaces their socket instead.
    const second = await join(users[1]!, call.id);
    expect((await sockets[1]!.waitClosed()).code).toBe(4000);
    sockets[2]!.send({ type: "leave" });
    await sockets[2]!.waitClosed();
    const lateSocket = await join(late, call.id);
    expect((await groupCall(late, call.id)).participants.map((p: { userId: string }) => p.userId)).toEqual([users[0]!.id, users[1]!.id, users[3]!.id, late.id]);
    for (const socket of [...sockets, second, lateSocket]) socket.close();
  });

  it("drops a member removed from the chat at once, and refuses their return", async () => {
    const { users, chat } = await family(3);
    const [owner, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await startGroupCall(owner, chat.id);
    const so = await join(owner, call.id);
    const sb = await join(b, call.id);
    await join(c, call.id);
    const removed = await api(`/v1/chats/${chat.id}/members/${b.id}`, { method: "DELETE", token: owner.accessToken });
    expect(removed.status).toBe(204);
    expect((await sb.waitClosed()).code).toBe(4003);
    expect(participantIds(await so.next("room.state", (f) => !participantIds(f).includes(b.id)))).toEqual([owner.id, c.id]);
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${b.accessToken}` }), 404);
    so.close();
  });

  it("closes the socket of a session that ends", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const socket = await join(users[0]!, call.id);
    expect((await api("/v1/auth/logout", { method: "POST", token: users[0]!.accessToken })).status).toBe(204);
    expect((await socket.waitClosed()).code).toBe(4001);
  });
});

describe("a group call nobody joins, or everyone drops from", () => {
  it("ends at the ring timeout when nobody joined", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const stub = env.CALL_ROOM.getByName(call.id);
    clock.advance(configOf(env).calls.ringTimeoutSeconds * 1000);
    await runDurableObjectAlarm(stub);
    expect((await groupCall(users[1]!, call.id)).status).toBe("ended");
  });

  it("keeps running after the ring timeout while someone is in it", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const socket = await join(users[0]!, call.id);
    clock.advance(configOf(env).calls.ringTimeoutSeconds * 1000);
    await runDurableObjectAlarm(env.CALL_ROOM.getByName(call.id));
    expect((await groupCall(users[1]!, call.id)).status).toBe("active");
    socket.close();
  });

  it("waits for a reconnect when the last socket drops without leaving, then ends", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const socket = await join(users[0]!, call.id);
    socket.close();
    await vi.waitFor(async () => expect((await groupCall(users[0]!, call.id)).participants).toEqual([]));
    expect((await groupCall(users[0]!, call.id)).status).toBe("active");
    clock.advance(15_000);
    await runDurableObjectAlarm(env.CALL_ROOM.getByName(call.id));
    expect((await groupCall(users[0]!, call.id)).status).toBe("ended");
  });
});
