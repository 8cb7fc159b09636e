import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configOf } from "../../shared/config";
import { SfuServerFrames } from "../../shared/calls/sfu/sfu-frames";
import { GroupSignallingServerFrames } from "../../shared/realtime/socket-protocols";
import { api, expectProblem, type TestSocket, type TestUser, upgrade } from "../helpers";
import { type FakeSfu, installFakeSfu } from "../kit/fake-sfu";
import { SAMPLE_SDP } from "./fixtures";
import { family, joinGroupCall, startGroupCall } from "./group-fixtures";

// This file runs in the `workers-sfu` project (vitest.config.ts): an SFU app is configured, its
// base URL answered by the fake, two people fit a mesh and four a call.
const calls = configOf(env).calls;
let fake: FakeSfu;

beforeEach(() => {
  fake = installFakeSfu(calls.sfu!.baseUrl, calls.sfu!.appId, calls.sfu!.appSecret);
});
afterEach(() => vi.restoreAllMocks());

/** Every frame a socket received on the SFU path is one the AsyncAPI document declares, and valid against it. */
function expectDocumentedFrames(socket: TestSocket) {
  for (const frame of socket.frames) {
    const schema = GroupSignallingServerFrames[frame.type as keyof typeof GroupSignallingServerFrames];
    expect(schema, frame.type).toBeDefined();
    const parsed = schema!.safeParse(frame);
    expect(parsed.success, `${frame.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
}

/** A call of three: the third to join moves it from the mesh to the SFU. */
async function sfuCall() {
  const { users, chat } = await family(3);
  const [a, b, c] = users as [TestUser, TestUser, TestUser];
  const call = await startGroupCall(a, chat.id);
  const sa = await joinGroupCall(a, call.id);
  const sb = await joinGroupCall(b, call.id);
  const sc = await joinGroupCall(c, call.id);
  return { a, b, c, sa, sb, sc, call, chat };
}

/** `group_call_sfu_requests_total{type, result}` in /metrics. */
async function sfuRequests(type: string, result: string): Promise<number> {
  const families = parsePrometheusTextFormat(await (await api("/metrics", { token: "test-metrics-token" })).text());
  const series = families
    .find((f) => f.name === "group_call_sfu_requests_total")
    ?.metrics.find((m) => JSON.stringify(m.labels) === JSON.stringify({ type, result }));
  return series ? Number(series.value) : 0;
}

let requestIds = 0;

/** Sends an SFU request and takes its answer (or the error refusing it) by request id. */
async function request(socket: TestSocket, frame: Record<string, unknown>) {
  const id = `req-${++requestIds}`;
  socket.send({ ...frame, id });
  return socket.nextMatching((f) => f.id === id, 5000, `answer to ${frame.type}`);
}

async function openSession(socket: TestSocket): Promise<string> {
  const answer = await request(socket, { type: "sfu.session.new" });
  expect(answer.type, JSON.stringify(answer)).toBe("sfu.session");
  return answer.sessionId as string;
}

async function publish(socket: TestSocket, user: TestUser, sessionId: string) {
  return request(socket, {
    type: "sfu.tracks.push",
    sessionId,
    offer: SAMPLE_SDP,
    tracks: [
      { mid: "0", trackName: `${user.id}/audio`, kind: "audio" },
      { mid: "1", trackName: `${user.id}/video`, kind: "video" },
    ],
  });
}

describe("group calls through the SFU", () => {
  it("a call that outgrows the mesh moves to the SFU, announced in room.state; the cap is CALL_MAX_PARTICIPANTS", async () => {
    const { users, chat } = await family(3);
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await startGroupCall(a, chat.id);
    expect(call).toMatchObject({ topology: "mesh", maxParticipants: calls.sfuMaxParticipants });
    const sa = await joinGroupCall(a, call.id);
    await joinGroupCall(b, call.id);
    expect((await sa.next("room.state", (f) => f.call.participants.length === 2)).call.topology).toBe("mesh");
    // A mesh call has no SFU path yet.
    expect(await request(sa, { type: "sfu.session.new" })).toMatchObject({ type: "error", code: "sfu_not_in_use" });
    const sc = await joinGroupCall(c, call.id);
    expect((await sa.next("room.state", (f) => f.call.participants.length === 3)).call.topology).toBe("sfu");
    // The newcomer learns what is published (nothing yet).
    expect(await sc.next("sfu.published")).toMatchObject({ tracks: [] });
    // People leaving do not move the call back.
    sc.send({ type: "leave" });
    expect((await sa.next("room.state", (f) => f.call.participants.length === 2)).call.topology).toBe("sfu");
    expect(fake.requests).toEqual([]);
  });

  it("a participant opens a session and publishes; everyone hears; another pulls it with a simulcast layer and renegotiates", async () => {
    const { a, sa, sb, sc } = await sfuCall();
    const aSession = await openSession(sa);
    const pushed = await publish(sa, a, aSession);
    expect(pushed).toMatchObject({ type: "sfu.tracks.pushed", answer: expect.stringMatching(/^v=0/) });
    expect(pushed.tracks.map((t: { trackName: string; mid: string }) => [t.trackName, t.mid])).toEqual([
      [`${a.id}/audio`, "0"],
      [`${a.id}/video`, "1"],
    ]);
    const announced = await sc.next("sfu.published", (f) => f.tracks.length === 2);
    expect(announced.tracks).toEqual([
      { userId: a.id, sessionId: aSession, trackName: `${a.id}/audio`, kind: "audio" },
      { userId: a.id, sessionId: aSession, trackName: `${a.id}/video`, kind: "video" },
    ]);

    const bSession = await openSession(sb);
    const pulled = await request(sb, {
      type: "sfu.tracks.pull",
      sessionId: bSession,
      tracks: [
        { sessionId: aSession, trackName: `${a.id}/audio` },
        { sessionId: aSession, trackName: `${a.id}/video`, simulcast: { preferredRid: "m" } },
      ],
    });
    expect(pulled).toMatchObject({ type: "sfu.tracks.pulled", requiresImmediateRenegotiation: true, offer: expect.stringMatching(/^v=0/) });
    expect(pulled.tracks.every((t: { mid: string | null }) => t.mid)).toBe(true);
    // The simulcast choice reached the SFU as its pull option.
    const videoMid = pulled.tracks[1].mid as string;
    expect(fake.sessions.get(bSession)?.pulled.get(videoMid)).toEqual({ sessionId: aSession, trackName: `${a.id}/video`, preferredRid: "m" });
    expect(await request(sb, { type: "sfu.renegotiate", sessionId: bSession, answer: SAMPLE_SDP })).toMatchObject({ type: "sfu.renegotiated" });

    // A tile leaves the screen: its pull is closed.
    expect(await request(sb, { type: "sfu.tracks.close", sessionId: bSession, mids: [videoMid] })).toMatchObject({
      type: "sfu.tracks.closed",
      mids: [videoMid],
    });
    expect(fake.sessions.get(bSession)?.pulled.has(videoMid)).toBe(false);
    for (const socket of [sa, sb, sc]) expectDocumentedFrames(socket);
    expect(fake.requests.every((r) => r.path.startsWith(`/v1/apps/${calls.sfu!.appId}/`))).toBe(true);
  });

  it("refuses someone else's session, a track named for someone else and a track not published in this call, before the SFU sees them", async () => {
    const { a, b, sa, sb } = await sfuCall();
    const aSession = await openSession(sa);
    await publish(sa, a, aSession);
    const bSession = await openSession(sb);
    const before = fake.requests.length;

    const refusals = [
      // Publishing a track named for Ann, or into Ann's session.
      { type: "sfu.tracks.push", sessionId: bSession, offer: SAMPLE_SDP, tracks: [{ mid: "0", trackName: `${a.id}/audio`, kind: "audio" }] },
      { type: "sfu.tracks.push", sessionId: aSession, offer: SAMPLE_SDP, tracks: [{ mid: "0", trackName: `${b.id}/audio`, kind: "audio" }] },
      // Pulling into Ann's session, a track Ann never published, one from a session not in this call.
      { type: "sfu.tracks.pull", sessionId: aSession, tracks: [{ sessionId: aSession, trackName: `${a.id}/audio` }] },
      { type: "sfu.tracks.pull", sessionId: bSession, tracks: [{ sessionId: aSession, trackName: `${a.id}/screen` }] },
      { type: "sfu.tracks.pull", sessionId: bSession, tracks: [{ sessionId: "0123456789abcdef0123456789abcdef", trackName: `${a.id}/audio` }] },
      // Renegotiating or closing Ann's session.
      { type: "sfu.renegotiate", sessionId: aSession, answer: SAMPLE_SDP },
      { type: "sfu.tracks.close", sessionId: aSession, mids: ["0"] },
    ];
    for (const frame of refusals) {
      const answer = await request(sb, frame);
      expect(answer, JSON.stringify(frame)).toMatchObject({ type: "error", code: "forbidden" });
    }
    expect(fake.requests.length).toBe(before);
    expect(fake.sessions.get(aSession)?.published.size).toBe(2);
    // Operators see the refusals apart from the SFU's own failures.
    await expect.poll(() => sfuRequests("sfu.tracks.pull", "refused"), { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
  });

  it("answers malformed SFU frames with an error frame and keeps the socket open", async () => {
    const { sb } = await sfuCall();
    const bSession = await openSession(sb);
    const before = fake.requests.length;
    const malformed = [
      { type: "sfu.tracks.push", id: "x1", sessionId: bSession, tracks: [{ mid: "0", trackName: "x/audio", kind: "audio" }] },
      { type: "sfu.tracks.push", id: "x2", sessionId: bSession, offer: "not sdp", tracks: [{ mid: "0", trackName: "x/audio", kind: "audio" }] },
      { type: "sfu.tracks.push", id: "x3", sessionId: bSession, offer: SAMPLE_SDP, tracks: [{ mid: "0", trackName: "x/audio", kind: "screen" }] },
      { type: "sfu.tracks.pull", id: "x4", sessionId: bSession, tracks: [] },
      { type: "sfu.tracks.pull", id: "x5", sessionId: bSession, tracks: [{ sessionId: "s", trackName: "t", simulcast: { preferredRid: "not a rid!" } }] },
      { type: "sfu.renegotiate", sessionId: bSession, answer: SAMPLE_SDP },
      { type: "sfu.tracks.close", id: "x7", sessionId: bSession, mids: "0" },
      { type: "sfu.session.new", id: "x".repeat(65) },
    ];
    for (const frame of malformed) {
      sb.send(frame);
      expect(await sb.next("error"), JSON.stringify(frame)).toMatchObject({ code: "invalid_frame" });
    }
    await sb.sync();
    expect(sb.closed).toBeNull();
    expect(fake.requests.length).toBe(before);
  });

  it("answers sfu_unavailable with the request id when the SFU fails", async () => {
    const { sb } = await sfuCall();
    const bSession = await openSession(sb);
    // The SFU lost the session (its own timeout): renegotiating it fails there.
    fake.sessions.delete(bSession);
    expect(await request(sb, { type: "sfu.renegotiate", sessionId: bSession, answer: SAMPLE_SDP })).toMatchObject({ type: "error", code: "sfu_unavailable" });
    expect(sb.closed).toBeNull();
  });

  it("leaving closes the leaver's tracks at the SFU and forgets them: nobody pulls them afterwards", async () => {
    const { a, sa, sb, sc } = await sfuCall();
    const aSession = await openSession(sa);
    await publish(sa, a, aSession);
    await sb.next("sfu.published", (f) => f.tracks.length === 2);
    const bSession = await openSession(sb);

    sa.send({ type: "leave" });
    await sa.waitClosed();
    expect((await sb.next("sfu.published", (f) => f.tracks.length === 0)).tracks).toEqual([]);
    await sc.next("sfu.published", (f) => f.tracks.length === 0);
    await vi.waitFor(() => expect(fake.sessions.get(aSession)?.published.size).toBe(0));
    const close = fake.requests.find((r) => r.method === "PUT" && r.path.endsWith(`/sessions/${aSession}/tracks/close`));
    expect(close?.body).toMatchObject({ tracks: [{ mid: "0" }, { mid: "1" }], force: true });

    const before = fake.requests.length;
    expect(await request(sb, { type: "sfu.tracks.pull", sessionId: bSession, tracks: [{ sessionId: aSession, trackName: `${a.id}/audio` }] })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(fake.requests.length).toBe(before);
  });

  it("a participant's new session retires the tracks of their earlier one", async () => {
    const { a, sa, sb } = await sfuCall();
    const first = await openSession(sa);
    await publish(sa, a, first);
    await sb.next("sfu.published", (f) => f.tracks.length === 2);
    const second = await openSession(sa);
    expect(second).not.toBe(first);
    await sb.next("sfu.published", (f) => f.tracks.length === 0);
    expect(fake.sessions.get(first)?.published.size).toBe(0);
    // The old session is no longer Ann's to act on.
    expect(await request(sa, { type: "sfu.renegotiate", sessionId: first, answer: SAMPLE_SDP })).toMatchObject({ type: "error", code: "forbidden" });
  });

  it("a member removed from the chat is dropped and their tracks closed at once", async () => {
    const { a, b, sa, sb, sc, chat } = await sfuCall();
    const bSession = await openSession(sb);
    await publish(sb, b, bSession);
    await sc.next("sfu.published", (f) => f.tracks.length === 2);
    expect((await api(`/v1/chats/${chat.id}/members/${b.id}`, { method: "DELETE", token: a.accessToken })).status).toBe(204);
    expect((await sb.waitClosed()).code).toBe(4003);
    await sa.next("sfu.published", (f) => f.tracks.length === 0);
    await vi.waitFor(() => expect(fake.sessions.get(bSession)?.published.size).toBe(0));
  });

  it(`holds at most CALL_MAX_PARTICIPANTS (${calls.sfuMaxParticipants}) people once calls can move to the SFU`, async () => {
    const { users, chat } = await family(calls.sfuMaxParticipants + 1);
    const call = await startGroupCall(users[0]!, chat.id);
    for (const user of users.slice(0, calls.sfuMaxParticipants)) await joinGroupCall(user, call.id);
    await expectProblem(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${users.at(-1)!.accessToken}` }), 409, "call_full");
  });

  it("declares every SFU answer in the AsyncAPI frames of the group call socket", () => {
    for (const type of Object.keys(SfuServerFrames)) expect(Object.keys(GroupSignallingServerFrames)).toContain(type);
  });
});
