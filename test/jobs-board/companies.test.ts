import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { deleteAccount as deleteUserAccount } from "../../shared/identity/account/account-deletion";
import worker from "../../workers/index";
import { accountModules } from "../../workers/modules";
import { expectProblem, openSocket } from "../helpers";
import { samples, uniquePng, uploadFile } from "../media/fixtures";
import {
  api,
  createCompany,
  createVacancy,
  deleteAccount,
  indexedVacancies,
  joinCompany,
  ok,
  postVacancy,
  publishVacancy,
  registerUser,
  setRole,
  type TestUser,
  verifyCompany,
} from "./fixtures";
import { auditDetails, auditTrail } from "../kit/audit";
import { testDeps } from "../kit/deps";

afterEach(() => clock.reset());

/** A company with an owner, a recruiter and an outsider. */
async function team() {
  const [owner, recruiter, outsider] = [await registerUser(), await registerUser(), await registerUser()];
  const company = await createCompany(owner, { about: "We build things", website: "https://acme.example.com" });
  await joinCompany(company.id, owner, recruiter);
  return { owner, recruiter, outsider, company };
}

describe("POST /v1/companies, GET/PATCH /v1/companies/:id", () => {
  it("the creator becomes the owner; anyone reads the company", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner, { name: "Acme", website: "https://acme.example.com" });
    expect(company).toMatchObject({
      name: "Acme",
      website: "https://acme.example.com/",
      verification: "none",
      iconUrl: null,
      members: [{ userId: owner.id, role: "owner" }],
    });
    const read = await ok(api(`/v1/companies/${company.id}`));
    expect(read).toMatchObject({ id: company.id, name: "Acme", verificationNote: null });
    expect(read).not.toHaveProperty("verificationReason");
  });

  it("owners and recruiters edit; others get 403; unknown companies 404", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const patch = (user: TestUser, body: unknown) => api(`/v1/companies/${company.id}`, { method: "PATCH", token: user.accessToken, body });
    expect((await ok(patch(owner, { about: "By the owner" }))).about).toBe("By the owner");
    expect((await ok(patch(recruiter, { name: "Renamed by the recruiter" }))).name).toBe("Renamed by the recruiter");
    await expectProblem(await patch(outsider, { about: "nope" }), 403, "forbidden");
    await expectProblem(
      await api("/v1/companies/00000000-0000-7000-8000-000000000000", { method: "PATCH", token: owner.accessToken, body: { about: "x" } }),
      404,
    );
    await expectProblem(await api(`/v1/companies/${company.id}`, { method: "PATCH", body: { about: "x" } }), 401);
    await expectProblem(await patch(owner, { website: "ftp://acme.example.com" }), 400, "invalid_website");
    await expectProblem(await patch(owner, { unknown: 1 }), 400, "invalid_body");
    await expectProblem(await api("/v1/companies", { token: owner.accessToken, body: { name: "" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/companies", { body: { name: "x" } }), 401);
    await expectProblem(await api("/v1/companies/00000000-0000-7000-8000-000000000000"), 404);
    await expectProblem(await api(`/v1/companies/${company.id}`, { token: "not-a-token" }), 401);
  });

  it("the icon is one of the editor's own image files; it becomes public and iconUrl serves it", async () => {
    const { owner, recruiter, company } = await team();
    const icon = await uploadFile(recruiter, uniquePng(), { purpose: "company-icon" });
    const updated = await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: recruiter.accessToken, body: { iconFileId: icon.id } }));
    expect(updated.iconUrl).toContain(`/v1/files/${icon.id}/content`);
    const served = await api(new URL(updated.iconUrl).pathname + new URL(updated.iconUrl).search);
    expect(served.status).toBe(200);
    await expectProblem(await api(`/v1/companies/${company.id}`, { method: "PATCH", token: owner.accessToken, body: { iconFileId: icon.id } }), 404);
    const pdf = await uploadFile(owner, samples.pdf, { purpose: "attachment" });
    await expectProblem(
      await api(`/v1/companies/${company.id}`, { method: "PATCH", token: owner.accessToken, body: { iconFileId: pdf.id } }),
      400,
      "invalid_file",
    );
    expect((await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: owner.accessToken, body: { iconFileId: null } }))).iconUrl).toBeNull();
  });
});

describe("the company icon's lifetime (it is its uploader's file, like an avatar)", () => {
  it("deleting the icon's file clears iconUrl in the same batch: never a URL that serves nothing", async () => {
    const { owner, recruiter, company } = await team();
    const other = await createCompany(recruiter);
    // one image file is the icon of two companies and its uploader's avatar
    const icon = await uploadFile(recruiter, uniquePng(), { purpose: "image" });
    for (const id of [company.id, other.id])
      await ok(api(`/v1/companies/${id}`, { method: "PATCH", token: recruiter.accessToken, body: { iconFileId: icon.id } }));
    await ok(api("/v1/me/avatar", { method: "PUT", token: recruiter.accessToken, body: { fileId: icon.id } }));
    const unrelated = await uploadFile(owner, uniquePng(), { purpose: "company-icon" });
    expect((await api(`/v1/files/${unrelated.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    expect((await ok(api(`/v1/companies/${company.id}`))).iconUrl).toContain(icon.id);
    // only the file's owner may delete it: the owner of the company cannot
    await expectProblem(await api(`/v1/files/${icon.id}`, { method: "DELETE", token: owner.accessToken }), 404);

    expect((await api(`/v1/files/${icon.id}`, { method: "DELETE", token: recruiter.accessToken })).status).toBe(204);
    for (const id of [company.id, other.id]) {
      const read = await ok(api(`/v1/companies/${id}`));
      expect(read.iconUrl).toBeNull();
    }
    expect((await ok(api("/v1/me", { token: recruiter.accessToken }))).user.avatarUrl).toBeNull();
    const row = await env.DB.prepare("SELECT icon_file_id, icon_url FROM companies WHERE id = ?").bind(company.id).first();
    expect(row).toEqual({ icon_file_id: null, icon_url: null });
    // a new icon can be set afterwards
    const next = await uploadFile(owner, uniquePng(), { purpose: "company-icon" });
    const updated = await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: owner.accessToken, body: { iconFileId: next.id } }));
    expect((await api(new URL(updated.iconUrl).pathname + new URL(updated.iconUrl).search)).status).toBe(200);
  });

  it("the uploader's account deletion clears the icons that were their files; the company stays", async () => {
    const { owner, recruiter, company } = await team();
    const icon = await uploadFile(recruiter, uniquePng(), { purpose: "company-icon" });
    await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: recruiter.accessToken, body: { iconFileId: icon.id } }));
    await deleteAccount(recruiter);
    const read = await ok(api(`/v1/companies/${company.id}`));
    expect(read).toMatchObject({ iconUrl: null, members: [{ userId: owner.id, role: "owner" }] });
  });
});

describe("POST /v1/companies/:id/members, DELETE /v1/companies/:id/members/:userId", () => {
  it("only owners manage members; only members change role; the last owner cannot be demoted or removed by another", async () => {
    const { owner, recruiter, outsider, company } = await team();
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, { token: recruiter.accessToken, body: { userId: outsider.id, role: "recruiter" } }),
      403,
    );
    await expectProblem(await api(`/v1/companies/${company.id}/members`, { token: outsider.accessToken, body: { userId: outsider.id, role: "owner" } }), 403);
    await expectProblem(await api(`/v1/companies/${company.id}/members/${owner.id}`, { method: "DELETE", token: recruiter.accessToken }), 403);
    await expectProblem(await api(`/v1/companies/${company.id}/members`, { body: { userId: outsider.id, role: "recruiter" } }), 401);
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: outsider.id, role: "boss" } }),
      400,
      "invalid_body",
    );
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, {
        token: owner.accessToken,
        body: { userId: "00000000-0000-7000-8000-000000000000", role: "recruiter" },
      }),
      404,
    );
    // nobody is made a member without accepting: a non-member's "role" is 404
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: outsider.id, role: "owner" } }),
      404,
      "not_found",
    );
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: owner.id, role: "recruiter" } }),
      409,
      "last_owner",
    );
    await expectProblem(await api(`/v1/companies/${company.id}/members/${outsider.id}`, { method: "DELETE", token: owner.accessToken }), 404);

    const promoted = await ok(api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: recruiter.id, role: "owner" } }));
    expect(promoted.members).toEqual(expect.arrayContaining([{ userId: recruiter.id, role: "owner" }]));
    // with a second owner, the first may step down and leave
    await ok(api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: owner.id, role: "recruiter" } }));
    const removed = await api(`/v1/companies/${company.id}/members/${owner.id}`, { method: "DELETE", token: recruiter.accessToken });
    expect(removed.status).toBe(204);
    expect((await ok(api(`/v1/companies/${company.id}`))).members).toEqual([{ userId: recruiter.id, role: "owner" }]);
  });
});

describe("company roles on every write", () => {
  type Who = "owner" | "recruiter" | "former recruiter" | "outsider" | "moderator";
  const everyone: Who[] = ["owner", "recruiter", "former recruiter", "outsider", "moderator"];

  /**
   * Each write of a company or its vacancies, with who may do it; the others get `refused` (403,
   * or 404 where they may not even see the thing: a draft). Each call gets a fresh target, so an
   * allowed write never changes what the next caller meets.
   */
  const writes: { name: string; allowed: Who[]; refused: 403 | 404; run: (as: TestUser, t: RolesTeam) => Promise<Response> }[] = [
    {
      name: "PATCH /v1/companies/:id",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: (as, t) => api(`/v1/companies/${t.company.id}`, { method: "PATCH", token: as.accessToken, body: { about: "edited" } }),
    },
    {
      name: "POST /v1/companies/:id/members",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) => {
        const member = await registerUser();
        await joinCompany(t.company.id, t.owner, member);
        return api(`/v1/companies/${t.company.id}/members`, { token: as.accessToken, body: { userId: member.id, role: "owner" } });
      },
    },
    {
      name: "POST /v1/companies/:id/invitations",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) =>
        api(`/v1/companies/${t.company.id}/invitations`, { token: as.accessToken, body: { userId: (await registerUser()).id, role: "recruiter" } }),
    },
    {
      name: "DELETE /v1/companies/:id/invitations/:userId (revoke)",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) => {
        const invitee = await registerUser();
        await ok(api(`/v1/companies/${t.company.id}/invitations`, { token: t.owner.accessToken, body: { userId: invitee.id, role: "recruiter" } }), 201);
        return api(`/v1/companies/${t.company.id}/invitations/${invitee.id}`, { method: "DELETE", token: as.accessToken });
      },
    },
    {
      name: "DELETE /v1/companies/:id",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) => api(`/v1/companies/${(await createCompanyOf(t)).id}`, { method: "DELETE", token: as.accessToken }),
    },
    {
      name: "DELETE /v1/companies/:id/members/:userId",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) => {
        const member = await registerUser();
        await joinCompany(t.company.id, t.owner, member);
        return api(`/v1/companies/${t.company.id}/members/${member.id}`, { method: "DELETE", token: as.accessToken });
      },
    },
    {
      name: "POST /v1/companies/:id/verification",
      allowed: ["owner"],
      refused: 403,
      run: async (as, t) => api(`/v1/companies/${(await createCompanyOf(t)).id}/verification`, { token: as.accessToken, body: { note: "Registry entry 42" } }),
    },
    {
      name: "POST /v1/companies/:id/verification/approve",
      allowed: ["moderator"],
      refused: 403,
      run: async (as, t) => api(`/v1/companies/${(await pendingCompanyOf(t)).id}/verification/approve`, { token: as.accessToken, body: { reason: "Checked" } }),
    },
    {
      name: "POST /v1/companies/:id/verification/reject",
      allowed: ["moderator"],
      refused: 403,
      run: async (as, t) => api(`/v1/companies/${(await pendingCompanyOf(t)).id}/verification/reject`, { token: as.accessToken, body: { reason: "No entry" } }),
    },
    {
      name: "POST /v1/vacancies",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: (as, t) =>
        api("/v1/vacancies", {
          token: as.accessToken,
          body: { companyId: t.company.id, title: "Engineer", role: "backend", employmentType: "full-time", seniority: "senior" },
        }),
    },
    {
      name: "PATCH /v1/vacancies/:id (published)",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: async (as, t) => api(`/v1/vacancies/${(await published(t)).id}`, { method: "PATCH", token: as.accessToken, body: { title: "Edited" } }),
    },
    {
      name: "PATCH /v1/vacancies/:id (draft)",
      allowed: ["owner", "recruiter"],
      refused: 404,
      run: async (as, t) =>
        api(`/v1/vacancies/${(await createVacancy(t.owner, t.company.id)).id}`, { method: "PATCH", token: as.accessToken, body: { title: "Edited" } }),
    },
    {
      name: "DELETE /v1/vacancies/:id",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: async (as, t) => api(`/v1/vacancies/${(await published(t)).id}`, { method: "DELETE", token: as.accessToken }),
    },
    {
      name: "POST /v1/vacancies/:id/publish",
      allowed: ["owner", "recruiter"],
      refused: 404,
      run: async (as, t) => api(`/v1/vacancies/${(await createVacancy(t.owner, t.company.id)).id}/publish`, { token: as.accessToken, body: {} }),
    },
    {
      name: "POST /v1/vacancies/:id/close",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: async (as, t) => api(`/v1/vacancies/${(await published(t)).id}/close`, { token: as.accessToken, body: {} }),
    },
    {
      name: "POST /v1/vacancies/drafts",
      allowed: ["owner", "recruiter"],
      refused: 403,
      run: (as, t) => api("/v1/vacancies/drafts", { token: as.accessToken, body: { companyId: t.company.id, notes: "Go engineer, Berlin" } }),
    },
  ];

  interface RolesTeam {
    owner: TestUser;
    company: { id: string };
    users: Record<Who, TestUser>;
  }

  /**
   * Another company of the same team (same owner and recruiter), founded by someone else who
   * stays an owner: the team's owner creates no more companies than an unverified user may.
   */
  async function createCompanyOf(t: RolesTeam) {
    const founder = await registerUser();
    const company = await createCompany(founder);
    await joinCompany(company.id, founder, t.owner, "owner");
    await joinCompany(company.id, founder, t.users.recruiter);
    return company;
  }

  async function pendingCompanyOf(t: RolesTeam) {
    const company = await createCompanyOf(t);
    await ok(api(`/v1/companies/${company.id}/verification`, { token: t.owner.accessToken, body: { note: "Registry entry 42" } }), 202);
    return company;
  }

  const published = async (t: RolesTeam) => publishVacancy(t.owner, (await createVacancy(t.owner, t.company.id)).id);

  it("owners, recruiters, a removed recruiter, outsiders and site moderators get exactly what the rules give them", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const [former, moderator] = [await registerUser(), await registerUser()];
    await setRole(moderator, "moderator");
    await joinCompany(company.id, owner, former);
    expect((await api(`/v1/companies/${company.id}/members/${former.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    // verified, so the publication cap of unverified companies does not decide the vacancy writes
    await verifyCompany(company.id);
    const t: RolesTeam = { owner, company, users: { owner, recruiter, "former recruiter": former, outsider, moderator } };

    const answers: string[] = [];
    const expected: string[] = [];
    for (const write of writes) {
      for (const who of everyone) {
        const response = await write.run(t.users[who], t);
        const body = await response.text();
        const allowed = write.allowed.includes(who);
        answers.push(`${write.name} as ${who}: ${allowed ? (response.status < 300 ? "allowed" : `${response.status} ${body}`) : response.status}`);
        expected.push(`${write.name} as ${who}: ${allowed ? "allowed" : write.refused}`);
        if (!allowed && response.status === write.refused)
          expect(JSON.parse(body).code, `${write.name} as ${who}`).toBe(write.refused === 403 ? "forbidden" : "not_found");
      }
    }
    expect(answers).toEqual(expected);
  });
});

describe("POST /v1/companies/:id/invitations by e-mail", () => {
  it("an owner invites a colleague by the e-mail of their account (any case); an unknown address is 404; both or neither of userId and email is 400; no token 401; a recruiter 403", async () => {
    const [owner, colleague, recruiter] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await joinCompany(company.id, owner, recruiter);
    const invite = (token: string | undefined, body: unknown) => api(`/v1/companies/${company.id}/invitations`, { token, body });
    const invitation = await ok(invite(owner.accessToken, { email: ` ${colleague.email.toUpperCase()} `.trim(), role: "recruiter" }), 201);
    expect(invitation).toMatchObject({ companyId: company.id, userId: colleague.id, role: "recruiter" });
    await expectProblem(await invite(owner.accessToken, { email: `nobody-${Date.now()}@example.com`, role: "recruiter" }), 404, "not_found");
    await expectProblem(await invite(owner.accessToken, { email: colleague.email, userId: colleague.id, role: "recruiter" }), 400, "invalid_body");
    await expectProblem(await invite(owner.accessToken, { role: "recruiter" }), 400, "invalid_body");
    await expectProblem(await invite(owner.accessToken, { email: "not an address", role: "recruiter" }), 400, "invalid_body");
    expect((await invite(undefined, { email: colleague.email, role: "recruiter" })).status).toBe(401);
    await expectProblem(await invite(recruiter.accessToken, { email: colleague.email, role: "recruiter" }), 403, "forbidden");
  });
});

describe("member changes are audit logged on the member's trail", () => {
  it("invited, added, role changed, removed, left: each with the owner who did it; a refused change logs nothing", async () => {
    const [owner, recruiter, leaver] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    const events = async (userId: string) => (await auditTrail({ userId, prefix: "company." })).map((e) => ({ type: e.type, ...e.detail }));
    await joinCompany(company.id, owner, recruiter);
    await joinCompany(company.id, owner, leaver);
    expect((await api(`/v1/companies/${company.id}/members/${leaver.id}`, { method: "DELETE", token: leaver.accessToken })).status).toBe(204);
    await expectProblem(
      await api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: owner.id, role: "recruiter" } }),
      409,
      "last_owner",
    );
    await ok(api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: recruiter.id, role: "owner" } }));
    expect((await api(`/v1/companies/${company.id}/members/${owner.id}`, { method: "DELETE", token: recruiter.accessToken })).status).toBe(204);
    expect(await events(leaver.id)).toEqual([
      { type: "company.member_invited", companyId: company.id, role: "recruiter", by: owner.id },
      { type: "company.member_added", companyId: company.id, role: "recruiter", by: owner.id },
      { type: "company.member_left", companyId: company.id, role: "recruiter" },
    ]);
    expect(await events(recruiter.id)).toEqual([
      { type: "company.member_invited", companyId: company.id, role: "recruiter", by: owner.id },
      { type: "company.member_added", companyId: company.id, role: "recruiter", by: owner.id },
      { type: "company.role_changed", companyId: company.id, from: "recruiter", to: "owner", by: owner.id },
    ]);
    expect(await events(owner.id)).toEqual([{ type: "company.member_removed", companyId: company.id, role: "owner", by: recruiter.id }]);
  });
});

describe("the last owner under concurrency (the guard is inside the UPDATE/DELETE)", () => {
  it("two owners stepping down at once: exactly one succeeds, the other gets 409 last_owner", async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b] = [await registerUser(), await registerUser()];
      const company = await createCompany(a);
      await joinCompany(company.id, a, b, "owner");
      const answers = await Promise.all(
        [a, b].map((user) => api(`/v1/companies/${company.id}/members`, { token: user.accessToken, body: { userId: user.id, role: "recruiter" } })),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      await expectProblem(answers.find((r) => r.status === 409)!, 409, "last_owner");
      const { members } = await ok(api(`/v1/companies/${company.id}`));
      expect(members.filter((m: { role: string }) => m.role === "owner")).toHaveLength(1);
    }
  });

  it("two owners demoting or removing each other at once never leave the company without an owner", async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b] = [await registerUser(), await registerUser()];
      const company = await createCompany(a);
      await joinCompany(company.id, a, b, "owner");
      const answers =
        round % 2 === 0
          ? await Promise.all([
              api(`/v1/companies/${company.id}/members`, { token: a.accessToken, body: { userId: b.id, role: "recruiter" } }),
              api(`/v1/companies/${company.id}/members`, { token: b.accessToken, body: { userId: a.id, role: "recruiter" } }),
            ])
          : await Promise.all([
              api(`/v1/companies/${company.id}/members/${b.id}`, { method: "DELETE", token: a.accessToken }),
              api(`/v1/companies/${company.id}/members/${a.id}`, { method: "DELETE", token: b.accessToken }),
            ]);
      // one wins; the other is refused by the guard (409 last_owner) or, if it came second, is no owner any more (403)
      expect(answers.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(1);
      const refused = answers.find((r) => r.status !== 200 && r.status !== 204)!;
      expect([403, 409]).toContain(refused.status);
      const { members } = await ok(api(`/v1/companies/${company.id}`));
      expect(members.filter((m: { role: string }) => m.role === "owner")).toHaveLength(1);
    }
  });
});

describe("DELETE /v1/me of a company's last owner", () => {
  it("promotes the longest-standing member to owner: audit logged, told on the hub; vacancies stay", async () => {
    const [owner, coOwnerOf, early, late] = [await registerUser(), await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner, { name: "Succession Ltd" });
    // a second company where the owner has a co-owner: nothing changes there but the owner leaving
    const shared = await createCompany(owner);
    await joinCompany(shared.id, owner, coOwnerOf, "owner");
    clock.advance(1000);
    await joinCompany(company.id, owner, early);
    clock.advance(1000);
    await joinCompany(company.id, owner, late);
    // a role change does not make a member newer
    await ok(api(`/v1/companies/${company.id}/members`, { token: owner.accessToken, body: { userId: early.id, role: "recruiter" } }));
    const vacancy = await postVacancy(late, company.id, { title: "Still open" });

    const hub = await openSocket("/v1/realtime", early.accessToken);
    await hub.next("hello");
    await deleteAccount(owner);
    const frame = await hub.next("company.promoted");
    expect(frame).toMatchObject({ reason: "last_owner_deleted_account", company: { id: company.id, name: "Succession Ltd" } });
    hub.close();

    const read = await ok(api(`/v1/companies/${company.id}`));
    expect(read.members).toEqual([
      { userId: early.id, role: "owner" },
      { userId: late.id, role: "recruiter" },
    ]);
    expect((await ok(api(`/v1/companies/${shared.id}`))).members).toEqual([{ userId: coOwnerOf.id, role: "owner" }]);
    expect((await ok(api(`/v1/vacancies/${vacancy.id}`))).status).toBe("published");
    expect(await auditDetails(early.id, "company.role_changed")).toEqual([
      { companyId: company.id, from: "recruiter", to: "owner", reason: "last_owner_deleted_account" },
    ]);
    // the new owner has an owner's rights
    await ok(api(`/v1/companies/${company.id}/members`, { token: early.accessToken, body: { userId: late.id, role: "owner" } }));
  });

  it("a company with no other member is closed down: vacancies closed and out of search, then the company deleted", async () => {
    const owner = await registerUser();
    const icon = await uploadFile(owner, uniquePng(), { purpose: "company-icon" });
    const company = await createCompany(owner, { iconFileId: icon.id });
    const published = await postVacancy(owner, company.id, { title: "Orphaned" });
    const draft = await createVacancy(owner, company.id);
    const indexed = () => indexedVacancies(company.id);
    expect(await indexed()).toBe(1);
    expect((await ok(api(`/v1/vacancies?companyId=${company.id}`))).items).toHaveLength(1);

    await deleteAccount(owner);
    await expectProblem(await api(`/v1/companies/${company.id}`), 404);
    for (const id of [published.id, draft.id]) await expectProblem(await api(`/v1/vacancies/${id}`), 404);
    expect(await indexed()).toBe(0);
    expect((await ok(api(`/v1/vacancies?companyId=${company.id}`))).items).toEqual([]);
    const rows = await env.DB.batch([
      env.DB.prepare("SELECT count(*) AS n FROM vacancies WHERE company_id = ?").bind(company.id),
      env.DB.prepare("SELECT count(*) AS n FROM company_members WHERE company_id = ?").bind(company.id),
    ]);
    expect(rows.map((r) => (r.results[0] as { n: number }).n)).toEqual([0, 0]);
    const audit = (await auditTrail({ userId: null, type: "company.deleted" })).filter((e) => e.detail.companyId === company.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.userId).toBeNull();
    expect(audit[0]!.detail).toEqual({ companyId: company.id, reason: "last_member_deleted_account", vacanciesClosed: 2 });
  });

  it("a company an account deletion left without members is closed down by the daily cron", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const vacancy = await postVacancy(owner, company.id, { title: "Left behind" });
    const staffed = await createCompany(owner);
    // As if the user's deletion committed and closing the company down then failed.
    await env.DB.prepare("DELETE FROM company_members WHERE company_id = ?").bind(company.id).run();
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime: Date.now() }), env, createExecutionContext());
    await expectProblem(await api(`/v1/companies/${company.id}`), 404);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`), 404);
    expect(await indexedVacancies(company.id)).toBe(0);
    expect((await ok(api(`/v1/companies/${staffed.id}`))).members).toEqual([{ userId: owner.id, role: "owner" }]);
    const audit = (await auditTrail({ userId: null, type: "company.deleted" })).find((e) => e.detail.companyId === company.id);
    expect(audit?.detail).toEqual({ companyId: company.id, reason: "memberless_sweep", vacanciesClosed: 1 });
  });

  it("two owners deleting their accounts at once: the recruiter becomes owner; with nobody left the company goes", async () => {
    const [a, b, recruiter] = [await registerUser(), await registerUser(), await registerUser()];
    const staffed = await createCompany(a);
    const empty = await createCompany(a);
    for (const id of [staffed.id, empty.id]) await joinCompany(id, a, b, "owner");
    await joinCompany(staffed.id, a, recruiter);
    const vacancy = await postVacancy(b, empty.id);
    // Both deletions read their companies before either batch runs: each sees the other as an owner who stays.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const modules = accountModules.map((module) =>
      module.name === "jobs"
        ? {
            ...module,
            onDelete: async (...args: Parameters<NonNullable<typeof module.onDelete>>) => {
              const step = await module.onDelete!(...args);
              if (++arrived === 2) release();
              await bothRead;
              return step;
            },
          }
        : module,
    );
    const client = { ip: null, userAgent: null };
    await Promise.all([a, b].map((user) => deleteUserAccount(testDeps(), user.id, user.password, client, modules)));
    expect((await ok(api(`/v1/companies/${staffed.id}`))).members).toEqual([{ userId: recruiter.id, role: "owner" }]);
    await expectProblem(await api(`/v1/companies/${empty.id}`), 404);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`), 404);
    expect(await indexedVacancies(empty.id)).toBe(0);
    expect(await auditDetails(recruiter.id, "company.role_changed")).toHaveLength(1);
  });

  it("a pending AI draft of a company that was closed down fails as company_deleted", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const { finishSuccession } = await import("../../shared/jobs-board/companies/succession");
    const { runAiTask } = await import("../../shared/jobs-board/ai/ai-tasks");
    // a former member's task, still pending when the company goes
    const former = await registerUser();
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO jobs_ai_tasks (id, kind, user_id, company_id, input, model_id, status, attempts, created_at, updated_at) VALUES (?, 'vacancy-draft', ?, ?, '{\"notes\":\"x\"}', 'dev-text', 'pending', 0, ?, ?)",
    )
      .bind(`task-${now}`, former.id, company.id, now, now)
      .run();
    await env.DB.prepare("DELETE FROM company_members WHERE company_id = ?").bind(company.id).run();
    await finishSuccession(testDeps(), { companyIds: [company.id], promotions: [] });
    await runAiTask(testDeps(), `task-${now}`);
    const task = await env.DB.prepare("SELECT status, error FROM jobs_ai_tasks WHERE id = ?").bind(`task-${now}`).first<{ status: string; error: string }>();
    expect(task).toMatchObject({ status: "failed", error: expect.stringMatching(/^company_deleted: /) });
  });

  it("the export lists the companies the user belongs to, with name, role and since when", async () => {
    const { owner, recruiter, company } = await team();
    const data = await ok(api("/v1/me/export", { token: recruiter.accessToken }));
    expect(data.modules.jobs.companies).toEqual([{ companyId: company.id, name: company.name, role: "recruiter", since: expect.any(String) }]);
    expect((await ok(api("/v1/me/export", { token: owner.accessToken }))).modules.jobs.companies).toEqual([
      { companyId: company.id, name: company.name, role: "owner", since: expect.any(String) },
    ]);
  });
});

describe("company verification", () => {
  it("the owner asks; a moderator approves: audit logged, the owner's hub told, vacancies count as verified", async () => {
    const { owner, recruiter, company } = await team();
    const [moderator, admin] = [await registerUser(), await registerUser()];
    await setRole(moderator, "moderator");
    await setRole(admin, "admin");
    await expectProblem(await api(`/v1/companies/${company.id}/verification`, { token: recruiter.accessToken, body: { note: "please" } }), 403);
    await expectProblem(await api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: {} }), 400, "invalid_body");
    await expectProblem(await api(`/v1/companies/${company.id}/verification`, { body: { note: "x" } }), 401);
    await expectProblem(await api(`/v1/companies/${company.id}/verification/approve`, { token: moderator.accessToken, body: {} }), 409, "not_pending");

    const pending = await ok(
      api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "Registered as Acme GmbH, HRB 1234" } }),
      202,
    );
    expect(pending).toMatchObject({ verification: "pending", verificationNote: "Registered as Acme GmbH, HRB 1234" });
    expect((await ok(api(`/v1/companies/${company.id}`))).verificationNote).toBeNull();

    // users, recruiters and owners cannot decide
    for (const user of [owner, recruiter]) {
      await expectProblem(await api(`/v1/companies/${company.id}/verification/approve`, { token: user.accessToken, body: {} }), 403);
      await expectProblem(await api(`/v1/companies/${company.id}/verification/reject`, { token: user.accessToken, body: { reason: "x" } }), 403);
    }
    await expectProblem(await api(`/v1/companies/${company.id}/verification/approve`, { body: {} }), 401);
    await expectProblem(await api("/v1/companies/00000000-0000-7000-8000-000000000000/verification/approve", { token: moderator.accessToken, body: {} }), 404);
    await expectProblem(
      await api(`/v1/companies/${company.id}/verification/reject`, { token: moderator.accessToken, body: { reason: 5 } }),
      400,
      "invalid_body",
    );

    const draft = await createVacancy(owner, company.id);
    await publishVacancy(owner, draft.id);
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    const approved = await ok(api(`/v1/companies/${company.id}/verification/approve`, { token: moderator.accessToken, body: { reason: "Register checked" } }));
    expect(approved.verification).toBe("verified");
    const frame = await hub.next("company.verification");
    expect(frame.company).toMatchObject({ id: company.id, verification: "verified", verificationReason: "Register checked" });
    hub.close();
    expect((await ok(api(`/v1/vacancies/${draft.id}`))).company.verified).toBe(true);
    const search = await ok(api(`/v1/vacancies?companyId=${company.id}&verified=true`));
    expect(search.items.map((v: { id: string }) => v.id)).toEqual([draft.id]);

    const { items } = await ok(api(`/v1/admin/audit-events?type=company.verification_approved&userId=${moderator.id}`, { token: admin.accessToken }));
    expect(items[0].detail).toMatchObject({ companyId: company.id, reason: "Register checked" });
    await expectProblem(await api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "again" } }), 409, "already_verified");
  });

  it("an admin rejects with a reason; the owner may ask again", async () => {
    const { owner, company } = await team();
    const admin = await registerUser();
    await setRole(admin, "admin");
    await ok(api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "please" } }), 202);
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    const rejected = await ok(
      api(`/v1/companies/${company.id}/verification/reject`, { token: admin.accessToken, body: { reason: "No registry entry found" } }),
    );
    expect(rejected.verification).toBe("rejected");
    const frame = await hub.next("company.verification");
    expect(frame).toMatchObject({ reason: "No registry entry found", company: { verification: "rejected" } });
    hub.close();
    expect((await ok(api(`/v1/companies/${company.id}`, { token: owner.accessToken }))).verificationReason).toBe("No registry entry found");
    expect(await auditDetails(admin.id, "company.verification_rejected")).toHaveLength(1);
    expect(
      (await ok(api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "Here is the entry" } }), 202)).verification,
    ).toBe("pending");
  });
});

describe("UNVERIFIED_COMPANY_MAX_PUBLISHED", () => {
  it("caps published and scheduled vacancies of an unverified company, also under parallel publishes", async () => {
    const { owner, recruiter, company } = await team();
    const drafts = await Promise.all(Array.from({ length: 6 }, () => createVacancy(owner, company.id)));
    const answers = await Promise.all(drafts.map((d, i) => api(`/v1/vacancies/${d.id}/publish`, { token: (i % 2 ? owner : recruiter).accessToken, body: {} })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    await expectProblem(refused, 409, "publish_limit_reached");
    const statusOf = async (id: string) => (await ok(api(`/v1/vacancies/${id}`, { token: owner.accessToken }))).status as string;
    const now = await Promise.all(drafts.map((d) => statusOf(d.id)));
    expect(now.filter((status) => status === "published")).toHaveLength(3);
    // closing one frees its slot
    const live = drafts.filter((_, i) => now[i] === "published");
    const waiting = drafts.filter((_, i) => now[i] === "draft");
    await ok(api(`/v1/vacancies/${live[0]!.id}/close`, { token: owner.accessToken, body: {} }));
    expect((await publishVacancy(owner, waiting[0]!.id, new Date(Date.now() + 3_600_000).toISOString())).status).toBe("scheduled");
    await expectProblem(await api(`/v1/vacancies/${waiting[1]!.id}/publish`, { token: owner.accessToken, body: {} }), 409, "publish_limit_reached");
  });

  it("a verified company is not capped", async () => {
    const { owner, company } = await team();
    await verifyCompany(company.id);
    const drafts = await Promise.all(Array.from({ length: 5 }, () => createVacancy(owner, company.id)));
    const answers = await Promise.all(drafts.map((d) => api(`/v1/vacancies/${d.id}/publish`, { token: owner.accessToken, body: {} })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  });
});
