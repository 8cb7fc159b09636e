import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { revokeUserSession } from "../../shared/identity/sessions/records";
import { testDeps } from "../kit/deps";
import { SAMPLE_SDP } from "../calls/fixtures";
import { type MessageBody, connect, newClientId, postMessage, usersAndGroup } from "../chat/fixtures";
import { api, json } from "../helpers";
import { newAdmin, sessionEndings, sessionIdOf, victimWithSockets } from "./fixtures";

afterEach(() => clock.reset());

/** The close code every socket of an ended session gets. */
const SESSION_ENDED = 4001;
const CALL_OVER = 4410;

async function messagesOf(chatId: string, token: string): Promise<MessageBody[]> {
  const response = await api(`/v1/chats/${chatId}/messages?limit=100`, { token });
  expect(response.status).toBe(200);
  return (await json<{ items: MessageBody[] }>(response)).items;
}

describe("finding 1: a session's end closes every socket it opened (ASVS 7.4.1)", () => {
  it.each(sessionEndings)("%s closes that session's chat, call and hub sockets", async (way, endSession) => {
    const v = await victimWithSockets();
    await endSession(v);
    expect((await v.chatSocket.waitClosed(3000)).code).toBe(SESSION_ENDED);
    const callClosed = (await Promise.race([v.callSocket.closed, new Promise((r) => setTimeout(() => r(null), 3000))])) as { code: number } | null;
    // Deleting the account also ends the user's live calls, which closes their sockets as "call over".
    expect(way === "account deletion" ? [SESSION_ENDED, CALL_OVER] : [SESSION_ENDED]).toContain(callClosed?.code);
    expect((await v.hubSocket.waitClosed(3000)).code).toBe(SESSION_ENDED);
    // The other participant's sockets stay.
    expect(v.peerChat.closed).toBeNull();
    v.peerChat.send({ type: "ping" });
    await v.peerChat.next("pong");
    v.peerChat.close();
    v.peerCall.close();
  });

  it("the other sessions of the user keep their sockets when one session logs out", async () => {
    const v = await victimWithSockets();
    const otherChat = await connect(v.chat.id, { ...v.victim, accessToken: v.other.accessToken });
    expect((await api("/v1/auth/logout", { method: "POST", token: v.victim.accessToken })).status).toBe(204);
    await v.chatSocket.waitClosed(3000);
    await otherChat.sync();
    expect(otherChat.closed).toBeNull();
    otherChat.close();
    v.peerChat.close();
    v.peerCall.close();
  });

  it("after logout the session's chat frames are not stored and it receives no message.new", async () => {
    const v = await victimWithSockets();
    expect((await api("/v1/auth/logout", { method: "POST", token: v.victim.accessToken })).status).toBe(204);
    // Sent right after the 204, without waiting for the close to arrive.
    const clientId = newClientId();
    try {
      v.chatSocket.send({ type: "message.send", clientId, text: "after logout" });
    } catch {
      // already closed: nothing was sent, which is the point
    }
    await postMessage(v.chat.id, v.b, "for members only");
    await v.peerChat.sync();
    expect(v.chatSocket.frames.filter((f) => f.type === "message.new")).toHaveLength(0);
    expect((await messagesOf(v.chat.id, v.b.accessToken)).map((m) => m.clientId)).not.toContain(clientId);
    v.peerChat.close();
    v.peerCall.close();
  });

  it("after logout the session's call socket relays no SDP", async () => {
    const v = await victimWithSockets();
    expect((await api("/v1/auth/logout", { method: "POST", token: v.victim.accessToken })).status).toBe(204);
    try {
      v.callSocket.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    } catch {
      // already closed
    }
    await expect(v.peerCall.next("sdp.offer", undefined, 1000)).rejects.toThrow(/no sdp.offer/);
    v.peerChat.close();
    v.peerCall.close();
  });

  it("even if the close is lost, the next frame after the recheck interval is refused and not stored", async () => {
    const v = await victimWithSockets();
    // A revocation whose push never reached the room: only D1 knows.
    await revokeUserSession(testDeps().db, v.victim.id, sessionIdOf(v.victim.accessToken), "test", clock.date());
    const recheckSeconds = Number((env as unknown as Record<string, string>).REALTIME_SESSION_RECHECK_SECONDS) || 30;
    clock.advance((recheckSeconds + 1) * 1000);
    const clientId = newClientId();
    v.chatSocket.send({ type: "message.send", clientId, text: "with a dead session" });
    expect((await v.chatSocket.waitClosed(3000)).code).toBe(SESSION_ENDED);
    v.callSocket.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    await expect(v.peerCall.next("sdp.offer", undefined, 1000)).rejects.toThrow(/no sdp.offer/);
    expect((await messagesOf(v.chat.id, v.b.accessToken)).map((m) => m.clientId)).not.toContain(clientId);
    v.peerChat.close();
    v.peerCall.close();
  });
});

describe("finding 3: role changes reach open chat sockets", () => {
  it("a demoted moderator's open socket loses moderator power at once", async () => {
    const { users, chat } = await usersAndGroup(3);
    const [owner, member, moderator] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const admin = await newAdmin();
    expect((await api(`/v1/admin/users/${moderator.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "moderator" } })).status).toBe(200);
    const flagged = await postMessage(chat.id, member, "flagged");
    const kept = await postMessage(chat.id, owner, "kept");
    const socket = await connect(chat.id, moderator);
    socket.send({ type: "message.delete", id: flagged.id });
    expect((await socket.next("message.updated")).message.deletedAt).not.toBeNull();

    expect((await api(`/v1/admin/users/${moderator.id}/role`, { method: "PUT", token: admin.accessToken, body: { role: "user" } })).status).toBe(200);
    // The socket is either closed or re-reads the role: either way the delete must not happen.
    if (!socket.closed) socket.send({ type: "message.delete", id: kept.id });
    await Promise.race([socket.next("error", (f) => f.code === "not_message_sender", 3000), socket.waitClosed(3000)]).catch(() => undefined);
    const items = await messagesOf(chat.id, owner.accessToken);
    expect(items.find((m) => m.id === kept.id)?.deletedAt).toBeNull();
    socket.close();
  });
});
