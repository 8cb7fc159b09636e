import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectProblem, openSocket } from "../helpers";
import { api, createCompany, indexedVacancies, joinCompany, ok, postVacancy, registerUser, search, verifyCompany, type TestUser } from "../jobs-board/fixtures";
import { auditDetails } from "../kit/audit";
import { makeModerator } from "../kit/users";

/** Issue 23, findings 6, 7, 8 and 14: the abuse paths of companies. */

const publishCap = Number((env as unknown as Record<string, unknown>).UNVERIFIED_COMPANY_MAX_PUBLISHED ?? 3);
const companiesCap = Number((env as unknown as Record<string, unknown>).UNVERIFIED_COMPANIES_PER_USER ?? 3);

const auditOf = auditDetails;

async function verifiedCompanyWithVacancy(owner: TestUser) {
  const company = await createCompany(owner, { name: "Honest GmbH", website: "https://honest.example.com" });
  const vacancy = await postVacancy(owner, company.id, { title: "Verified engineer" });
  await verifyCompany(company.id);
  return { company, vacancy };
}

describe("finding 6: a verified company that changes its name or website is pending again", () => {
  it("renaming sends it back to pending: search shows its vacancies unverified, the owner is told, the audit names the change", async () => {
    const [owner, recruiter] = [await registerUser(), await registerUser()];
    const { company, vacancy } = await verifiedCompanyWithVacancy(owner);
    await joinCompany(company.id, owner, recruiter);
    const inSearch = async () => (await search({ companyId: company.id })).items.find((v: { id: string }) => v.id === vacancy.id)?.company.verified;
    expect(await inSearch()).toBe(true);
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");

    // about and icon are not what a moderator verified: they keep the badge
    expect((await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: recruiter.accessToken, body: { about: "We ship" } }))).verification).toBe(
      "verified",
    );
    // the same name again changes nothing
    expect((await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: recruiter.accessToken, body: { name: "Honest GmbH" } }))).verification).toBe(
      "verified",
    );
    const renamed = await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: recruiter.accessToken, body: { name: "Google LLC" } }));
    expect(renamed).toMatchObject({ name: "Google LLC", verification: "pending" });
    expect(renamed.verificationNote).toContain("Honest GmbH");
    expect(await inSearch()).toBe(false);
    const frame = await hub.next("company.verification");
    expect(frame).toMatchObject({ reason: "details_changed", company: { id: company.id, verification: "pending" } });
    hub.close();
    expect(await auditOf(recruiter.id, "company.verification_reset")).toEqual([{ companyId: company.id, changed: ["name"], by: recruiter.id }]);

    // a moderator decides again, on what the company shows now
    const moderator = await registerUser();
    await makeModerator(moderator);
    expect((await ok(api(`/v1/companies/${company.id}/verification/approve`, { token: moderator.accessToken, body: {} }))).verification).toBe("verified");
    expect(await inSearch()).toBe(true);
  });

  it("changing the website resets it too; an unverified company's edits change nothing about verification", async () => {
    const owner = await registerUser();
    const { company } = await verifiedCompanyWithVacancy(owner);
    expect(
      (await ok(api(`/v1/companies/${company.id}`, { method: "PATCH", token: owner.accessToken, body: { website: "https://evil.example.com" } }))).verification,
    ).toBe("pending");
    const plain = await createCompany(owner);
    expect((await ok(api(`/v1/companies/${plain.id}`, { method: "PATCH", token: owner.accessToken, body: { name: "Anything" } }))).verification).toBe("none");
  });
});

describe("finding 7: membership is an invitation the invitee accepts; an owner can always leave or close the company", () => {
  it("an invitation makes nobody a member until they accept; they see it with the company's name, on the hub and in their list", async () => {
    const [owner, invitee, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner, { name: "Invites Ltd" });
    const hub = await openSocket("/v1/realtime", invitee.accessToken);
    await hub.next("hello");
    const invitation = await ok(api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken, body: { userId: invitee.id, role: "owner" } }), 201);
    expect(invitation).toMatchObject({ companyId: company.id, companyName: "Invites Ltd", userId: invitee.id, role: "owner", invitedBy: owner.id });
    expect((await hub.next("company.invitation")).invitation).toMatchObject({ companyId: company.id, role: "owner" });
    hub.close();

    // not a member yet: no owner's rights, not listed
    expect((await ok(api(`/v1/companies/${company.id}`))).members).toEqual([{ userId: owner.id, role: "owner" }]);
    await expectProblem(await api(`/v1/companies/${company.id}/invitations`, { token: invitee.accessToken }), 403);
    expect((await ok(api("/v1/companies/invitations", { token: invitee.accessToken }))).items).toMatchObject([
      { companyId: company.id, companyName: "Invites Ltd", role: "owner" },
    ]);
    expect((await ok(api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken }))).items).toMatchObject([{ userId: invitee.id }]);

    // nobody accepts for someone else, and nobody else drops it
    await expectProblem(await api(`/v1/companies/${company.id}/invitations/${invitee.id}/accept`, { method: "POST", token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${company.id}/invitations/${invitee.id}`, { method: "DELETE", token: stranger.accessToken }), 403);
    await expectProblem(await api(`/v1/companies/${company.id}/invitations/${stranger.id}/accept`, { method: "POST", token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${company.id}/invitations/${invitee.id}/accept`, { method: "POST" }), 401);
    await expectProblem(await api("/v1/companies/invitations"), 401);
    await expectProblem(
      await api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken, body: { userId: invitee.id, role: "boss" } }),
      400,
      "invalid_body",
    );
    await expectProblem(
      await api(`/v1/companies/${company.id}/invitations`, {
        token: owner.accessToken,
        body: { userId: "00000000-0000-7000-8000-000000000000", role: "recruiter" },
      }),
      404,
    );
    await expectProblem(
      await api(`/v1/companies/${company.id}/invitations`, { token: stranger.accessToken, body: { userId: stranger.id, role: "owner" } }),
      403,
    );

    const joined = await ok(api(`/v1/companies/${company.id}/invitations/${invitee.id}/accept`, { method: "POST", token: invitee.accessToken }));
    expect(joined.members).toEqual([
      { userId: owner.id, role: "owner" },
      { userId: invitee.id, role: "owner" },
    ]);
    expect((await ok(api("/v1/companies/invitations", { token: invitee.accessToken }))).items).toEqual([]);
    await expectProblem(
      await api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken, body: { userId: invitee.id, role: "recruiter" } }),
      409,
      "already_member",
    );
    await expectProblem(await api(`/v1/companies/${company.id}/invitations/${invitee.id}/accept`, { method: "POST", token: invitee.accessToken }), 404);
  });

  it("the invitee declines or the owner revokes: accepting afterwards adds nobody", async () => {
    const [owner, declines, revoked] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    for (const user of [declines, revoked])
      await ok(api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken, body: { userId: user.id, role: "recruiter" } }), 201);
    expect((await api(`/v1/companies/${company.id}/invitations/${declines.id}`, { method: "DELETE", token: declines.accessToken })).status).toBe(204);
    expect((await api(`/v1/companies/${company.id}/invitations/${revoked.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    for (const user of [declines, revoked])
      await expectProblem(await api(`/v1/companies/${company.id}/invitations/${user.id}/accept`, { method: "POST", token: user.accessToken }), 404);
    expect((await ok(api(`/v1/companies/${company.id}`))).members).toHaveLength(1);
  });

  it("the last owner leaves: the longest-standing member becomes owner (hub, audit); the trap of the finding is gone", async () => {
    const [attacker, victim, later] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(attacker, { name: "Trap Inc" });
    await joinCompany(company.id, attacker, victim, "owner");
    await joinCompany(company.id, attacker, later);
    // the attacker leaves the victim as the last owner: the victim can still leave
    expect((await api(`/v1/companies/${company.id}/members/${attacker.id}`, { method: "DELETE", token: attacker.accessToken })).status).toBe(204);
    const hub = await openSocket("/v1/realtime", later.accessToken);
    await hub.next("hello");
    expect((await api(`/v1/companies/${company.id}/members/${victim.id}`, { method: "DELETE", token: victim.accessToken })).status).toBe(204);
    expect(await hub.next("company.promoted")).toMatchObject({ reason: "last_owner_left", company: { id: company.id, name: "Trap Inc" } });
    hub.close();
    expect((await ok(api(`/v1/companies/${company.id}`))).members).toEqual([{ userId: later.id, role: "owner" }]);
    expect(await auditOf(later.id, "company.role_changed")).toEqual([{ companyId: company.id, from: "recruiter", to: "owner", reason: "last_owner_left" }]);
    expect(await auditOf(victim.id, "company.member_left")).toEqual([{ companyId: company.id, role: "owner" }]);
    // leaving twice, or a company one never joined: 404
    await expectProblem(await api(`/v1/companies/${company.id}/members/${victim.id}`, { method: "DELETE", token: victim.accessToken }), 404);
  });

  it("the last member leaves: the company is closed down, its vacancies out of search", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const vacancy = await postVacancy(owner, company.id, { title: "Left behind" });
    expect((await api(`/v1/companies/${company.id}/members/${owner.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/companies/${company.id}`), 404);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`), 404);
    expect(await indexedVacancies(company.id)).toBe(0);
  });

  it("DELETE /v1/companies/:id: owners close the company; its vacancies are closed and go with it", async () => {
    const [owner, recruiter, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await joinCompany(company.id, owner, recruiter);
    const vacancy = await postVacancy(recruiter, company.id, { title: "Closing soon" });
    await expectProblem(await api(`/v1/companies/${company.id}`, { method: "DELETE" }), 401);
    await expectProblem(await api(`/v1/companies/${company.id}`, { method: "DELETE", token: stranger.accessToken }), 403);
    await expectProblem(await api(`/v1/companies/${company.id}`, { method: "DELETE", token: recruiter.accessToken }), 403);
    await expectProblem(await api("/v1/companies/00000000-0000-7000-8000-000000000000", { method: "DELETE", token: owner.accessToken }), 404);
    expect((await api(`/v1/companies/${company.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/companies/${company.id}`), 404);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`), 404);
    expect((await search({ companyId: company.id })).items).toEqual([]);
    expect(await auditOf(owner.id, "company.deleted")).toEqual([{ companyId: company.id, reason: "closed_by_owner", vacanciesClosed: 1 }]);
  });
});

describe("finding 8: nobody decides on the verification of their own company", () => {
  it("a moderator who is a member gets 403; another moderator decides", async () => {
    const [moderatorOwner, moderatorRecruiter, other] = [await registerUser(), await registerUser(), await registerUser()];
    for (const user of [moderatorOwner, moderatorRecruiter, other]) await makeModerator(user);
    const company = await createCompany(moderatorOwner);
    await joinCompany(company.id, moderatorOwner, moderatorRecruiter);
    await ok(api(`/v1/companies/${company.id}/verification`, { token: moderatorOwner.accessToken, body: { note: "Registry 7" } }), 202);
    for (const user of [moderatorOwner, moderatorRecruiter]) {
      await expectProblem(await api(`/v1/companies/${company.id}/verification/approve`, { token: user.accessToken, body: {} }), 403, "forbidden");
      await expectProblem(await api(`/v1/companies/${company.id}/verification/reject`, { token: user.accessToken, body: { reason: "x" } }), 403, "forbidden");
    }
    expect((await ok(api(`/v1/companies/${company.id}`))).verification).toBe("pending");
    expect((await ok(api(`/v1/companies/${company.id}/verification/approve`, { token: other.accessToken, body: {} }))).verification).toBe("verified");
  });
});

describe("finding 14: unverified publishing is capped per user, and company creation is limited", () => {
  it("five companies do not give fifteen vacancies: a member's unverified companies share one cap", async () => {
    const owner = await registerUser();
    const [first, second] = [await createCompany(owner), await createCompany(owner)];
    for (let i = 0; i < publishCap; i++) await postVacancy(owner, first.id, { title: `First ${i}` });
    const draft = await ok(
      api("/v1/vacancies", {
        token: owner.accessToken,
        body: { companyId: second.id, title: "One too many", role: "backend", employmentType: "full-time", seniority: "senior" },
      }),
      201,
    );
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { token: owner.accessToken, body: {} }), 409, "publish_limit_reached");
    // a verified company of theirs is not capped, and its vacancies take no unverified slot
    await verifyCompany(second.id);
    expect((await ok(api(`/v1/vacancies/${draft.id}/publish`, { token: owner.accessToken, body: {} }))).status).toBe("published");
  });

  it("a user creates at most UNVERIFIED_COMPANIES_PER_USER unverified companies, also in parallel; a verified one frees a place", async () => {
    const owner = await registerUser();
    const answers = await Promise.all(
      Array.from({ length: companiesCap + 3 }, (_, i) => api("/v1/companies", { token: owner.accessToken, body: { name: `Shell ${i}` } })),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(companiesCap);
    for (const refused of answers.filter((r) => r.status !== 201)) await expectProblem(refused, 409, "company_limit_reached");
    const mine = (await env.DB.prepare("SELECT id FROM companies WHERE created_by = ?").bind(owner.id).all<{ id: string }>()).results;
    expect(mine).toHaveLength(companiesCap);
    await verifyCompany(mine[0]!.id);
    expect((await api("/v1/companies", { token: owner.accessToken, body: { name: "One more" } })).status).toBe(201);
    await expectProblem(await api("/v1/companies", { token: owner.accessToken, body: { name: "Too many" } }), 409, "company_limit_reached");
  });
});
