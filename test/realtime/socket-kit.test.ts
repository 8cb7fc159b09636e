/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";
import type { SessionStanding } from "../../shared/realtime/session-standings";
import { CLOSE_CODES, closeSocket, FRAME_ERRORS, type Socket, SocketGuard } from "../../shared/realtime/socket-kit";
import { api, json } from "../helpers";

const protocolsDoc = Object.values(import.meta.glob<string>("../../docs/socket-protocols.md", { query: "?raw", import: "default", eager: true }))[0]!;

/** A socket that records what it was sent and how it was closed. */
function recordingSocket() {
  const sent: { type: string; code?: string; detail?: string; retryAfter?: number }[] = [];
  const closed: { code?: number; reason?: string }[] = [];
  const socket: Socket = {
    send: (text) => sent.push(JSON.parse(text)),
    close: (code, reason) => closed.push({ code, reason }),
  };
  return { socket, sent, closed };
}

const principal = { userId: "u1", sessionId: "s1", role: "user" as const };

describe("the close-code table", () => {
  it("is the table of docs/socket-protocols.md, code for code", () => {
    const section = protocolsDoc.slice(protocolsDoc.indexOf("### Close codes"), protocolsDoc.indexOf("Every socket belongs to the session"));
    const documented = [...section.matchAll(/^\| (\d{4}) \|/gm)].map((match) => Number(match[1]));
    expect(documented).toEqual(Object.values(CLOSE_CODES).map((entry) => entry.code));
  });

  it("gives each code one reason", () => {
    const codes = Object.values(CLOSE_CODES).map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("every socket frame error code is documented", () => {
    for (const code of Object.keys(FRAME_ERRORS)) expect(protocolsDoc, code).toContain(`\`${code}\``);
  });

  it("/asyncapi.json names every close code", async () => {
    const text = JSON.stringify(await json(await api("/asyncapi.json")));
    for (const { code } of Object.values(CLOSE_CODES)) expect(text, String(code)).toContain(String(code));
  });

  it("closing for a reason with a frame sends its error frame first", () => {
    const { socket, sent, closed } = recordingSocket();
    closeSocket(socket, "not_a_member", "You are no longer a member of this chat");
    expect(sent).toEqual([{ type: "error", code: "not_a_member", detail: "You are no longer a member of this chat" }]);
    expect(closed).toEqual([{ code: 4003, reason: "not a member" }]);
    const quiet = recordingSocket();
    closeSocket(quiet.socket, "call_over");
    expect(quiet.sent).toEqual([]);
    expect(quiet.closed).toEqual([{ code: 4410, reason: "call over" }]);
  });
});

describe("SocketGuard", () => {
  const guardWith = (load: () => Promise<SessionStanding | null>) => new SocketGuard<"ping">(load, 30_000, { ping: { limit: 2, windowSeconds: 10 } });

  it("admits a live session and answers its standing from memory", async () => {
    let loads = 0;
    const guard = guardWith(async () => {
      loads++;
      return principal;
    });
    const { socket, closed } = recordingSocket();
    expect(guard.admit(socket, principal, 1_000)).toBe(true);
    expect(guard.standing(socket, principal, 2_000)).toEqual({ userId: "u1", role: "user" });
    expect(loads).toBe(0);
    expect(closed).toEqual([]);
  });

  it("a session that ended closes its sockets with session_ended and refuses them at connect", () => {
    const guard = guardWith(async () => principal);
    const open = recordingSocket();
    guard.admit(open.socket, principal, 1_000);
    guard.sessionsEnded(["s1"], 2_000, () => [open.socket]);
    expect(open.sent).toEqual([{ type: "error", code: "session_ended", detail: expect.any(String) }]);
    expect(open.closed).toEqual([{ code: 4001, reason: "session ended" }]);
    const late = recordingSocket();
    expect(guard.admit(late.socket, principal, 3_000)).toBe(false);
    expect(late.closed).toEqual([{ code: 4001, reason: "session ended" }]);
  });

  it("a standing read again after the recheck interval that finds the session gone closes the socket", async () => {
    const guard = guardWith(async () => null);
    const { socket, closed } = recordingSocket();
    guard.admit(socket, principal, 1_000);
    expect(await guard.standing(socket, principal, 1_000 + 31_000)).toBeNull();
    expect(closed).toEqual([{ code: 4001, reason: "session ended" }]);
  });

  it("over a frame budget the frame is refused with rate_limited and retryAfter", () => {
    const guard = guardWith(async () => principal);
    const { socket, sent } = recordingSocket();
    expect(guard.takeFrame(socket, "ping", "u1", 1_000, "Too many pings")).toBe(true);
    expect(guard.takeFrame(socket, "ping", "u1", 1_000, "Too many pings")).toBe(true);
    expect(guard.takeFrame(socket, "ping", "u1", 1_000, "Too many pings")).toBe(false);
    expect(sent).toEqual([{ type: "error", code: "rate_limited", detail: "Too many pings", retryAfter: expect.any(Number) }]);
    expect(sent[0]!.retryAfter).toBeGreaterThan(0);
  });
});
