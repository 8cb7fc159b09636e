import { describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { expectProblem } from "../helpers";
import { api, createCompany, deleteAccount, ok, registerUser } from "./fixtures";

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
