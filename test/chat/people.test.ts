import { describe, expect, it } from "vitest";
import { directory } from "../../shared/chat/people";
import { api, expectProblem, json, registerUser, type TestUser, unique } from "../helpers";
import { testDeps } from "../kit/deps";
import { makeAdmin } from "../kit/users";
import { connectHub, openGroup, postMessage } from "./fixtures";

/** Issue 26: names and faces everywhere, a card per person, and a directory that lists no stranger. */

interface Person {
  id: string;
  displayName: string;
  avatarUrl: string | null;
}

const people = async (user: TestUser, query = "") =>
  json<{ items: Person[]; nextCursor: string | null }>(await api(`/v1/people${query}`, { token: user.accessToken }));
const startDirect = async (from: TestUser, to: TestUser) =>
  json<{ id: string }>(await api("/v1/chats", { token: from.accessToken, body: { type: "direct", userId: to.id } }));

describe("GET /v1/users/:id: a person's card", () => {
  it("names the person and shows their picture, nothing private", async () => {
    const viewer = await registerUser();
    const other = await registerUser({ displayName: `Grandma ${unique()}` });
    const card = await json<Record<string, unknown>>(await api(`/v1/users/${other.id}`, { token: viewer.accessToken }));
    expect(card).toEqual({ id: other.id, displayName: other.displayName, avatarUrl: null });
  });

  it("401 without a token, 404 for an unknown or deleted account, 400 for a malformed id", async () => {
    const viewer = await registerUser();
    const other = await registerUser();
    await expectProblem(await api(`/v1/users/${other.id}`), 401);
    await expectProblem(await api("/v1/users/0190aaaa-0000-7000-8000-000000000000", { token: viewer.accessToken }), 404, "not_found");
    await expectProblem(await api(`/v1/users/${"x".repeat(300)}`, { token: viewer.accessToken }), 400);
    expect((await api("/v1/me", { method: "DELETE", token: other.accessToken, body: { password: other.password } })).status).toBe(204);
    await expectProblem(await api(`/v1/users/${other.id}`, { token: viewer.accessToken }), 404, "not_found");
  });
});

describe("GET /v1/people: the directory", () => {
  it("a stranger of an open-registration deployment finds nobody they have not chatted with", async () => {
    const stranger = await registerUser();
    const someone = await registerUser();
    expect((await people(stranger)).items.map((p) => p.id)).not.toContain(someone.id);
    expect((await people(stranger, `?q=${encodeURIComponent(someone.displayName)}`)).items).toEqual([]);
  });

  it("lists the people the caller shares a direct or group chat with, by name, with cards", async () => {
    const me = await registerUser({ displayName: `Ann ${unique()}` });
    const direct = await registerUser({ displayName: `Bob ${unique()}` });
    const grouped = await registerUser({ displayName: `Cid ${unique()}` });
    await startDirect(me, direct);
    await openGroup(me, [grouped]);
    const listed = (await people(me)).items;
    expect(listed).toEqual([
      { id: direct.id, displayName: direct.displayName, avatarUrl: null },
      { id: grouped.id, displayName: grouped.displayName, avatarUrl: null },
    ]);
    // Both ways: the other side finds the caller.
    expect((await people(direct)).items.map((p) => p.id)).toEqual([me.id]);
  });

  it("finds names by the beginnings of their words, in any script and case", async () => {
    const me = await registerUser();
    const mum = await registerUser({ displayName: `Мама Оля ${unique()}` });
    const uncle = await registerUser({ displayName: `Onkel Jürgen ${unique()}` });
    await openGroup(me, [mum, uncle]);
    expect((await people(me, `?q=${encodeURIComponent("ма")}`)).items.map((p) => p.id)).toEqual([mum.id]);
    expect((await people(me, `?q=${encodeURIComponent("оля")}`)).items.map((p) => p.id)).toEqual([mum.id]);
    expect((await people(me, `?q=${encodeURIComponent("jurg")}`)).items.map((p) => p.id)).toEqual([uncle.id]);
    expect((await people(me, "?q=zzzz")).items).toEqual([]);
    // Operators are plain text, never an FTS5 syntax error.
    expect((await people(me, `?q=${encodeURIComponent('" OR * NEAR(')}`)).items).toEqual([]);
  });

  it("follows a rename at once (the name index is kept by triggers)", async () => {
    const me = await registerUser();
    const other = await registerUser();
    await startDirect(me, other);
    const renamed = `Renamed ${unique()}`;
    expect((await api("/v1/me", { method: "PATCH", token: other.accessToken, body: { displayName: renamed } })).status).toBe(200);
    expect((await people(me, `?q=${encodeURIComponent(renamed)}`)).items).toEqual([{ id: other.id, displayName: renamed, avatarUrl: null }]);
  });

  it("pages in name order", async () => {
    const me = await registerUser();
    const tag = unique();
    const others = await Promise.all(["Dora", "Abe", "Cleo", "Bert"].map((name) => registerUser({ displayName: `${name} ${tag}` })));
    await openGroup(me, others);
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: { items: Person[]; nextCursor: string | null } = await people(me, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((p) => p.displayName.split(" ")[0]!));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["Abe", "Bert", "Cleo", "Dora"]);
  });

  it("everyone, for an admin, and for everyone in an invite-only deployment (as the general chat's member list)", async () => {
    const me = await registerUser();
    const someone = await registerUser({ displayName: `Faraway ${unique()}` });
    const q = `?q=${encodeURIComponent(someone.displayName)}`;
    expect((await people(me, q)).items).toEqual([]);
    await makeAdmin(me);
    expect((await people(me, q)).items.map((p) => p.id)).toEqual([someone.id]);
    const family = testDeps({ vars: { REGISTRATION_MODE: "invite" } });
    const member = { userId: someone.id, sessionId: "s", role: "user" as const };
    expect((await directory(family, member, { q: me.displayName, limit: 10 })).items.map((p) => p.id)).toContain(me.id);
  });

  it("401 without a token, 400 for malformed input", async () => {
    const me = await registerUser();
    await expectProblem(await api("/v1/people"), 401);
    await expectProblem(await api("/v1/people?limit=0", { token: me.accessToken }), 400);
    await expectProblem(await api(`/v1/people?q=${"a".repeat(101)}`, { token: me.accessToken }), 400);
    await expectProblem(await api("/v1/people?cursor=not-a-cursor", { token: me.accessToken }), 400, "invalid_cursor");
  });
});

describe("names where chats show people", () => {
  it("a direct chat's list item names its peer; a group's has none", async () => {
    const me = await registerUser();
    const other = await registerUser({ displayName: `Peer ${unique()}` });
    const { id } = await startDirect(me, other);
    const group = await openGroup(me, [other]);
    const list = await json<{ items: { id: string; peer: Person | null }[] }>(await api("/v1/chats", { token: me.accessToken }));
    expect(list.items.find((c) => c.id === id)?.peer).toEqual({ id: other.id, displayName: other.displayName, avatarUrl: null });
    expect(list.items.find((c) => c.id === group.id)?.peer).toBeNull();
    const theirs = await json<{ peer: Person }>(await api(`/v1/chats/${id}`, { token: other.accessToken }));
    expect(theirs.peer).toEqual({ id: me.id, displayName: me.displayName, avatarUrl: null });
  });

  it("members carry names and pictures", async () => {
    const owner = await registerUser();
    const member = await registerUser();
    const group = await openGroup(owner, [member]);
    const members = await json<{ items: { userId: string; displayName: string; avatarUrl: string | null }[] }>(
      await api(`/v1/chats/${group.id}/members`, { token: member.accessToken }),
    );
    expect(members.items.map((m) => [m.userId, m.displayName])).toEqual([
      [owner.id, owner.displayName],
      [member.id, member.displayName],
    ]);
  });

  it("a page of messages names its senders once each", async () => {
    const owner = await registerUser();
    const member = await registerUser();
    const group = await openGroup(owner, [member]);
    await postMessage(group.id, owner, "one");
    await postMessage(group.id, member, "two");
    await postMessage(group.id, owner, "three");
    const page = await json<{ items: unknown[]; people: Person[] }>(await api(`/v1/chats/${group.id}/messages`, { token: member.accessToken }));
    expect(page.items).toHaveLength(3);
    expect(page.people.map((p) => p.id).sort()).toEqual([owner.id, member.id].sort());
    expect(page.people.find((p) => p.id === owner.id)?.displayName).toBe(owner.displayName);
  });
});

describe("names stay current", () => {
  it("a rename reaches the hubs of the people who share a chat, and of the person's other devices, as person.updated", async () => {
    const renaming = await registerUser();
    const partner = await registerUser();
    const stranger = await registerUser();
    await startDirect(renaming, partner);
    const partnerHub = await connectHub(partner);
    const ownHub = await connectHub(renaming);
    const strangerHub = await connectHub(stranger);
    const displayName = `New Name ${unique()}`;
    expect((await api("/v1/me", { method: "PATCH", token: renaming.accessToken, body: { displayName } })).status).toBe(200);
    const expected = { type: "person.updated", person: { id: renaming.id, displayName, avatarUrl: null } };
    expect(await partnerHub.next("person.updated")).toEqual(expected);
    expect(await ownHub.next("person.updated")).toEqual(expected);
    // Someone who shares only the general chat is not told one by one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strangerHub.waiting("person.updated")).toEqual([]);
    for (const socket of [partnerHub, ownHub, strangerHub]) socket.close();
  });
});
