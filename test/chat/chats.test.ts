import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { api, collectPages, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { type ChatBody, connect, connectHub, getChat, openGroup, postMessage, untilSynced, usersAndGroup } from "./fixtures";

describe("the general chat", () => {
  it("every new user is a member from registration on, before any chat call", async () => {
    const user = await registerUser();
    const row = await env.DB.prepare("SELECT role FROM chat_members WHERE chat_id = 'general' AND user_id = ?").bind(user.id).first();
    expect(row).toEqual({ role: "member" });
    const chat = await getChat("general", user);
    expect(chat.type).toBe("general");
    // Every user is in it: only the count is sent, members are paged on request.
    expect(chat.memberIds).toBeUndefined();
    expect((chat as ChatBody & { memberCount: number }).memberCount).toBeGreaterThanOrEqual(1);
  });

  it("exists exactly once however many users register", async () => {
    await Promise.all([registerUser(), registerUser(), registerUser()]);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM chats WHERE type = 'general'").first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it("an account older than the chat module joins it when listing chats", async () => {
    const user = await registerUser();
    await env.DB.prepare("DELETE FROM chat_members WHERE chat_id = 'general' AND user_id = ?").bind(user.id).run();
    await expectProblem(await api("/v1/chats/general", { token: user.accessToken }), 404, "not_found");
    const list = await json<{ items: ChatBody[] }>(await api("/v1/chats", { token: user.accessToken }));
    expect(list.items.map((c) => c.id)).toContain("general");
  });

  it("cannot be deleted (403)", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/chats/general", { method: "DELETE", token: user.accessToken }), 403, "general_chat_protected");
  });

  it("cannot be left (403)", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/chats/general/members/${user.id}`, { method: "DELETE", token: user.accessToken }), 403, "general_chat_protected");
  });
});

describe("GET /v1/chats", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/chats"), 401);
  });

  it("rejects a malformed limit or cursor (400)", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/chats?limit=0", { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/chats?cursor=not-a-cursor", { token: user.accessToken }), 400, "invalid_cursor");
  });

  it("lists only the caller's chats, most recently active first, with unread counts", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const first = await openGroup(alice!, [bob!], "first");
    const second = await openGroup(alice!, [bob!], "second");
    const carolsOwn = await openGroup(carol!, [], "carol only");
    await postMessage(first.id, alice!, "one");
    await postMessage(first.id, alice!, "two");

    await vi.waitFor(async () => {
      const list = await json<{ items: ChatBody[] }>(await api("/v1/chats", { token: bob!.accessToken }));
      const ids = list.items.map((c) => c.id);
      expect(ids).not.toContain(carolsOwn.id);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
      const firstForBob = list.items.find((c) => c.id === first.id)!;
      expect(firstForBob.unreadCount).toBe(2);
      expect(firstForBob.lastMessage?.text).toBe("two");
      expect(list.items.find((c) => c.id === second.id)!.unreadCount).toBe(0);
    }, untilSynced);
    // The sender has read what they sent.
    await vi.waitFor(async () => expect((await getChat(first.id, alice!)).unreadCount).toBe(0), untilSynced);
  });

  it("pages with a cursor", async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    for (const title of ["a", "b", "c"]) await openGroup(alice!, [bob!], title);
    const seen = (await collectPages<ChatBody>("/v1/chats", { token: alice!.accessToken, limit: 2 })).flat().map((c) => c.id);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });
});

describe("POST /v1/chats", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/chats", { body: { type: "direct", userId: "x" } }), 401);
  });

  it("rejects malformed bodies (400)", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/chats", { token: user.accessToken, body: { type: "channel" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/chats", { token: user.accessToken, body: { type: "group", title: "", memberIds: [] } }), 400, "invalid_body");
    await expectProblem(await api("/v1/chats", { token: user.accessToken, body: "{nope" }), 400, "malformed_json");
  });

  it("a new chat reaches every member's devices, the creator's other ones too, each naming the other person", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const [aliceElsewhere, bobsHub] = await Promise.all([connectHub(alice!), connectHub(bob!)]);
    const direct = await json<ChatBody & { peer: { id: string } | null }>(
      await api("/v1/chats", { token: alice!.accessToken, body: { type: "direct", userId: bob!.id } }),
    );
    expect(direct.peer?.id).toBe(bob!.id);
    const toBob = (await bobsHub.next("chat.updated", (f) => (f.chat as ChatBody).id === direct.id)).chat as ChatBody & { peer: { id: string } };
    expect(toBob.peer.id).toBe(alice!.id);
    const toAlice = (await aliceElsewhere.next("chat.updated", (f) => (f.chat as ChatBody).id === direct.id)).chat as ChatBody & { peer: { id: string } };
    expect(toAlice.peer.id).toBe(bob!.id);
    const group = await openGroup(alice!, [carol!]);
    expect((await aliceElsewhere.next("chat.updated", (f) => (f.chat as ChatBody).id === group.id)).chat).toMatchObject({ title: "Team", unreadCount: 0 });
    aliceElsewhere.close();
    bobsHub.close();
  });

  it("a direct chat is created once per pair: again (from either side) is 200 with the same chat", async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    const created = await api("/v1/chats", { token: alice!.accessToken, body: { type: "direct", userId: bob!.id } });
    expect(created.status).toBe(201);
    const chat = await json<ChatBody>(created);
    expect(chat.type).toBe("direct");
    expect(chat.memberIds.sort()).toEqual([alice!.id, bob!.id].sort());
    const again = await api("/v1/chats", { token: bob!.accessToken, body: { type: "direct", userId: alice!.id } });
    expect(again.status).toBe(200);
    expect((await json<ChatBody>(again)).id).toBe(chat.id);
  });

  it("concurrent direct chat creation still yields one chat", async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    const responses = await Promise.all(
      [alice!, bob!, alice!].map((u) => api("/v1/chats", { token: u.accessToken, body: { type: "direct", userId: u === alice ? bob!.id : alice!.id } })),
    );
    const ids = await Promise.all(responses.map(async (r) => (await json<ChatBody>(r)).id));
    expect(new Set(ids).size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
  });

  it("a direct chat with yourself or an unknown user is 400", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/chats", { token: user.accessToken, body: { type: "direct", userId: user.id } }), 400, "invalid_direct_chat");
    await expectProblem(await api("/v1/chats", { token: user.accessToken, body: { type: "direct", userId: "no-such-user" } }), 400, "unknown_users");
  });

  it("creates a group owned by the caller", async () => {
    const [owner, member] = await Promise.all([registerUser(), registerUser()]);
    const chat = await openGroup(owner!, [member!], "Project");
    expect(chat).toMatchObject({ type: "group", title: "Project", ownerId: owner!.id, unreadCount: 0, lastMessage: null });
    expect(chat.memberIds).toEqual([owner!.id, member!.id]);
  });

  it("a group larger than CHAT_MAX_GROUP_MEMBERS (5 in tests) is 409", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser()));
    const response = await api("/v1/chats", {
      token: users[0]!.accessToken,
      body: { type: "group", title: "big", memberIds: users.slice(1).map((u) => u.id) },
    });
    await expectProblem(response, 409, "group_too_large");
  });
});

describe("GET /v1/chats/:id", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/chats/general"), 401);
  });

  it("is 404 for someone who is not a member", async () => {
    const { chat } = await usersAndGroup(2);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}`, { token: outsider.accessToken }), 404, "not_found");
  });

  it("rejects an over-long id (400)", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/chats/${"x".repeat(100)}`, { token: user.accessToken }), 400, "invalid_path");
  });

  it("returns the chat to a member", async () => {
    const { users, chat } = await usersAndGroup(2);
    expect((await getChat(chat.id, users[1]!)).id).toBe(chat.id);
  });
});

describe("DELETE /v1/chats/:id", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/chats/some-id", { method: "DELETE" }), 401);
  });

  it("is 404 for outsiders and 403 for members who do not own the group", async () => {
    const { users, chat } = await usersAndGroup(2);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: outsider.accessToken }), 404, "not_found");
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: users[1]!.accessToken }), 403, "forbidden");
  });

  it("the owner deletes a group: it disappears for everyone and open sockets close", async () => {
    const { users, chat } = await usersAndGroup(2);
    await postMessage(chat.id, users[0]!, "bye");
    const socket = await connect(chat.id, users[1]!);
    const response = await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: users[0]!.accessToken });
    expect(response.status).toBe(204);
    expect((await socket.waitClosed()).code).toBe(4004);
    await expectProblem(await api(`/v1/chats/${chat.id}`, { token: users[1]!.accessToken }), 404);
    await expectProblem(await api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken }), 404);
  });

  it("either side deletes a direct chat; opening it again makes a fresh one", async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    const chat = await json<ChatBody>(await api("/v1/chats", { token: alice!.accessToken, body: { type: "direct", userId: bob!.id } }));
    expect((await api(`/v1/chats/${chat.id}`, { method: "DELETE", token: bob!.accessToken })).status).toBe(204);
    const again = await api("/v1/chats", { token: alice!.accessToken, body: { type: "direct", userId: bob!.id } });
    expect(again.status).toBe(201);
    expect((await json<ChatBody>(again)).id).not.toBe(chat.id);
  });
});

describe("group members", () => {
  it("adding needs a token (401), membership (404), ownership (403) and a valid body (400)", async () => {
    const { users, chat } = await usersAndGroup(2);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}/members`, { body: { userIds: [outsider.id] } }), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}/members`, { token: outsider.accessToken, body: { userIds: [outsider.id] } }), 404);
    await expectProblem(await api(`/v1/chats/${chat.id}/members`, { token: users[1]!.accessToken, body: { userIds: [outsider.id] } }), 403);
    await expectProblem(await api(`/v1/chats/${chat.id}/members`, { token: users[0]!.accessToken, body: { userIds: [] } }), 400, "invalid_body");
  });

  it("the owner adds members up to the limit; a newcomer has nothing unread", async () => {
    const { users, chat } = await usersAndGroup(2);
    await postMessage(chat.id, users[0]!, "before you came");
    const newcomers = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const response = await api(`/v1/chats/${chat.id}/members`, { token: users[0]!.accessToken, body: { userIds: newcomers.map((u) => u.id) } });
    expect(response.status).toBe(200);
    expect((await json<ChatBody>(response)).memberIds).toHaveLength(5);
    await vi.waitFor(async () => expect((await getChat(chat.id, newcomers[0]!)).unreadCount).toBe(0), untilSynced);
    const oneTooMany = await registerUser();
    await expectProblem(
      await api(`/v1/chats/${chat.id}/members`, { token: users[0]!.accessToken, body: { userIds: [oneTooMany.id] } }),
      409,
      "group_too_large",
    );
  });

  it("a member leaves; a non-owner cannot remove others; the owner can", async () => {
    const { users, chat } = await usersAndGroup(4);
    const [owner, a, b, c] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0]];
    await expectProblem(await api(`/v1/chats/${chat.id}/members/${b.id}`, { method: "DELETE", token: a.accessToken }), 403);
    expect((await api(`/v1/chats/${chat.id}/members/${a.id}`, { method: "DELETE", token: a.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/chats/${chat.id}`, { token: a.accessToken }), 404);
    const socket = await connect(chat.id, b);
    expect((await api(`/v1/chats/${chat.id}/members/${b.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    expect((await socket.waitClosed()).code).toBe(4003);
    expect((await getChat(chat.id, c)).memberIds.sort()).toEqual([owner.id, c.id].sort());
  });

  it("an owner who leaves hands the group to the longest-standing member", async () => {
    const [owner, first, later] = [await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(owner!, [first!]);
    // Joined strictly later than `first`, so "longest-standing" has one answer.
    await new Promise((r) => setTimeout(r, 5));
    expect((await api(`/v1/chats/${chat.id}/members`, { token: owner!.accessToken, body: { userIds: [later!.id] } })).status).toBe(200);
    expect((await api(`/v1/chats/${chat.id}/members/${owner!.id}`, { method: "DELETE", token: owner!.accessToken })).status).toBe(204);
    const after = await getChat(chat.id, later!);
    expect(after.ownerId).toBe(first!.id);
    expect(after.memberIds.sort()).toEqual([first!.id, later!.id].sort());
  });
});

describe("PATCH /v1/chats/:id: renaming a group", () => {
  it("the owner renames it; every member's list shows the new title", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [owner, member] = users as [TestUser, TestUser];
    const hub = await connectHub(member);
    const response = await api(`/v1/chats/${chat.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "  Family  " } });
    expect(response.status).toBe(200);
    expect((await json<ChatBody>(response)).title).toBe("Family");
    expect(((await hub.next("chat.updated", (f) => (f.chat as ChatBody).id === chat.id)).chat as ChatBody).title).toBe("Family");
    expect((await getChat(chat.id, member)).title).toBe("Family");
    hub.close();
  });

  it("only the owner (403), only a group (403 not_a_group), only a member (404); 401 and 400", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [owner, member] = users as [TestUser, TestUser];
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "PATCH", token: member.accessToken, body: { title: "Mine" } }), 403);
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "PATCH", token: outsider.accessToken, body: { title: "Mine" } }), 404);
    const direct = await json<ChatBody>(await api("/v1/chats", { token: owner.accessToken, body: { type: "direct", userId: member.id } }));
    await expectProblem(await api(`/v1/chats/${direct.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "Us" } }), 403, "not_a_group");
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "PATCH", body: { title: "Mine" } }), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "   " } }), 400);
    await expectProblem(await api(`/v1/chats/${chat.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "x".repeat(121) } }), 400);
  });
});
