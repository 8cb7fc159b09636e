import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configOf } from "../../shared/config";
import { maySeeGeneralChatMembers } from "../../shared/chat/general-members";
import worker from "../../workers/index";
import { usersAndGroup } from "../chat/fixtures";
import { api, expectProblem, json, registerUser } from "../helpers";
import { newAdmin } from "./fixtures";
import { testDeps } from "../kit/deps";

type MemberPage = { items: { userId: string }[]; nextCursor: string | null };

/** A request to this Worker as an invite-only deployment (REGISTRATION_MODE=invite) would serve it. */
async function inInviteOnlyDeployment(path: string, token: string): Promise<Response> {
  return worker.fetch(
    new Request(`http://platform.test${path}`, { headers: { authorization: `Bearer ${token}` } }),
    { ...env, REGISTRATION_MODE: "invite" },
    createExecutionContext(),
  );
}

describe("who may list the general chat's members", () => {
  it("in an open-registration deployment a member may not page every account (403 general_members_hidden); an admin may", async () => {
    expect(configOf(env).registration.inviteOnly).toBe(false);
    const stranger = await registerUser();
    await expectProblem(await api("/v1/chats/general/members?limit=100", { token: stranger.accessToken }), 403, "general_members_hidden");
    const admin = await newAdmin();
    const page = await api("/v1/chats/general/members?limit=1", { token: admin.accessToken });
    expect(page.status).toBe(200);
    const first = await json<MemberPage>(page);
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    // Other files' users share the database: page to the end.
    const members = first.items.map((m) => m.userId);
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const rest: MemberPage = await json(await api(`/v1/chats/general/members?limit=100&cursor=${cursor}`, { token: admin.accessToken }));
      members.push(...rest.items.map((m) => m.userId));
      cursor = rest.nextCursor;
    }
    expect(members).toEqual(expect.arrayContaining([stranger.id, admin.id]));
  });

  it("in an invite-only deployment (a family) members of the general chat may list each other", async () => {
    const [member, other] = await Promise.all([registerUser(), registerUser()]);
    const members: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await inInviteOnlyDeployment(`/v1/chats/general/members?limit=100${cursor ? `&cursor=${cursor}` : ""}`, member.accessToken);
      expect(response.status).toBe(200);
      const page = await json<MemberPage>(response);
      members.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(members).toEqual(expect.arrayContaining([member.id, other.id]));
  });

  it("the rule is one named function: invite-only deployments and admins", () => {
    const open = testDeps({ vars: { REGISTRATION_MODE: "open" } });
    const family = testDeps({ vars: { REGISTRATION_MODE: "invite" } });
    expect(maySeeGeneralChatMembers(open, { role: "user" })).toBe(false);
    expect(maySeeGeneralChatMembers(open, { role: "moderator" })).toBe(false);
    expect(maySeeGeneralChatMembers(open, { role: "admin" })).toBe(true);
    expect(maySeeGeneralChatMembers(family, { role: "user" })).toBe(true);
  });

  it("other chats list their members to members only, whatever the deployment; 401 without a token", async () => {
    const { users, chat } = await usersAndGroup(2);
    const page = await json<MemberPage>(await api(`/v1/chats/${chat.id}/members`, { token: users[1]!.accessToken }));
    expect(page.items.map((m) => m.userId).sort()).toEqual(users.map((u) => u.id).sort());
    await expectProblem(await api(`/v1/chats/${chat.id}/members`, { token: (await registerUser()).accessToken }), 404);
    await expectProblem(await api("/v1/chats/general/members"), 401);
  });
});
