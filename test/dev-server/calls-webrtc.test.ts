import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { PlatformClient } from "./call-client";
import { connectCall } from "./call-flow";

const PORT = testPort(8792);

let server: DevServer;
let client: PlatformClient;

beforeAll(async () => {
  // no public STUN from a test: the peers are on this machine
  server = await startDevServer({ port: PORT, name: "calls-dev-server", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "3" } });
  client = new PlatformClient(server.url);
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describe("a real WebRTC call through the platform's signalling", () => {
  it("two werift peers connect directly and exchange data over a data channel", async () => {
    const { received } = await connectCall(client, async () => [], "all");
    expect(received).toEqual({ byCallee: "ping from alice", byCaller: "pong to ping from alice" });
  }, 90_000);

  it("a call still ringing after CALL_RING_TIMEOUT_SECONDS (3 s here) becomes missed on its own", async () => {
    const alice = await client.register("alice");
    const bob = await client.register("bob");
    const aliceHub = await client.connect("/v1/realtime", alice);
    try {
      const call = await client.json("/v1/calls", { token: alice.accessToken, body: { calleeId: bob.id, type: "voice" }, expect: 201 });
      const missed = await aliceHub.next("call.state", (f) => f.call.id === call.id && f.call.status === "missed", 15_000);
      expect(missed.call.endedBy).toBeNull();
      expect(Date.parse(missed.call.endedAt) - Date.parse(missed.call.createdAt)).toBeGreaterThanOrEqual(3000);
    } finally {
      aliceHub.close();
    }
  }, 30_000);
});
