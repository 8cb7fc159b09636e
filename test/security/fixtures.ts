import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { expect } from "vitest";
import { clock } from "../../shared/clock";
import { openSignalling, placeCall } from "../calls/fixtures";
import { type ChatBody, connect, connectHub, openGroup } from "../chat/fixtures";
import { api, json, login, registerUser, type TestSocket, type TestUser, uniqueIp } from "../helpers";
import { totpCode } from "../identity/lifecycle-fixtures";
import { tokenIn, waitForMail } from "../kit/mailbox";
import { makeAdmin } from "../kit/users";

export const sessionIdOf = (accessToken: string) => String(decodeJwt(accessToken).sid);

/** A second session of `user` (a fresh login); the user's own tokens stay those of the first. */
export async function secondSession(user: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await login({ ...user, ip: uniqueIp() });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

export async function newAdmin(): Promise<TestUser> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return admin;
}

/** A "count/seconds" var as the platform reads it, or the default the finding names. */
export function limitVar(name: string, fallback: { limit: number; windowSeconds: number }) {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String((env as unknown as Record<string, unknown>)[name] ?? ""));
  return match ? { limit: Number(match[1]), windowSeconds: Number(match[2]) } : fallback;
}

/**
 * A victim whose first session (its own tokens) has a chat socket, a call signalling socket and
 * a hub socket open, a second session of the same user (`other`), and a peer `b` in the same
 * group and call with sockets of their own.
 */
export interface VictimSockets {
  victim: TestUser;
  other: { accessToken: string; refreshToken: string };
  b: TestUser;
  chat: ChatBody;
  callId: string;
  chatSocket: TestSocket;
  callSocket: TestSocket;
  hubSocket: TestSocket;
  peerChat: TestSocket;
  peerCall: TestSocket;
}

export async function victimWithSockets(): Promise<VictimSockets> {
  const [victim, b] = await Promise.all([registerUser(), registerUser()]);
  const other = await secondSession(victim);
  const chat = await openGroup(b, [victim]);
  const call = await placeCall(b, victim);
  const [chatSocket, callSocket, hubSocket, peerChat, peerCall] = await Promise.all([
    connect(chat.id, victim),
    openSignalling(victim, call.id),
    connectHub(victim),
    connect(chat.id, b),
    openSignalling(b, call.id),
  ]);
  await callSocket.next("call.state");
  await peerCall.next("call.state");
  return { victim, other, b, chat, callId: call.id, chatSocket, callSocket, hubSocket, peerChat, peerCall };
}

/** Every way a session ends, applied to the victim's first session. */
export const sessionEndings: [string, (v: VictimSockets) => Promise<void>][] = [
  [
    "logout",
    async (v) => {
      expect((await api("/v1/auth/logout", { method: "POST", token: v.victim.accessToken })).status).toBe(204);
    },
  ],
  [
    "logout-all from another session",
    async (v) => {
      expect((await api("/v1/auth/logout-all", { method: "POST", token: v.other.accessToken })).status).toBe(204);
    },
  ],
  [
    "DELETE /v1/auth/sessions/:id from another session",
    async (v) => {
      const sid = sessionIdOf(v.victim.accessToken);
      expect((await api(`/v1/auth/sessions/${sid}`, { method: "DELETE", token: v.other.accessToken })).status).toBe(204);
    },
  ],
  [
    "password change from another session",
    async (v) => {
      const response = await api("/v1/auth/password/change", {
        token: v.other.accessToken,
        body: { currentPassword: v.victim.password, newPassword: `changed ${v.victim.password} again` },
      });
      expect(response.status, await response.text()).toBe(204);
    },
  ],
  [
    "password reset",
    async (v) => {
      await api("/v1/auth/password/forgot", { body: { email: v.victim.email }, ip: uniqueIp() });
      const [mail] = await waitForMail(v.victim.email, /Reset/);
      const response = await api("/v1/auth/password/reset", { body: { token: tokenIn(mail!), password: `reset ${v.victim.password} anew` } });
      expect(response.status, await response.text()).toBe(204);
    },
  ],
  [
    "admin disable",
    async (v) => {
      const admin = await newAdmin();
      const response = await api(`/v1/admin/users/${v.victim.id}/disable`, { token: admin.accessToken, body: { reason: "test" } });
      expect(response.status, await response.text()).toBe(200);
    },
  ],
  [
    "admin end-sessions",
    async (v) => {
      const admin = await newAdmin();
      const response = await api(`/v1/admin/users/${v.victim.id}/sessions`, { method: "DELETE", token: admin.accessToken });
      expect(response.status, await response.text()).toBe(200);
    },
  ],
  [
    "refresh token reuse",
    async (v) => {
      expect((await api("/v1/auth/refresh", { body: { refreshToken: v.victim.refreshToken } })).status).toBe(200);
      clock.advance(21_000);
      const reused = await api("/v1/auth/refresh", { body: { refreshToken: v.victim.refreshToken } });
      expect((await json(reused)).code).toBe("token_reused");
    },
  ],
  [
    "account deletion",
    async (v) => {
      const response = await api("/v1/me", { method: "DELETE", token: v.other.accessToken, body: { password: v.victim.password } });
      expect(response.status, await response.text()).toBe(204);
    },
  ],
];

/** Fires `count` requests at once and tallies the answers by `status code`. */
export async function inParallel(count: number, request: (i: number) => Promise<Response>): Promise<Record<string, number>> {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => request(i)));
  const tally: Record<string, number> = {};
  for (const response of responses) {
    const body = await response.text();
    let code = "";
    try {
      code = JSON.parse(body).code ?? "";
    } catch {
      // not JSON
    }
    const key = `${response.status} ${code}`.trim();
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

/** Turns TOTP on the way the API asks for it (setup confirmed with the password); returns the secret. */
export async function turnOnTotpWithPassword(user: TestUser): Promise<string> {
  const setup = await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } });
  expect(setup.status, await setup.clone().text()).toBe(200);
  const { secret } = await json(setup);
  const enable = await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: totpCode(secret) } });
  expect(enable.status, await enable.clone().text()).toBe(200);
  clock.advance(30_000);
  return secret;
}
