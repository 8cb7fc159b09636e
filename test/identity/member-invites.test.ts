import { describe, expect, it } from "vitest";
import { register } from "../../shared/identity/account/registration";
import { createMemberInvite } from "../../shared/identity/admin/invites";
import { accountModules } from "../../workers/modules";
import { api, expectProblem, json, registerUser, unique, uniqueIp } from "../helpers";
import { testDeps } from "../kit/deps";

/** Issue 26: any member invites family and friends with a link (INVITES_BY=members, the default). */

const client = () => ({ ip: uniqueIp(), userAgent: "vitest" });
const newPerson = () => ({ email: `joiner-${unique()}@example.com`, password: `correct horse ${unique()}`, displayName: "Joiner" });

interface MemberInvite {
  code: string;
  url: string;
  maxUses: number;
  uses: number;
  expiresAt: string | null;
  usable: boolean;
}

describe("POST /v1/invites", () => {
  it("a member's link opens the sign-up with the code; it signs someone up in an invite-only deployment", async () => {
    const member = await registerUser();
    const response = await api("/v1/invites", { token: member.accessToken, body: { maxUses: 2 } });
    expect(response.status).toBe(201);
    const invite = await json<MemberInvite>(response);
    expect(invite).toMatchObject({ maxUses: 2, uses: 0, usable: true });
    expect(new URL(invite.url).pathname + new URL(invite.url).search).toBe(`/app/?invite=${encodeURIComponent(invite.code)}`);
    // A member's link always expires: a week unless asked otherwise.
    expect(Date.parse(invite.expiresAt!) - Date.now()).toBeGreaterThan(6.9 * 86400_000);
    const family = testDeps({ vars: { REGISTRATION_MODE: "invite" } });
    const joined = await register(family, { ...newPerson(), inviteCode: invite.code }, client(), accountModules);
    expect(joined.user.displayName).toBe("Joiner");
    const mine = await json<{ items: MemberInvite[] }>(await api("/v1/invites", { token: member.accessToken }));
    expect(mine.items.find((i) => i.code === invite.code)?.uses).toBe(1);
  });

  it("401 without a token; 400 for malformed input", async () => {
    const member = await registerUser();
    await expectProblem(await api("/v1/invites", { body: {} }), 401);
    await expectProblem(await api("/v1/invites", { token: member.accessToken, body: { maxUses: 0 } }), 400);
    await expectProblem(await api("/v1/invites", { token: member.accessToken, body: { maxUses: 21 } }), 400);
    await expectProblem(await api("/v1/invites", { token: member.accessToken, body: { expiresInSeconds: 31 * 86400 } }), 400);
    await expectProblem(await api("/v1/invites", { token: member.accessToken, body: { maxUses: 1, code: "chosen" } }), 400);
  });

  it("only admins where INVITES_BY=admins (any other value than members counts as admins)", async () => {
    const member = await registerUser();
    for (const setting of ["admins", "Admin", "nobody"]) {
      const closed = testDeps({ vars: { INVITES_BY: setting } });
      await expect(createMemberInvite(closed, { userId: member.id, sessionId: "s", role: "user" }, { maxUses: 1 }, client())).rejects.toMatchObject({
        status: 403,
        code: "invites_admins_only",
      });
    }
    const closed = testDeps({ vars: { INVITES_BY: "admins" } });
    const byAdmin = await createMemberInvite(closed, { userId: member.id, sessionId: "s", role: "admin" }, { maxUses: 1 }, client());
    expect(byAdmin.usable).toBe(true);
  });

  it("a member creates at most RATE_LIMIT_INVITES_PER_USER links, even in parallel", async () => {
    const member = await registerUser();
    const limited = testDeps({ vars: { RATE_LIMIT_INVITES_PER_USER: "3/86400" } });
    const actor = { userId: member.id, sessionId: "s", role: "user" as const };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => createMemberInvite(limited, actor, { maxUses: 1 }, client())));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.status)).toEqual([429, 429, 429]);
  });
});

describe("GET and DELETE /v1/invites", () => {
  it("each member sees and revokes only their own links", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const mine = await json<MemberInvite>(await api("/v1/invites", { token: alice.accessToken, body: {} }));
    expect((await json<{ items: MemberInvite[] }>(await api("/v1/invites", { token: bob.accessToken }))).items.map((i) => i.code)).not.toContain(mine.code);
    await expectProblem(await api(`/v1/invites/${mine.code}`, { method: "DELETE", token: bob.accessToken }), 404, "not_found");
    expect((await api(`/v1/invites/${mine.code}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/invites/${mine.code}`, { method: "DELETE", token: alice.accessToken }), 409, "invite_already_revoked");
    const listed = await json<{ items: MemberInvite[] }>(await api("/v1/invites", { token: alice.accessToken }));
    expect(listed.items.find((i) => i.code === mine.code)?.usable).toBe(false);
    // A revoked link signs nobody up.
    const family = testDeps({ vars: { REGISTRATION_MODE: "invite" } });
    await expect(register(family, { ...newPerson(), inviteCode: mine.code }, client(), accountModules)).rejects.toMatchObject({
      status: 403,
      code: "invalid_invite",
    });
  });

  it("401 without a token; 400 for a malformed code or page", async () => {
    const member = await registerUser();
    await expectProblem(await api("/v1/invites"), 401);
    await expectProblem(await api("/v1/invites/x", { method: "DELETE" }), 401);
    await expectProblem(await api(`/v1/invites/${"x".repeat(200)}`, { method: "DELETE", token: member.accessToken }), 400);
    await expectProblem(await api("/v1/invites?limit=0", { token: member.accessToken }), 400);
  });
});
