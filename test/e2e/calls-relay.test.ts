import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { PlatformClient } from "../dev-server/call-client";
import { connectCall } from "../dev-server/call-flow";

const PORT = testPort(8795);
const TURN_PORT = testPort(34_781);
const TURN_SECRET = randomBytes(24).toString("base64url");
const TURNSERVER = "/usr/bin/turnserver";

let server: DevServer;
let client: PlatformClient;

beforeAll(async () => {
  server = await startDevServer({
    port: PORT,
    name: "calls-relay-e2e",
    vars: {
      TURN_URLS: `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
      TURN_SECRET,
      TURN_TTL_SECONDS: "600",
      // no public STUN from a test: the peers are on this machine
      STUN_URLS: "",
    },
  });
  client = new PlatformClient(server.url);
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describe("a relay-only WebRTC call through a real coturn", () => {
  let turnserver: ChildProcess | undefined;
  let turnLog = "";
  let turnDir: string | undefined;

  afterAll(async () => {
    if (turnserver && turnserver.exitCode === null) {
      const exited = new Promise((resolve) => turnserver!.once("exit", resolve));
      turnserver.kill("SIGTERM");
      const timer = setTimeout(() => turnserver?.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (turnDir) rmSync(turnDir, { recursive: true, force: true });
  }, 15_000);

  async function startCoturn(): Promise<void> {
    if (!existsSync(TURNSERVER) && spawnSync("sh", ["-c", "command -v turnserver"]).status !== 0) {
      throw new Error("coturn is not installed (no /usr/bin/turnserver): install the Debian package with `apt-get install -y coturn` to run the relay test");
    }
    turnDir = mkdtempSync(path.join(tmpdir(), "calls-e2e-coturn-"));
    turnserver = spawn(
      existsSync(TURNSERVER) ? TURNSERVER : "turnserver",
      [
        "-n",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        `--listening-port=${TURN_PORT}`,
        "--min-port=49160",
        "--max-port=49260",
        "--use-auth-secret",
        `--static-auth-secret=${TURN_SECRET}`,
        "--realm=edge-platform.test",
        "--allow-loopback-peers",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--fingerprint",
        "--log-file=stdout",
        "--simple-log",
        "--verbose",
        `--pidfile=${path.join(turnDir, "turnserver.pid")}`,
        `--userdb=${path.join(turnDir, "turndb")}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    turnserver.stdout!.on("data", (d) => (turnLog += d));
    turnserver.stderr!.on("data", (d) => (turnLog += d));
    const deadline = Date.now() + 10_000;
    while (!/listener opened on|Total General servers/i.test(turnLog)) {
      if (turnserver.exitCode !== null) throw new Error(`turnserver exited:\n${turnLog}`);
      if (Date.now() > deadline) throw new Error(`turnserver did not start within 10 s:\n${turnLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("relay-only ICE with the credentials from /v1/calls/ice-servers carries data through coturn", async () => {
    await startCoturn();
    const issued: { urls: string | string[]; username?: string; credential?: string }[][] = [];
    const { caller, callee, received } = await connectCall(
      client,
      async (user) => {
        const { iceServers, ttl } = await client.json("/v1/calls/ice-servers", { token: user.accessToken });
        expect(ttl).toBe(600);
        issued.push(iceServers);
        return iceServers;
      },
      "relay",
    );
    expect(received).toEqual({ byCallee: "ping from alice", byCaller: "pong to ping from alice" });

    for (const servers of issued) {
      const turn = servers.find((s) => s.username);
      expect(turn?.urls).toEqual([`turn:127.0.0.1:${TURN_PORT}?transport=udp`]);
      const [expiry] = turn!.username!.split(":");
      expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000);
      expect(turn!.credential).toBe(createHmac("sha1", TURN_SECRET).update(turn!.username!).digest("base64"));
    }
    // coturn itself accepted each user's issued credentials and relayed between the two allocations
    for (const servers of issued) {
      expect(turnLog).toContain(`user <${servers.find((s) => s.username)!.username}>: incoming packet ALLOCATE processed, success`);
    }
    expect(turnLog).toMatch(/(CHANNEL_BIND|CREATE_PERMISSION) processed, success/);
    // relay-only: every candidate either side offered is a TURN relay address
    for (const peer of [caller, callee]) {
      expect(peer.localCandidates.length).toBeGreaterThan(0);
      for (const candidate of peer.localCandidates) expect(candidate).toMatch(/ typ relay/);
    }
  }, 90_000);
});
