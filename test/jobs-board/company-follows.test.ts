import { describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { expectProblem } from "../helpers";
import { makeAdmin } from "../kit/users";
import { api, createCompany, deleteAccount, joinCompany, ok, postVacancy, registerUser } from "./fixtures";

const UNKNOWN = "00000000-0000-7000-8000-000000000000";

describe("GET, PUT, DELETE /v1/companies/:id/follow", () => {
  it("follows and unfollows; repeating is harmless; the count is exact under parallel follows", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const fans = await Promise.all(Array.from({ length: 4 }, () => registerUser()));
    const before = await ok(api(`/v1/companies/${company.id}/follow`, { token: fans[0]!.accessToken }));
    expect(before).toEqual({ companyId: company.id, following: false, followerCount: 0 });
    await Promise.all(fans.flatMap((fan) => [1, 2].map(() => ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fan.accessToken })))));
    const followed = await ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fans[0]!.accessToken }));
    expect(followed).toEqual({ companyId: company.id, following: true, followerCount: 4 });
    expect(await ok(api(`/v1/companies/${company.id}/follow`, { token: owner.accessToken }))).toMatchObject({ following: false, followerCount: 4 });
    const unfollowed = await ok(api(`/v1/companies/${company.id}/follow`, { method: "DELETE", token: fans[0]!.accessToken }));
    expect(unfollowed).toEqual({ companyId: company.id, following: false, followerCount: 3 });
    expect((await ok(api(`/v1/companies/${company.id}/follow`, { method: "DELETE", token: fans[0]!.accessToken }))).followerCount).toBe(3);
  });

  it("no token is 401, an unknown company 404, a malformed id 400", async () => {
    const [owner, user] = [await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    for (const method of ["GET", "PUT", "DELETE"]) {
      await expectProblem(await api(`/v1/companies/${company.id}/follow`, { method }), 401);
      await expectProblem(await api(`/v1/companies/${UNKNOWN}/follow`, { method, token: user.accessToken }), 404);
      await expectProblem(await api(`/v1/companies/${"x".repeat(65)}/follow`, { method, token: user.accessToken }), 400);
    }
  });
});

describe("GET /v1/me/followed-companies", () => {
  it("lists only your own follows, newest first in pages; a closed company and a deleted account leave no follow", async () => {
    const [owner, fan, other] = [await registerUser(), await registerUser(), await registerUser()];
    const companies = [];
    for (let i = 0; i < 3; i++) {
      const company = await createCompany(owner, { name: `Followed ${i}` });
      companies.push(company);
      await ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fan.accessToken }));
      clock.advance(1000);
    }
    clock.reset();
    await ok(api(`/v1/companies/${companies[0]!.id}/follow`, { method: "PUT", token: other.accessToken }));
    const first = await ok(api("/v1/me/followed-companies?limit=2", { token: fan.accessToken }));
    expect(first.items.map((i: { name: string }) => i.name)).toEqual(["Followed 2", "Followed 1"]);
    expect(first.items[0]).toMatchObject({ companyId: companies[2]!.id, verified: false, iconUrl: null });
    const second = await ok(api(`/v1/me/followed-companies?limit=2&cursor=${first.nextCursor}`, { token: fan.accessToken }));
    expect(second.items.map((i: { name: string }) => i.name)).toEqual(["Followed 0"]);
    expect(second.nextCursor).toBeNull();
    expect((await ok(api("/v1/me/followed-companies", { token: other.accessToken }))).items).toHaveLength(1);

    await ok(api(`/v1/companies/${companies[2]!.id}`, { method: "DELETE", token: owner.accessToken }), 204);
    expect((await ok(api("/v1/me/followed-companies", { token: fan.accessToken }))).items).toHaveLength(2);
    await deleteAccount(other);
    expect((await ok(api(`/v1/companies/${companies[0]!.id}/follow`, { token: fan.accessToken }))).followerCount).toBe(1);

    await expectProblem(await api("/v1/me/followed-companies"), 401);
    await expectProblem(await api("/v1/me/followed-companies?cursor=garbage", { token: fan.accessToken }), 400, "invalid_cursor");
    await expectProblem(await api("/v1/me/followed-companies?limit=0", { token: fan.accessToken }), 400);
  });
});

describe("GET /v1/companies/:id/followers", () => {
  it("lists the followers to the company's members, newest first in pages, with name and headline", async () => {
    const [owner, recruiter] = [await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await joinCompany(company.id, owner, recruiter);
    const fans = [];
    for (let i = 0; i < 3; i++) {
      const fan = await registerUser({ displayName: `Fan ${i}` });
      await ok(api("/v1/profiles/me", { method: "PATCH", token: fan.accessToken, body: { headline: `Engineer ${i}` } }));
      await ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fan.accessToken }));
      fans.push(fan);
      clock.advance(1000);
    }
    clock.reset();
    const empty = await createCompany(owner);
    expect(await ok(api(`/v1/companies/${empty.id}/followers`, { token: owner.accessToken }))).toEqual({ items: [], nextCursor: null });

    const first = await ok(api(`/v1/companies/${company.id}/followers?limit=2`, { token: owner.accessToken }));
    expect(first.items).toEqual([
      { userId: fans[2]!.id, displayName: "Fan 2", avatarUrl: null, headline: "Engineer 2", followedAt: expect.any(String) },
      { userId: fans[1]!.id, displayName: "Fan 1", avatarUrl: null, headline: "Engineer 1", followedAt: expect.any(String) },
    ]);
    const second = await ok(api(`/v1/companies/${company.id}/followers?limit=2&cursor=${first.nextCursor}`, { token: recruiter.accessToken }));
    expect(second.items.map((i: { userId: string }) => i.userId)).toEqual([fans[0]!.id]);
    expect(second.nextCursor).toBeNull();
    // an unfollow leaves the list
    await ok(api(`/v1/companies/${company.id}/follow`, { method: "DELETE", token: fans[2]!.accessToken }));
    const after = await ok(api(`/v1/companies/${company.id}/followers`, { token: owner.accessToken }));
    expect(after.items.map((i: { userId: string }) => i.userId)).toEqual([fans[1]!.id, fans[0]!.id]);
  });

  it("leaves out followers whose profile the member may not see: hidden ones, unless they applied to the company; admins see all", async () => {
    const [owner, admin, open, careful, shy, applicant] = await Promise.all(Array.from({ length: 6 }, () => registerUser()));
    await makeAdmin(admin!);
    const company = await createCompany(owner!);
    const vacancy = await postVacancy(owner!, company.id);
    for (const [fan, visibility] of [
      [open, "everyone"],
      [careful, "recruiters"],
      [shy, "hidden"],
      [applicant, "hidden"],
    ] as const) {
      await ok(api("/v1/profiles/me", { method: "PATCH", token: fan!.accessToken, body: { visibility } }));
      await ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fan!.accessToken }));
      clock.advance(1000);
    }
    clock.reset();
    await ok(api(`/v1/vacancies/${vacancy.id}/applications`, { token: applicant!.accessToken, body: {} }), 201);
    const ids = async (token: string) => (await ok(api(`/v1/companies/${company.id}/followers`, { token }))).items.map((i: { userId: string }) => i.userId);
    expect(await ids(owner!.accessToken)).toEqual([applicant!.id, careful!.id, open!.id]);
    expect(await ids(admin!.accessToken)).toEqual([applicant!.id, shy!.id, careful!.id, open!.id]);
    // the count stays a count of everyone
    expect((await ok(api(`/v1/companies/${company.id}/follow`, { token: owner!.accessToken }))).followerCount).toBe(4);
  });

  it("no token is 401, a non-member 403, an unknown company 404, malformed input 400", async () => {
    const [owner, fan, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await ok(api(`/v1/companies/${company.id}/follow`, { method: "PUT", token: fan.accessToken }));
    await expectProblem(await api(`/v1/companies/${company.id}/followers`), 401);
    await expectProblem(await api(`/v1/companies/${company.id}/followers`, { token: stranger.accessToken }), 403, "forbidden");
    await expectProblem(await api(`/v1/companies/${company.id}/followers`, { token: fan.accessToken }), 403, "forbidden");
    await expectProblem(await api(`/v1/companies/${UNKNOWN}/followers`, { token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${"x".repeat(65)}/followers`, { token: owner.accessToken }), 400);
    await expectProblem(await api(`/v1/companies/${company.id}/followers?cursor=garbage`, { token: owner.accessToken }), 400, "invalid_cursor");
    await expectProblem(await api(`/v1/companies/${company.id}/followers?limit=0`, { token: owner.accessToken }), 400);
  });
});
