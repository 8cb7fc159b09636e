import { describe, expect, it } from "vitest";
import { callCommand, placeCall, twoUsers, openSignalling, SAMPLE_CANDIDATE } from "../calls/fixtures";
import { type ChatBody, connect, connectHub, postMessage, usersAndGroup } from "../chat/fixtures";
import { api, expectProblem, json, registerUser, type TestSocket } from "../helpers";
import { limitVar } from "./fixtures";

/**
 * Sends `count` frames of one kind at once and returns how many the room refused as rate_limited,
 * waiting (up to 15 s) until at least `expected` refusals arrived and the count stopped moving.
 * Admitted frames may wait on D1 between refusals, so a short pause does not mean all were handled.
 */
async function flood(socket: TestSocket, count: number, frame: (i: number) => unknown, expected = 1): Promise<number> {
  for (let i = 0; i < count; i++) socket.send(frame(i));
  const refusals = () => socket.frames.filter((f) => f.type === "error" && f.code === "rate_limited").length;
  const deadline = Date.now() + 15_000;
  let refused = refusals();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = refusals();
    if (now === refused && now >= expected) break;
    refused = now;
  }
  return refusals();
}

describe("finding 5: every frame type, call creation and group creation are limited", () => {
  it.each([
    ["typing", "RATE_LIMIT_CHAT_TYPING", () => ({ type: "typing" })],
    ["read", "RATE_LIMIT_CHAT_READS", () => ({ type: "read", seq: 1 })],
    ["reaction", "RATE_LIMIT_CHAT_REACTIONS", (id: string, i: number) => ({ type: "reaction", id, emoji: "👍", remove: i % 2 === 1 })],
    ["message.edit", "RATE_LIMIT_CHAT_EDITS", (id: string, i: number) => ({ type: "message.edit", id, text: `edit ${i}` })],
  ] as const)("%s frames beyond the limit are refused with rate_limited and not passed on", async (_type, variable, frame) => {
    const { users, chat } = await usersAndGroup(2);
    const message = await postMessage(chat.id, users[0]!, "target");
    const [sender, other] = await Promise.all(users.map((u) => connect(chat.id, u)));
    const count = 120;
    const limit = limitVar(variable, { limit: 30, windowSeconds: 10 }).limit;
    const refused = await flood(sender!, count, (i) => frame(message.id, i), count - limit);
    expect(refused).toBeGreaterThanOrEqual(count - limit);
    expect(refused).toBeGreaterThan(0);
    const passedOn = other!.frames.filter((f) => ["typing", "read", "message.updated"].includes(f.type)).length;
    expect(passedOn).toBeLessThanOrEqual(limit);
    sender!.close();
    other!.close();
  });

  it("pings on a chat socket are limited too", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    expect(await flood(socket, 300, () => ({ type: "ping" }))).toBeGreaterThan(0);
    socket.close();
  });

  it("pings on the hub socket are limited", async () => {
    const user = await registerUser();
    const hub = await connectHub(user);
    expect(await flood(hub, 300, () => ({ type: "ping" }))).toBeGreaterThan(0);
    hub.close();
  });

  it("signalling frames on a call socket are limited", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const [socket, peer] = await Promise.all([openSignalling(caller, call.id), openSignalling(callee, call.id)]);
    const count = 600;
    for (let i = 0; i < count; i++) socket.send({ type: "ice.candidate", candidate: SAMPLE_CANDIDATE });
    const error = await socket.next("error", undefined, 5000);
    expect(error.code).toBe("rate_limited");
    await new Promise((r) => setTimeout(r, 500));
    expect(peer.frames.filter((f) => f.type === "ice.candidate").length).toBeLessThan(count);
    socket.close();
    peer.close();
  });

  it("15 ring-and-hang-ups in a row from one caller to one callee: most are refused with 429", async () => {
    const [caller, callee] = await twoUsers();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const response = await api("/v1/calls", { token: caller.accessToken, body: { calleeId: callee.id, type: "voice" } });
      statuses.push(response.status);
      if (response.status === 201) await callCommand(caller, (await json(response)).id, "end");
      else await expectProblem(response, 429, "rate_limited");
    }
    const pair = limitVar("RATE_LIMIT_CALLS_PER_PAIR", { limit: 5, windowSeconds: 600 }).limit;
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(pair);
    const history = await json(await api("/v1/calls/history?limit=100", { token: callee.accessToken }));
    expect(history.items.length).toBeLessThanOrEqual(pair);
  });

  it("one user creates at most the limit of groups per hour", async () => {
    const [owner, member] = await Promise.all([registerUser(), registerUser()]);
    const { limit } = limitVar("RATE_LIMIT_GROUPS_PER_USER", { limit: 10, windowSeconds: 3600 });
    const statuses: number[] = [];
    for (let i = 0; i < limit + 3; i++) {
      statuses.push((await api("/v1/chats", { token: owner.accessToken, body: { type: "group", title: `g${i}`, memberIds: [member.id] } })).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(limit);
    expect(statuses.slice(limit)).toEqual([429, 429, 429]);
  });

  it("the general chat does not list every user id: its answers carry a member count only", async () => {
    const [user] = await Promise.all([registerUser(), registerUser()]);
    const general = await json<ChatBody & { memberCount: number }>(await api("/v1/chats/general", { token: user.accessToken }));
    expect(general.memberIds).toBeUndefined();
    expect(general.memberCount).toBeGreaterThanOrEqual(2);
    const list = await json<{ items: (ChatBody & { memberCount?: number })[] }>(await api("/v1/chats?limit=100", { token: user.accessToken }));
    expect(list.items.find((c) => c.id === "general")?.memberIds).toBeUndefined();
  });
});
