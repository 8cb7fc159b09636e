import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AsyncApiDocument } from "../../shared/realtime/asyncapi";
import { documentedFrameTypes } from "../../shared/realtime/asyncapi";
import { SOCKET_PROTOCOLS } from "../../shared/realtime/socket-protocols";
import { api, json, registerUser, type TestUser } from "../helpers";

type Frame = { type: string } & Record<string, unknown>;

const SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host", sdpMid: "0", sdpMLineIndex: 0 };

/** A socket that keeps every frame it receives, tagged with the AsyncAPI channel it belongs to. */
class RecordedSocket {
  readonly frames: Frame[] = [];
  #wake: () => void = () => {};

  constructor(
    readonly channel: string,
    readonly ws: WebSocket,
  ) {
    ws.addEventListener("message", (event) => {
      this.frames.push(JSON.parse(event.data as string) as Frame);
      this.#wake();
    });
  }

  static async open(channel: string, path: string, user: TestUser): Promise<RecordedSocket> {
    const response = await SELF.fetch(`http://platform.test${path}`, { headers: { upgrade: "websocket", authorization: `Bearer ${user.accessToken}` } });
    expect(response.status, path).toBe(101);
    const socket = new RecordedSocket(channel, response.webSocket!);
    response.webSocket!.accept();
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits until a frame of `type` has arrived (it stays recorded). */
  async saw(type: string, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find((f) => f.type === type);
      if (frame) return frame;
      if (Date.now() > deadline) throw new Error(`${this.channel}: no ${type} within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(", ")}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 25);
      });
    }
  }
}

/** Drives every socket through every kind of event the platform pushes, recording all frames. */
async function exerciseEverySocket(): Promise<RecordedSocket[]> {
  const [alice, bob, carol] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const sockets: RecordedSocket[] = [];
  const hub = async (user: TestUser) => {
    const socket = await RecordedSocket.open("userHub", "/v1/realtime", user);
    sockets.push(socket);
    await socket.saw("hello");
    return socket;
  };
  const aliceHub = await hub(alice);
  const bobHub = await hub(bob);
  const carolHub = await hub(carol);
  aliceHub.send({ type: "ping" });
  aliceHub.send({ type: "message" });
  await aliceHub.saw("pong");
  await aliceHub.saw("error");

  // Chat: Alice and Bob in the room, Carol only on her hub.
  const chat = await json<{ id: string }>(await api("/v1/chats", { token: alice.accessToken, body: { type: "group", title: "Frames", memberIds: [bob.id, carol.id] } }));
  const aliceRoom = await RecordedSocket.open("chatRoom", `/v1/chats/${chat.id}/ws`, alice);
  const bobRoom = await RecordedSocket.open("chatRoom", `/v1/chats/${chat.id}/ws`, bob);
  sockets.push(aliceRoom, bobRoom);
  await aliceRoom.saw("hello");
  await bobRoom.saw("hello");
  aliceRoom.send({ type: "typing" });
  await bobRoom.saw("typing");
  aliceRoom.send({ type: "message.send", clientId: "frames-1", text: "hello" });
  const ack = await aliceRoom.saw("message.ack");
  await bobRoom.saw("message.new");
  const messageId = (ack.message as { id: string }).id;
  aliceRoom.send({ type: "message.edit", id: messageId, text: "hello again" });
  bobRoom.send({ type: "reaction", id: messageId, emoji: "👍" });
  await bobRoom.saw("message.updated");
  bobRoom.send({ type: "read", seq: 1 });
  await aliceRoom.saw("read");
  aliceRoom.send({ type: "ping" });
  await aliceRoom.saw("pong");
  aliceRoom.send({ type: "message" });
  await aliceRoom.saw("error");
  aliceRoom.send({ type: "message.delete", id: messageId });
  await carolHub.saw("chat.updated");
  expect((await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
  await carolHub.saw("chat.deleted");

  // A call from Alice to Bob, negotiated over the signalling sockets.
  const call = await json<{ id: string }>(await api("/v1/calls", { token: alice.accessToken, body: { calleeId: bob.id, type: "video" } }));
  await bobHub.saw("call.incoming");
  await aliceHub.saw("call.state");
  const aliceCall = await RecordedSocket.open("callSignalling", `/v1/calls/${call.id}/ws`, alice);
  sockets.push(aliceCall);
  await aliceCall.saw("call.state");
  aliceCall.send({ type: "sdp.offer", sdp: SDP });
  aliceCall.send({ type: "ice.candidate", candidate: CANDIDATE });
  aliceCall.send({ type: "ping" });
  aliceCall.send("{not json");
  await aliceCall.saw("pong");
  await aliceCall.saw("error");
  expect((await api(`/v1/calls/${call.id}/accept`, { method: "POST", token: bob.accessToken })).status).toBe(200);
  const bobCall = await RecordedSocket.open("callSignalling", `/v1/calls/${call.id}/ws`, bob);
  sockets.push(bobCall);
  await bobCall.saw("sdp.offer");
  await bobCall.saw("ice.candidate");
  bobCall.send({ type: "sdp.answer", sdp: SDP });
  await aliceCall.saw("sdp.answer");
  aliceCall.send({ type: "hangup" });
  await bobHub.saw("call.state");
  for (const socket of sockets) socket.ws.close(1000, "done");
  return sockets;
}

describe("/asyncapi.json and the frames the sockets really send", () => {
  it("documents every frame type each socket sent during a full chat and call, each valid against its schema", async () => {
    const document = await json<AsyncApiDocument>(await SELF.fetch("http://platform.test/asyncapi.json"));
    expect(document.asyncapi).toBe("3.0.0");
    const sockets = await exerciseEverySocket();

    for (const protocol of SOCKET_PROTOCOLS) {
      const documented = documentedFrameTypes(document, protocol.id, "server");
      const seen = new Set<string>();
      for (const socket of sockets.filter((s) => s.channel === protocol.id)) {
        for (const frame of socket.frames) {
          seen.add(frame.type);
          expect(documented, `${protocol.id} sent ${frame.type}`).toContain(frame.type);
          const parsed = protocol.serverFrames[frame.type]!.safeParse(frame);
          expect(parsed.success, `${protocol.id} ${frame.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        }
      }
      // The walk above reaches every documented server frame, so nothing is documented that is never sent.
      expect([...seen].sort(), protocol.id).toEqual([...documented].sort());
    }
  });

  it("documents exactly the client frame types each socket accepts", async () => {
    const document = await json<AsyncApiDocument>(await SELF.fetch("http://platform.test/asyncapi.json"));
    for (const protocol of SOCKET_PROTOCOLS) {
      expect(documentedFrameTypes(document, protocol.id, "client").sort(), protocol.id).toEqual(Object.keys(protocol.clientFrames).sort());
    }
  });
});
