// `npm run dev` runs the API Worker and the realtime Worker (workers/realtime/) in one wrangler dev
// session: a chat socket opened through the API reaches a ChatRoom (in the general chat, a ChatFanout
// shard) in the realtime Worker, and the vars given to `npm run dev` reach that Worker too
// (scripts/realtime-config.mjs).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseBusyPort, testPort } from "../../bench/lib/dev-server.mjs";
import { createPlatformClient, type Message, ok, type PlatformClient } from "../../client";

const PORT = testPort(8962);
const root = path.join(import.meta.dirname, "..", "..");
const url = `http://127.0.0.1:${PORT}`;
let dev: ChildProcess;
let output = "";
const persistTo = mkdtempSync(path.join(os.tmpdir(), "realtime-worker-dev-"));

beforeAll(async () => {
  await refuseBusyPort(PORT, "npm run dev");
  // Two messages a minute per sender and chat: a limit only the ChatRoom enforces, so a third
  // message refused shows that the realtime Worker got the var handed to `npm run dev`.
  dev = spawn(
    process.execPath,
    [path.join(root, "scripts", "dev.mjs"), "--port", String(PORT), "--ip", "127.0.0.1", "--persist-to", persistTo, "--var", "RATE_LIMIT_CHAT_MESSAGES:2/60"],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  dev.stdout?.on("data", (d) => (output += d));
  dev.stderr?.on("data", (d) => (output += d));
  // `npm run dev` applies the D1 migrations first (a workerd per migration): minutes on a loaded machine.
  const deadline = Date.now() + 900_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited early:\n${output}`);
    const answered = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 960_000);

afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((r) => dev.once("exit", r));
    process.kill(-(dev.pid as number), "SIGTERM");
    const timer = setTimeout(() => dev.exitCode === null && process.kill(-(dev.pid as number), "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(persistTo, { recursive: true, force: true });
}, 30_000);

async function signedUp(name: string): Promise<{ client: PlatformClient; userId: string }> {
  const client = createPlatformClient({ baseUrl: url });
  const { user } = await client.register({ email: `${name}-${Date.now()}@example.com`, password: `a long passphrase ${Math.random()}`, displayName: name });
  return { client, userId: (user as { id: string }).id };
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("npm run dev: the API and the realtime Worker in one session", () => {
  it("serves a chat socket from the realtime Worker, with the session's vars", async () => {
    const { client: alice } = await signedUp("rt-alice");
    const { client: bob, userId: bobId } = await signedUp("rt-bob");
    const chatId = (await ok(alice.api.v1.chats.$post({ json: { type: "direct", userId: bobId } }))).id;

    const room = bob.chat(chatId, {}, { selfId: bobId });
    await room.channel.loadInitial();
    room.start();
    await until(() => room.socket.state === "open");
    await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: "rt-1", text: "through the realtime Worker" } }));
    await until(() => room.channel.lastSeq === 1);
    expect(room.channel.messages.map((m: Message) => m.text)).toEqual(["through the realtime Worker"]);

    await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: "rt-2", text: "second" } }));
    const third = await alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: "rt-3", text: "third" } });
    expect(third.status).toBe(429);
    expect(((await third.json()) as { code: string }).code).toBe("rate_limited");
    room.stop();
  }, 60_000);

  it("serves the general chat's sockets from its fan-out shards in the realtime Worker (the API binds ChatFanout there)", async () => {
    const { client: alice } = await signedUp("rt-general-alice");
    const { client: bob, userId: bobId } = await signedUp("rt-general-bob");
    const room = bob.chat("general", {}, { selfId: bobId });
    await room.channel.loadInitial();
    room.start();
    await until(() => room.socket.state === "open");
    const sent = await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: "general" }, json: { clientId: "rt-general-1", text: "to everyone" } }));
    await until(() => room.channel.lastSeq === sent.seq);
    expect(room.channel.messages.map((m: Message) => m.text)).toContain("to everyone");
    room.stop();
  }, 60_000);

  it("answers a socket's permessage-deflate offer with no compression: the chat's and the hub's", async () => {
    const { client: alice } = await signedUp("rt-deflate-alice");
    const { userId: bobId } = await signedUp("rt-deflate-bob");
    const chatId = (await ok(alice.api.v1.chats.$post({ json: { type: "direct", userId: bobId } }))).id;
    const ticket = async () => (await ok(alice.api.v1.realtime.tickets.$post())).ticket;
    for (const path of [`/v1/chats/${chatId}/ws`, "/v1/realtime"]) {
      // Node's WebSocket, like a browser's, offers "permessage-deflate; client_max_window_bits".
      const socket = new WebSocket(`ws://127.0.0.1:${PORT}${path}?ticket=${await ticket()}`);
      const pong = new Promise<void>((resolve, reject) => {
        socket.addEventListener("message", (event) => JSON.parse(String(event.data)).type === "pong" && resolve());
        socket.addEventListener("error", () => reject(new Error(`${path}: the socket failed`)), { once: true });
      });
      await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
      expect(socket.extensions, path).toBe("");
      // …and frames go both ways uncompressed.
      socket.send(JSON.stringify({ type: "ping" }));
      await pong;
      socket.close();
    }
  }, 60_000);
});
