import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser } from "../helpers";

afterEach(() => clock.reset());

async function ticketFor(token: string): Promise<string> {
  const response = await api("/v1/realtime/tickets", { method: "POST", token });
  expect(response.status).toBe(201);
  const body = await json(response);
  expect(body.expiresIn).toBe(60);
  return body.ticket;
}

function upgrade(query = "", headers: Record<string, string> = {}) {
  return SELF.fetch(`http://platform.test/v1/realtime${query}`, { headers: { upgrade: "websocket", ...headers } });
}

/** Accepts the client end of an upgrade and collects its frames. */
function openSocket(response: Response) {
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const frames: any[] = [];
  const waiters: (() => void)[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(event.data as string));
    waiters.splice(0).forEach((wake) => wake());
  });
  socket.accept();
  const next = async (predicate: (frame: any) => boolean = () => true, timeoutMs = 2000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = frames.findIndex(predicate);
      if (index >= 0) return frames.splice(index, 1)[0];
      if (Date.now() > deadline) throw new Error(`no matching frame; have ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { socket, next };
}

describe("POST /v1/realtime/tickets", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/realtime/tickets", { method: "POST" }), 401);
  });
});

describe("GET /v1/realtime", () => {
  it("connects with a Bearer token and answers ping with pong", async () => {
    const user = await registerUser();
    const { socket, next } = openSocket(await upgrade("", { authorization: `Bearer ${user.accessToken}` }));
    expect(await next()).toEqual({ type: "hello", userId: user.id });
    socket.send(JSON.stringify({ type: "ping" }));
    expect(await next()).toEqual({ type: "pong" });
    socket.close();
  });

  it("connects with a single-use ticket, which then stops working", async () => {
    const user = await registerUser();
    const ticket = await ticketFor(user.accessToken);
    const { socket, next } = openSocket(await upgrade(`?ticket=${ticket}`));
    expect((await next()).type).toBe("hello");
    socket.close();
    await expectProblem(await upgrade(`?ticket=${ticket}`), 401, "invalid_ticket");
  });

  it("refuses a ticket older than 60 seconds", async () => {
    const user = await registerUser();
    const ticket = await ticketFor(user.accessToken);
    clock.advance(61_000);
    await expectProblem(await upgrade(`?ticket=${ticket}`), 401, "invalid_ticket");
  });

  it("refuses a ticket whose session has ended", async () => {
    const user = await registerUser();
    const ticket = await ticketFor(user.accessToken);
    await api("/v1/auth/logout", { method: "POST", token: user.accessToken });
    await expectProblem(await upgrade(`?ticket=${ticket}`), 401, "session_revoked");
  });

  it("refuses upgrades without credentials before the socket opens", async () => {
    await expectProblem(await upgrade(), 401, "unauthorized");
    await expectProblem(await upgrade("?ticket=forged"), 401, "invalid_ticket");
    await expectProblem(await upgrade("", { authorization: "Bearer nope" }), 401, "invalid_token");
  });

  it("ignores identity headers a client tries to smuggle in", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const { socket, next } = openSocket(await upgrade("", { authorization: `Bearer ${alice.accessToken}`, "x-platform-user-id": bob.id }));
    expect(await next()).toEqual({ type: "hello", userId: alice.id });
    socket.close();
  });

  it("answers a plain GET with 426", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/realtime", { token: user.accessToken }), 426, "upgrade_required");
  });

  it("answers malformed frames with error frames and keeps the socket open", async () => {
    const user = await registerUser();
    const { socket, next } = openSocket(await upgrade("", { authorization: `Bearer ${user.accessToken}` }));
    await next();
    const cases: [string, string][] = [
      ["not json", "malformed_frame"],
      [JSON.stringify([1, 2]), "malformed_frame"],
      [JSON.stringify({ type: "dance" }), "unknown_frame_type"],
      [JSON.stringify({ type: "ping", extra: "x".repeat(70_000) }), "frame_too_large"],
    ];
    for (const [frame, code] of cases) {
      socket.send(frame);
      expect(await next()).toMatchObject({ type: "error", code });
    }
    socket.send(JSON.stringify({ type: "ping" }));
    expect(await next()).toEqual({ type: "pong" });
    socket.close();
  });

  it("delivers frames pushed to the user's hub to every device", async () => {
    const user = await registerUser();
    const phone = openSocket(await upgrade("", { authorization: `Bearer ${user.accessToken}` }));
    const laptop = openSocket(await upgrade(`?ticket=${await ticketFor(user.accessToken)}`));
    await phone.next();
    await laptop.next();
    const delivered = await env.USER_HUB.getByName(user.id).notify({ type: "chat.updated", chat: { id: "c1" } });
    expect(delivered).toBe(2);
    expect(await phone.next()).toEqual({ type: "chat.updated", chat: { id: "c1" } });
    expect(await laptop.next()).toEqual({ type: "chat.updated", chat: { id: "c1" } });
    phone.socket.close();
    laptop.socket.close();
  });
});
