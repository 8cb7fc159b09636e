import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { createPlatformClient, LiveSocket, type Message, ok, type PlatformClient, type SignedOutReason } from "../../client";

const PORT = testPort(8900);
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "client-library", vars: { STUN_URLS: "", RATE_LIMIT_CHAT_MESSAGES: "1000/1" } });
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

let counter = 0;
const fastBackoff = { baseMs: 20, maxMs: 200 };

async function signedUp(name: string, extra: Partial<Parameters<typeof createPlatformClient>[0]> = {}): Promise<{ client: PlatformClient; userId: string }> {
  const client = createPlatformClient({ baseUrl: server.url, backoff: fastBackoff, ...extra });
  const { user } = await client.register({
    email: `${name}-${Date.now()}-${counter++}@example.com`,
    password: `a long passphrase ${Math.random()}`,
    displayName: name,
  });
  return { client, userId: (user as { id: string }).id };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function directChat(a: PlatformClient, bId: string): Promise<string> {
  return (await ok(a.api.v1.chats.$post({ json: { type: "direct", userId: bId } }))).id;
}

describe("REST through hc<AppType>", () => {
  it("signs up, then reads the user and the chat list with the session's token", async () => {
    const { client, userId } = await signedUp("rest");
    const { user } = await ok(client.api.v1.me.$get());
    expect(user.id).toBe(userId);
    const chats = await ok(client.api.v1.chats.$get({ query: {} }));
    expect(chats.items.map((c) => c.type)).toContain("general");
  });

  it("a wrong password is a ProblemError with the problem's code", async () => {
    const client = createPlatformClient({ baseUrl: server.url });
    await expect(client.login({ email: `nobody-${Date.now()}@example.com`, password: "not the password" })).rejects.toMatchObject({
      status: 401,
      code: "invalid_credentials",
    });
    expect(client.session.signedIn).toBe(false);
  });
});

describe("tokens", () => {
  it("refreshes before expiry with one request however many calls need a token at once", async () => {
    let skewMs = 0;
    const { client } = await signedUp("refresh", { now: () => Date.now() + skewMs });
    const firstRefreshToken = client.session.session!.refreshToken;
    skewMs = 850_000; // 50 s left of the 900 s token: inside the 60 s margin
    const replies = await Promise.all(Array.from({ length: 10 }, () => client.api.v1.me.$get()));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(client.session.refreshCount).toBe(1);
    expect(client.session.session!.refreshToken).not.toBe(firstRefreshToken);
    // the new pair is valid for another 900 s of the moved clock: no further refresh
    await ok(client.api.v1.me.$get());
    expect(client.session.refreshCount).toBe(1);
  });

  it("token_reused signs the client out and tells its listeners", async () => {
    let skewMs = 0;
    const { client } = await signedUp("reuse", { now: () => Date.now() + skewMs });
    const reasons: SignedOutReason[] = [];
    client.onSignedOut((reason) => reasons.push(reason));
    // Someone else (a stolen copy) rotates the refresh token, twice, so it is no concurrent-refresh race.
    const refresh = (refreshToken: string) =>
      fetch(`${server.url}/v1/auth/refresh`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refreshToken }) });
    const once = await refresh(client.session.session!.refreshToken);
    expect(once.status).toBe(200);
    const thief = await refresh(((await once.json()) as { refreshToken: string }).refreshToken);
    expect(thief.status).toBe(200);
    skewMs = 899_000;
    const me = await client.api.v1.me.$get();
    expect(me.status).toBe(401);
    expect(reasons).toEqual(["token_reused"]);
    expect(client.session.signedIn).toBe(false);
    // the whole session was revoked: the thief's new pair is dead too
    const { accessToken } = (await thief.json()) as { accessToken: string };
    expect((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
  });
});

describe("realtime sockets", () => {
  it("the hub gets a fresh ticket per connect and reconnects after the connection drops", async () => {
    const { client: alice } = await signedUp("hub-alice");
    const { client: bob, userId: bobId } = await signedUp("hub-bob");
    const frames: string[] = [];
    const hub = bob.hub((frame) => frames.push(frame.type));
    hub.start();
    await until(() => hub.state === "open" && frames.includes("hello"));
    hub.reconnectNow();
    await until(() => hub.opens === 2 && hub.state === "open");
    const call = await ok(alice.api.v1.calls.$post({ json: { calleeId: bobId, type: "voice" } }));
    await until(() => frames.includes("call.incoming"));
    await ok(alice.api.v1.calls[":id"].end.$post({ param: { id: call.id } }));
    hub.stop();
  });

  it("retries with backoff while it cannot get a ticket, then connects", async () => {
    const { client } = await signedUp("retry");
    let failures = 0;
    const socket = new LiveSocket({
      backoff: fastBackoff,
      connectUrl: async () => {
        if (failures < 3) {
          failures++;
          throw new Error("network down");
        }
        const { ticket } = await ok(client.api.v1.realtime.tickets.$post());
        return `${server.url.replace("http", "ws")}/v1/realtime?ticket=${ticket}`;
      },
      onFrame: () => undefined,
    });
    socket.start();
    await until(() => socket.state === "open");
    expect(failures).toBe(3);
    socket.stop();
  });

  it("a chat resumes after the last seq: every message missed while away shows exactly once", async () => {
    const { client: alice, userId: aliceId } = await signedUp("resume-alice");
    const { client: bob, userId: bobId } = await signedUp("resume-bob");
    const chatId = await directChat(alice, bobId);
    for (let i = 1; i <= 3; i++)
      await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: `early-${i}`, text: `early ${i}` } }));

    const errors: unknown[] = [];
    const room = bob.chat(chatId, { error: (e) => errors.push(e) }, { selfId: bobId });
    await room.channel.loadInitial();
    room.start();
    await until(() => room.socket.state === "open");
    await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: "live-1", text: "live 1" } }));
    await until(() => room.channel.lastSeq === 4);

    room.stop(); // Bob goes away
    for (let i = 1; i <= 120; i++)
      await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: `away-${i}`, text: `away ${i}` } }));
    room.start(); // back: the hello's lastSeq is ahead, so the channel fetches after=4 (two pages)
    await until(() => room.channel.lastSeq === 124 || errors.length > 0);
    expect(errors).toEqual([]);
    // one more live message straight after the catch-up
    await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: "after-back", text: "after back" } }));
    await until(() => room.channel.lastSeq === 125);

    const seqs = room.channel.messages.map((m: Message) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 125 }, (_, i) => i + 1));
    expect(new Set(room.channel.messages.map((m) => m.id)).size).toBe(125);
    expect(room.channel.messages.every((m) => m.senderId === aliceId)).toBe(true);
    room.stop();
  }, 60_000);

  it("the outbox resends unsent messages with the same clientId: stored once", async () => {
    const { client: alice, userId: aliceId } = await signedUp("outbox-alice");
    const { userId: bobId } = await signedUp("outbox-bob");
    const chatId = await directChat(alice, bobId);
    const room = alice.chat(chatId, {}, { selfId: aliceId });
    await room.channel.loadInitial();

    // Written while offline: held in the outbox, shown as sending.
    const first = room.channel.send("written offline");
    const second = room.channel.send("also offline");
    expect(room.channel.outbox.map((p) => p.status)).toEqual(["sending", "sending"]);
    // The first one did reach the server before the connection died (its ack was lost).
    await ok(alice.api.v1.chats[":id"].messages.$post({ param: { id: chatId }, json: { clientId: first.clientId, text: first.text } }));

    room.start();
    await until(() => room.channel.outbox.length === 0 && room.channel.messages.length === 2);
    expect(room.channel.messages.map((m) => [m.clientId, m.text])).toEqual([
      [first.clientId, "written offline"],
      [second.clientId, "also offline"],
    ]);
    const stored = await ok(alice.api.v1.chats[":id"].messages.$get({ param: { id: chatId }, query: {} }));
    expect(stored.items.map((m) => m.text).sort()).toEqual(["also offline", "written offline"]);
    room.stop();
  });

  it("typing and read receipts reach the other member's channel", async () => {
    const { client: alice, userId: aliceId } = await signedUp("typing-alice");
    const { client: bob, userId: bobId } = await signedUp("typing-bob");
    const chatId = await directChat(alice, bobId);
    const typers: string[] = [];
    const aliceRoom = alice.chat(chatId, { typing: (userId) => typers.push(userId) }, { selfId: aliceId });
    const bobRoom = bob.chat(chatId, {}, { selfId: bobId });
    aliceRoom.start();
    bobRoom.start();
    await until(() => aliceRoom.socket.state === "open" && bobRoom.socket.state === "open");
    aliceRoom.channel.send("hello bob");
    await until(() => bobRoom.channel.lastSeq === 1);
    bobRoom.channel.typing();
    await until(() => typers.includes(bobId));
    bobRoom.channel.markRead();
    await until(() => aliceRoom.channel.readSeqs.get(bobId) === 1);
    aliceRoom.stop();
    bobRoom.stop();
  });
});
