// One whole call between two werift peers, signalled only through the platform: used by the direct
// call (test/dev-server) and the relay-only call through coturn (test/e2e).
import { expect } from "vitest";
import type { PlatformClient, TestSocket, User } from "./call-client";
import { SignalledPeer, within } from "./webrtc-peer";

export interface CallOutcome {
  caller: SignalledPeer;
  callee: SignalledPeer;
  received: { byCaller: string; byCallee: string };
}

/**
 * The whole flow of a call app: both users on their hubs, the caller dials, the callee's hub
 * rings, the callee accepts, and the two werift peers negotiate only through /v1/calls/:id/ws
 * until a data channel carries a message each way.
 */
export async function connectCall(
  client: PlatformClient,
  iceServersOf: (user: User) => Promise<{ urls: string | string[]; username?: string; credential?: string }[]>,
  policy: "all" | "relay",
): Promise<CallOutcome> {
  const alice = await client.register("alice");
  const bob = await client.register("bob");
  const sockets: TestSocket[] = [];
  const peers: SignalledPeer[] = [];
  try {
    const bobHub = await client.connect("/v1/realtime", bob);
    sockets.push(bobHub);
    await bobHub.next("hello");

    const call = await client.json("/v1/calls", { token: alice.accessToken, body: { calleeId: bob.id, type: "video" }, expect: 201 });
    expect((await bobHub.next("call.incoming")).call.id).toBe(call.id);

    const aliceSignalling = await client.connect(`/v1/calls/${call.id}/ws`, alice);
    sockets.push(aliceSignalling);
    await aliceSignalling.next("call.state");
    const caller = new SignalledPeer(aliceSignalling, { iceServers: await iceServersOf(alice), iceTransportPolicy: policy });
    peers.push(caller);
    const channel = caller.pc.createDataChannel("chat");
    const channelOpen = new Promise<void>((resolve) => channel.stateChanged.subscribe((state) => state === "open" && resolve()));
    const callerReceived = new Promise<string>((resolve) => channel.onMessage.subscribe((data) => resolve(String(data))));
    // The offer and first candidates go out while the call still rings: the server holds them for Bob.
    await caller.call();

    await client.json(`/v1/calls/${call.id}/accept`, { method: "POST", token: bob.accessToken });
    const bobSignalling = await client.connect(`/v1/calls/${call.id}/ws`, bob);
    sockets.push(bobSignalling);
    const callee = new SignalledPeer(bobSignalling, { iceServers: await iceServersOf(bob), iceTransportPolicy: policy });
    peers.push(callee);
    const calleeReceived = new Promise<string>((resolve) =>
      callee.pc.onDataChannel.subscribe((incoming) =>
        incoming.onMessage.subscribe((data) => {
          resolve(String(data));
          incoming.send(`pong to ${String(data)}`);
        }),
      ),
    );
    const offer = await bobSignalling.next("sdp.offer");
    expect(offer.from).toBe(alice.id);
    await callee.answer(offer.sdp);

    const answer = await aliceSignalling.next("sdp.answer");
    expect(answer.from).toBe(bob.id);
    await caller.accept(answer.sdp);

    await within(channelOpen, 30_000, "the data channel opening");
    channel.send("ping from alice");
    const received = {
      byCallee: await within(calleeReceived, 15_000, "Bob receiving Alice's message"),
      byCaller: await within(callerReceived, 15_000, "Alice receiving Bob's reply"),
    };

    aliceSignalling.send({ type: "hangup" });
    expect((await bobHub.next("call.state", (f) => f.call.status === "ended", 10_000)).call).toMatchObject({ id: call.id, endedBy: alice.id });
    return { caller, callee, received };
  } finally {
    for (const socket of sockets) socket.close();
    await Promise.all(peers.map((peer) => peer.close()));
  }
}
