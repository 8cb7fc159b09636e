import { describe, expect, it } from "vitest";
import { api, collectPages, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { family, joinGroupCall as join, startGroupCall } from "./group-fixtures";

/** Starts a group call on the chat, lets each of `people` join, then everyone leaves: the call ends. */
async function heldCall(chatId: string, people: TestUser[]) {
  const call = await startGroupCall(people[0]!, chatId, "voice");
  const sockets = [];
  for (const person of people) sockets.push(await join(person, call.id));
  for (const socket of sockets) {
    socket.send({ type: "leave" });
    await socket.waitClosed();
  }
  return call;
}

async function historyOf(user: TestUser) {
  const response = await api("/v1/group-calls/history", { token: user.accessToken });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await json(response)).items as Record<string, any>[];
}

describe("GET /v1/group-calls/history", () => {
  it("needs a token (401) and refuses a malformed page (400)", async () => {
    await expectProblem(await api("/v1/group-calls/history"), 401);
    const user = await registerUser();
    await expectProblem(await api("/v1/group-calls/history?limit=0", { token: user.accessToken }), 400);
    await expectProblem(await api("/v1/group-calls/history?cursor=nope", { token: user.accessToken }), 400, "invalid_cursor");
  });

  it("lists the group calls a person took part in, with the chat, who was there and their own time; not those they missed", async () => {
    const { users, chat } = await family(3);
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const call = await heldCall(chat.id, [a, b]);
    const [item] = await historyOf(b);
    expect(item).toMatchObject({ id: call.id, kind: "group", chatId: chat.id, chatTitle: "Family", chatType: "group", type: "voice", status: "ended" });
    expect(item!.people).toEqual([
      { userId: a.id, displayName: a.displayName },
      { userId: b.id, displayName: b.displayName },
    ]);
    expect(item!.ownSeconds).toBeGreaterThanOrEqual(0);
    expect(item!.endedAt).not.toBeNull();
    // c was rung but never joined: not theirs to list.
    expect(await historyOf(c)).toEqual([]);
    // An outsider sees nothing of it.
    expect(await historyOf(await registerUser())).toEqual([]);
  });

  it("pages newest first", async () => {
    const { users, chat } = await family(2);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await heldCall(chat.id, users)).id);
    const pages = await collectPages<{ id: string }>("/v1/group-calls/history", { token: users[1]!.accessToken, limit: 2 });
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(pages.flat().map((item) => item.id)).toEqual(ids.reverse());
  });
});

describe("DELETE /v1/group-calls/:id", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/group-calls/some-id", { method: "DELETE" }), 401);
  });

  it("answers 404 to someone who did not take part, and for an unknown id", async () => {
    const { users, chat } = await family(3);
    const call = await heldCall(chat.id, users.slice(0, 2));
    await expectProblem(await api(`/v1/group-calls/${call.id}`, { method: "DELETE", token: users[2]!.accessToken }), 404);
    await expectProblem(await api(`/v1/group-calls/${call.id}`, { method: "DELETE", token: (await registerUser()).accessToken }), 404);
    await expectProblem(await api("/v1/group-calls/no-such-call", { method: "DELETE", token: users[0]!.accessToken }), 404);
  });

  it("refuses an id that is not an id (400)", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/group-calls/${"x".repeat(300)}`, { method: "DELETE", token: user.accessToken }), 400);
  });

  it("refuses a running call (409 call_active)", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const socket = await join(users[0]!, call.id);
    await expectProblem(await api(`/v1/group-calls/${call.id}`, { method: "DELETE", token: users[0]!.accessToken }), 409, "call_active");
    socket.send({ type: "leave" });
    await socket.waitClosed();
  });

  it("removes the call from the requester's history only, and again changes nothing", async () => {
    const { users, chat } = await family(2);
    const [a, b] = users as [TestUser, TestUser];
    const call = await heldCall(chat.id, [a, b]);
    expect((await api(`/v1/group-calls/${call.id}`, { method: "DELETE", token: a.accessToken })).status).toBe(204);
    expect((await api(`/v1/group-calls/${call.id}`, { method: "DELETE", token: a.accessToken })).status).toBe(204);
    expect(await historyOf(a)).toEqual([]);
    expect((await historyOf(b)).map((item) => item.id)).toEqual([call.id]);
    // The call's record is unchanged for its chat's members.
    expect((await api(`/v1/group-calls/${call.id}`, { token: a.accessToken })).status).toBe(200);
  });
});
