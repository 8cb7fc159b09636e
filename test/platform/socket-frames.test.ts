import { describe, expect, it } from "vitest";
import type { AsyncApiDocument } from "../../shared/realtime/asyncapi";
import { documentedFrameTypes } from "../../shared/realtime/asyncapi";
import { SfuServerFrames } from "../../shared/calls/sfu/sfu-frames";
import { SOCKET_PROTOCOLS } from "../../shared/realtime/socket-protocols";
import { api, json, openSocket, registerUser, type TestSocket, type TestUser } from "../helpers";
import { createVideo, putContent, tinyMp4 } from "../video/fixtures";
import { makeModerator } from "../kit/users";

/** A socket of the platform, tagged with the AsyncAPI channel it belongs to. */
interface ChannelSocket {
  channel: string;
  socket: TestSocket;
}

const SDP =
  "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host", sdpMid: "0", sdpMLineIndex: 0 };

/** Drives every socket through every kind of event the platform pushes, recording all frames. */
async function exerciseEverySocket(): Promise<ChannelSocket[]> {
  const [alice, bob, carol] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const sockets: ChannelSocket[] = [];
  const open = async (channel: string, path: string, user: TestUser) => {
    const socket = await openSocket(path, user.accessToken);
    sockets.push({ channel, socket });
    return socket;
  };
  const hub = async (user: TestUser) => {
    const socket = await open("userHub", "/v1/realtime", user);
    await socket.next("hello");
    return socket;
  };
  const aliceHub = await hub(alice);
  const bobHub = await hub(bob);
  const carolHub = await hub(carol);
  aliceHub.send({ type: "ping" });
  aliceHub.send({ type: "message" });
  await aliceHub.next("pong");
  await aliceHub.next("error");

  // Chat: Alice and Bob in the room, Carol only on her hub.
  const chat = await json<{ id: string }>(
    await api("/v1/chats", { token: alice.accessToken, body: { type: "group", title: "Frames", memberIds: [bob.id, carol.id] } }),
  );
  const aliceRoom = await open("chatRoom", `/v1/chats/${chat.id}/ws`, alice);
  const bobRoom = await open("chatRoom", `/v1/chats/${chat.id}/ws`, bob);
  await aliceRoom.next("hello");
  await bobRoom.next("hello");
  aliceRoom.send({ type: "typing" });
  await bobRoom.next("typing");
  aliceRoom.send({ type: "message.send", clientId: "frames-1", text: "hello" });
  const ack = await aliceRoom.next("message.ack");
  await bobRoom.next("message.new");
  const messageId = ack.message.id as string;
  aliceRoom.send({ type: "message.edit", id: messageId, text: "hello again" });
  bobRoom.send({ type: "reaction", id: messageId, emoji: "👍" });
  await bobRoom.next("message.updated");
  expect((await api(`/v1/chats/${chat.id}/pins`, { token: bob.accessToken, body: { messageId } })).status).toBe(200);
  await aliceRoom.next("message.pinned");
  expect((await api(`/v1/chats/${chat.id}/pins/${messageId}`, { method: "DELETE", token: bob.accessToken })).status).toBe(204);
  await aliceRoom.next("message.unpinned");
  bobRoom.send({ type: "read", seq: 1 });
  await aliceRoom.next("read");
  aliceRoom.send({ type: "ping" });
  await aliceRoom.next("pong");
  aliceRoom.send({ type: "message" });
  await aliceRoom.next("error");
  aliceRoom.send({ type: "message.delete", id: messageId });
  await carolHub.next("chat.updated");
  // Alice renames herself: Carol, who shares the group with her, is told.
  expect((await api("/v1/me", { method: "PATCH", token: alice.accessToken, body: { displayName: "Alice Renamed" } })).status).toBe(200);
  await carolHub.next("person.updated");
  expect((await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
  await carolHub.next("chat.deleted");

  // A call from Alice to Bob, negotiated over the signalling sockets.
  const call = await json<{ id: string }>(await api("/v1/calls", { token: alice.accessToken, body: { calleeId: bob.id, type: "video" } }));
  await bobHub.next("call.incoming");
  await aliceHub.next("call.state");
  const aliceCall = await open("callSignalling", `/v1/calls/${call.id}/ws`, alice);
  await aliceCall.next("call.state");
  aliceCall.send({ type: "sdp.offer", sdp: SDP });
  aliceCall.send({ type: "ice.candidate", candidate: CANDIDATE });
  aliceCall.send({ type: "ping" });
  aliceCall.send("{not json");
  await aliceCall.next("pong");
  await aliceCall.next("error");
  expect((await api(`/v1/calls/${call.id}/accept`, { method: "POST", token: bob.accessToken })).status).toBe(200);
  const bobCall = await open("callSignalling", `/v1/calls/${call.id}/ws`, bob);
  await bobCall.next("sdp.offer");
  await bobCall.next("ice.candidate");
  bobCall.send({ type: "sdp.answer", sdp: SDP });
  await aliceCall.next("sdp.answer");
  aliceCall.send({ type: "hangup" });
  await bobHub.next("call.state");

  // A group call on a group of all three: Alice and Bob join and negotiate with each other by name, Carol's hub rings.
  const family = await json<{ id: string }>(
    await api("/v1/chats", { token: alice.accessToken, body: { type: "group", title: "Call", memberIds: [bob.id, carol.id] } }),
  );
  const group = await json<{ id: string }>(await api("/v1/calls", { token: alice.accessToken, body: { chatId: family.id, type: "video" } }));
  await carolHub.next("group_call.incoming");
  const aliceGroup = await open("groupCall", `/v1/group-calls/${group.id}/ws`, alice);
  await aliceGroup.next("room.state");
  const bobGroup = await open("groupCall", `/v1/group-calls/${group.id}/ws`, bob);
  await bobGroup.next("room.state");
  bobGroup.send({ type: "sdp.offer", to: alice.id, sdp: SDP });
  await aliceGroup.next("sdp.offer");
  aliceGroup.send({ type: "sdp.answer", to: bob.id, sdp: SDP });
  aliceGroup.send({ type: "ice.candidate", to: bob.id, candidate: CANDIDATE });
  await bobGroup.next("sdp.answer");
  await bobGroup.next("ice.candidate");
  bobGroup.send({ type: "media.state", audio: false, video: true });
  bobGroup.send({ type: "ping" });
  bobGroup.send("{not json");
  await bobGroup.next("pong");
  await bobGroup.next("error");
  bobGroup.send({ type: "leave" });
  aliceGroup.send({ type: "leave" });
  await carolHub.next("group_call.state", (frame) => frame.call.status === "ended");

  // A video of Alice: its upload moves it to processing, which her hub hears.
  const { video } = await createVideo(alice, { title: "Frames" });
  expect((await putContent(alice, video.id, tinyMp4())).status).toBe(202);
  await aliceHub.next("video.updated");

  // jobs board: a moderator approves the verification of Alice's company.
  const company = await json<{ id: string }>(await api("/v1/companies", { token: alice.accessToken, body: { name: "Frames GmbH" } }));
  expect((await api(`/v1/companies/${company.id}/verification`, { token: alice.accessToken, body: { note: "HRB 1" } })).status).toBe(202);
  const moderator = await registerUser();
  await makeModerator(moderator);
  expect((await api(`/v1/companies/${company.id}/verification/approve`, { token: moderator.accessToken, body: {} })).status).toBe(200);
  await aliceHub.next("company.verification");
  // Alice applies to a vacancy of another company; its recruiter moves her application.
  const employer = await registerUser();
  const hiring = await json<{ id: string }>(await api("/v1/companies", { token: employer.accessToken, body: { name: "Frames Hiring" } }));
  const vacancyBody = { companyId: hiring.id, title: "Frame counter", role: "backend", employmentType: "full-time", seniority: "senior" };
  const draft = await json<{ id: string }>(await api("/v1/vacancies", { token: employer.accessToken, body: vacancyBody }));
  expect((await api(`/v1/vacancies/${draft.id}/publish`, { token: employer.accessToken, body: {} })).status).toBe(200);
  const application = await json<{ id: string }>(await api(`/v1/vacancies/${draft.id}/applications`, { token: alice.accessToken, body: {} }));
  expect((await api(`/v1/applications/${application.id}`, { method: "PATCH", token: employer.accessToken, body: { status: "reviewing" } })).status).toBe(200);
  await aliceHub.next("application.updated");
  // The last owner of a company Alice recruits for deletes their account: she is its owner now.
  const founder = await registerUser();
  const startup = await json<{ id: string }>(await api("/v1/companies", { token: founder.accessToken, body: { name: "Frames Startup" } }));
  expect((await api(`/v1/companies/${startup.id}/invitations`, { token: founder.accessToken, body: { userId: alice.id, role: "recruiter" } })).status).toBe(
    201,
  );
  await aliceHub.next("company.invitation");
  expect((await api(`/v1/companies/${startup.id}/invitations/${alice.id}/accept`, { method: "POST", token: alice.accessToken })).status).toBe(200);
  expect((await api("/v1/me", { method: "DELETE", token: founder.accessToken, body: { password: founder.password } })).status).toBe(204);
  await aliceHub.next("company.promoted");

  // A studio generation of Alice's with the development provider: asset.updated until completed.
  const project = await json<{ id: string }>(await api("/v1/studio/projects", { token: alice.accessToken, body: { name: "Frames" } }));
  const box = await json<{ id: string }>(await api(`/v1/studio/projects/${project.id}/boxes`, { token: alice.accessToken, body: { name: "Shot" } }));
  expect(
    (
      await api(`/v1/studio/boxes/${box.id}/generate`, {
        token: alice.accessToken,
        body: { modelId: "dev-image", prompt: "frames", params: { width: 16, height: 16 } },
      })
    ).status,
  ).toBe(202);
  await aliceHub.next("asset.updated", (frame) => frame.asset.status === "completed", 20_000);
  for (const { socket } of sockets) socket.close();
  return sockets;
}

/**
 * The table of docs/socket-protocols.md#bytes-per-frame: the smallest and largest payload of each
 * frame type the walk above received (`npx vitest run test/platform/socket-frames.test.ts --silent=false`).
 */
function frameBytesTable(sockets: ChannelSocket[]): string {
  const sizes = new Map<string, number[]>();
  for (const { channel, socket } of sockets)
    socket.frames.forEach((frame, i) => {
      const key = `| ${channel} | \`${frame.type}\` |`;
      sizes.set(key, [...(sizes.get(key) ?? []), new TextEncoder().encode(socket.payloads[i]!).length]);
    });
  return [...sizes]
    .map(([key, seen]) => {
      const [least, most] = [Math.min(...seen), Math.max(...seen)];
      return `${key} ${least === most ? least : `${least}-${most}`} |`;
    })
    .join("\n");
}

describe("/asyncapi.json and the frames the sockets really send", () => {
  it("documents every frame type each socket sent during a full chat and call, each valid against its schema", async () => {
    const document = await json<AsyncApiDocument>(await api("/asyncapi.json"));
    expect(document.asyncapi).toBe("3.0.0");
    const sockets = await exerciseEverySocket();

    for (const protocol of SOCKET_PROTOCOLS) {
      const documented = documentedFrameTypes(document, protocol.id, "server");
      const seen = new Set<string>();
      for (const { socket } of sockets.filter((s) => s.channel === protocol.id)) {
        for (const frame of socket.frames) {
          seen.add(frame.type);
          expect(documented, `${protocol.id} sent ${frame.type}`).toContain(frame.type);
          const parsed = protocol.serverFrames[frame.type]!.safeParse(frame);
          expect(parsed.success, `${protocol.id} ${frame.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        }
      }
      // The walk above reaches every documented server frame, so nothing is documented that is never sent;
      // but the SFU's answers, which this runtime (no SFU configured) never sends: test/calls/group-calls-sfu.test.ts
      // checks each against its schema in a runtime with one.
      // Likewise an encrypted chat's mls.* frames, which this plain chat never sends:
      // test/e2ee/encrypted-chat.test.ts sends each through real sockets.
      const expected =
        protocol.id === "groupCall"
          ? documented.filter((type) => !Object.hasOwn(SfuServerFrames, type))
          : protocol.id === "chatRoom"
            ? documented.filter((type) => !type.startsWith("mls."))
            : documented;
      expect([...seen].sort(), protocol.id).toEqual([...expected].sort());
    }
    console.log(`Bytes per frame on the wire (payload, UTF-8), by socket and type:\n${frameBytesTable(sockets)}`);
  });

  it("documents exactly the client frame types each socket accepts", async () => {
    const document = await json<AsyncApiDocument>(await api("/asyncapi.json"));
    for (const protocol of SOCKET_PROTOCOLS) {
      expect(documentedFrameTypes(document, protocol.id, "client").sort(), protocol.id).toEqual(Object.keys(protocol.clientFrames).sort());
    }
  });
});
