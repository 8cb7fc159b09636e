import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { acceptSocket, api, expectProblem, type Frame, json, registerUser, upgrade as upgradeTo } from "../helpers";

afterEach(() => clock.reset());

async function ticketFor(token: string): Promise<string> {
  const response = await api("/v1/realtime/tickets", { method: "POST", token });
  expect(response.status).toBe(201);
  const body = await json(response);
  expect(body.expiresIn).toBe(60);
  return body.ticket;
}

function upgrade(query = "", headers: Record<string, string> = {}) {
  return upgradeTo(`/v1/realtime${query}`, headers);
}

/** Accepts the client end of an upgrade; `next()` takes the next frame, whatever its type. */
function openSocket(response: Response) {
  const socket = acceptSocket(response);
  return { socket, next: (where?: (frame: Frame) => boolean) => socket.nextMatching(where) };
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
    const delivered = await env.USER_HUB.getByName(user.id).notify({ type: "chat.deleted", chatId: "c1" });
    expect(delivered).toBe(2);
    expect(await phone.next()).toEqual({ type: "chat.deleted", chatId: "c1" });
    expect(await laptop.next()).toEqual({ type: "chat.deleted", chatId: "c1" });
    phone.socket.close();
    laptop.socket.close();
  });
});
