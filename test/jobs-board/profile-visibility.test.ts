import { describe, expect, it } from "vitest";
import { expectProblem } from "../helpers";
import { makeAdmin } from "../kit/users";
import { api, createCompany, joinCompany, ok, postVacancy, registerUser, type TestUser } from "./fixtures";

const UNKNOWN = "00000000-0000-7000-8000-000000000000";
type Visibility = "everyone" | "recruiters" | "hidden";

const setVisibility = (user: TestUser, visibility: Visibility) =>
  ok(api("/v1/profiles/me", { method: "PATCH", token: user.accessToken, body: { visibility } }));
const follow = (user: TestUser, other: TestUser) => ok(api(`/v1/profiles/${other.id}/follow`, { method: "PUT", token: user.accessToken }));
const followerIds = async (of: TestUser, viewer?: TestUser) =>
  (await ok(api(`/v1/profiles/${of.id}/followers`, { token: viewer?.accessToken }))).items.map((i: { userId: string }) => i.userId);

/**
 * A candidate and everyone who may look at them: a stranger, a recruiter of an unrelated company,
 * someone the candidate follows, the owner and a recruiter of a company the candidate applied to,
 * and an admin.
 */
async function cast() {
  const [candidate, stranger, recruiter, followed, hirer, hiringRecruiter, admin, otherOwner] = await Promise.all([
    registerUser(),
    registerUser(),
    registerUser(),
    registerUser(),
    registerUser(),
    registerUser(),
    registerUser(),
    registerUser(),
  ]);
  await ok(api("/v1/profiles/me", { method: "PATCH", token: candidate.accessToken, body: { headline: "Backend engineer" } }));
  await joinCompany((await createCompany(otherOwner)).id, otherOwner, recruiter);
  await follow(candidate, followed);
  const company = await createCompany(hirer);
  await joinCompany(company.id, hirer, hiringRecruiter);
  const vacancy = await postVacancy(hirer, company.id);
  await ok(api(`/v1/vacancies/${vacancy.id}/applications`, { token: candidate.accessToken, body: {} }), 201);
  await makeAdmin(admin);
  return { candidate, stranger, recruiter, followed, hirer, hiringRecruiter, admin, company };
}

describe("profile visibility", () => {
  it("PATCH /v1/profiles/me sets it; only the owner sees the setting; a bad value is 400; no token 401", async () => {
    const [user, other] = [await registerUser(), await registerUser()];
    expect((await ok(api("/v1/profiles/me", { token: user.accessToken }))).visibility).toBe("everyone");
    expect((await setVisibility(user, "recruiters")).visibility).toBe("recruiters");
    expect((await ok(api("/v1/profiles/me", { token: user.accessToken }))).visibility).toBe("recruiters");
    expect((await ok(api(`/v1/profiles/${user.id}`, { token: user.accessToken }))).visibility).toBe("recruiters");
    // other fields stay when only the visibility changes, and the reverse
    await ok(api("/v1/profiles/me", { method: "PATCH", token: user.accessToken, body: { headline: "Still here" } }));
    expect(await ok(api("/v1/profiles/me", { token: user.accessToken }))).toMatchObject({ headline: "Still here", visibility: "recruiters" });
    await setVisibility(user, "everyone");
    expect(await ok(api(`/v1/profiles/${user.id}`, { token: other.accessToken }))).not.toHaveProperty("visibility");
    for (const visibility of ["public", "", null, 1, "HIDDEN"]) {
      await expectProblem(await api("/v1/profiles/me", { method: "PATCH", token: user.accessToken, body: { visibility } }), 400, "invalid_body");
    }
    await expectProblem(await api("/v1/profiles/me", { method: "PATCH", body: { visibility: "hidden" } }), 401);
  });

  it("is in the OpenAPI document: the patch, the owner's profile and the enum with its rule", async () => {
    const { components } = await ok(api("/openapi.json"));
    expect(components.schemas.ProfileVisibility).toMatchObject({ type: "string", enum: ["everyone", "recruiters", "hidden"] });
    expect(components.schemas.ProfileVisibility.description).toContain("applied to");
    expect(JSON.stringify(components.schemas.Profile.properties.visibility)).toContain("#/components/schemas/ProfileVisibility");
    expect(JSON.stringify(components.schemas.JobsProfilePatch.properties.visibility)).toContain("#/components/schemas/ProfileVisibility");
    expect(components.schemas.CompanyFollowerPage).toBeDefined();
  });

  it("decides who sees the profile: everyone, recruiters and people the candidate follows, or only the candidate; the companies applied to and admins always", async () => {
    const c = await cast();
    const viewers: Record<string, TestUser | undefined> = {
      anonymous: undefined,
      stranger: c.stranger,
      recruiter: c.recruiter,
      followed: c.followed,
      "company applied to (owner)": c.hirer,
      "company applied to (recruiter)": c.hiringRecruiter,
      admin: c.admin,
      "the candidate": c.candidate,
    };
    const expected: Record<Visibility, string[]> = {
      everyone: Object.keys(viewers),
      recruiters: ["recruiter", "followed", "company applied to (owner)", "company applied to (recruiter)", "admin", "the candidate"],
      hidden: ["company applied to (owner)", "company applied to (recruiter)", "admin", "the candidate"],
    };
    const unknown = await expectProblem(await api(`/v1/profiles/${UNKNOWN}`, { token: c.stranger.accessToken }), 404);
    for (const visibility of ["everyone", "recruiters", "hidden"] as const) {
      await setVisibility(c.candidate, visibility);
      const seenBy: string[] = [];
      for (const [who, viewer] of Object.entries(viewers)) {
        const response = await api(`/v1/profiles/${c.candidate.id}`, { token: viewer?.accessToken });
        if (response.status === 200) {
          expect((await response.json<{ headline: string }>()).headline).toBe("Backend engineer");
          seenBy.push(who);
        } else {
          // the same answer as a user that does not exist: nobody learns the profile is there
          const problem = await expectProblem(response, 404);
          expect([problem.code, problem.title, problem.detail]).toEqual([unknown.code, unknown.title, unknown.detail]);
        }
      }
      expect(seenBy, visibility).toEqual(expected[visibility]);
    }
    // the pipeline keeps working while the candidate is hidden
    const pipeline = await ok(api(`/v1/companies/${c.company.id}/applications`, { token: c.hiringRecruiter.accessToken }));
    expect(pipeline.items.map((a: { candidate: { id: string } }) => a.candidate.id)).toEqual([c.candidate.id]);
  });

  it("counts no view of a profile the viewer may not see, and does not list hidden viewers", async () => {
    const [owner, stranger, hiddenViewer] = [await registerUser(), await registerUser(), await registerUser()];
    await setVisibility(owner, "hidden");
    await expectProblem(await api(`/v1/profiles/${owner.id}`, { token: stranger.accessToken }), 404);
    expect((await ok(api("/v1/profiles/me", { token: owner.accessToken }))).viewCount).toBe(0);
    expect((await ok(api("/v1/profiles/me/views", { token: owner.accessToken }))).items).toEqual([]);

    await setVisibility(owner, "everyone");
    await setVisibility(hiddenViewer, "hidden");
    await ok(api(`/v1/profiles/${owner.id}`, { token: stranger.accessToken }));
    await ok(api(`/v1/profiles/${owner.id}`, { token: hiddenViewer.accessToken }));
    expect((await ok(api("/v1/profiles/me", { token: owner.accessToken }))).viewCount).toBe(2);
    const viewers = await ok(api("/v1/profiles/me/views", { token: owner.accessToken }));
    expect(viewers.items.map((i: { userId: string }) => i.userId)).toEqual([stranger.id]);
  });

  it("leaves hidden profiles out of followers and following lists, and answers 404 for the lists of a hidden profile", async () => {
    const [star, fan, shy, stranger, admin] = [await registerUser(), await registerUser(), await registerUser(), await registerUser(), await registerUser()];
    await makeAdmin(admin);
    await follow(fan, star);
    await follow(shy, star);
    await follow(shy, fan);
    await setVisibility(shy, "hidden");
    expect(await followerIds(star, stranger)).toEqual([fan.id]);
    expect(await followerIds(star)).toEqual([fan.id]);
    expect(await followerIds(star, star)).toEqual([fan.id]);
    expect(await followerIds(star, admin)).toEqual([shy.id, fan.id]);
    expect(await followerIds(star, shy)).toEqual([shy.id, fan.id]);
    // the count stays a count of everyone
    expect((await ok(api(`/v1/profiles/${star.id}`, { token: stranger.accessToken }))).followerCount).toBe(2);
    for (const direction of ["followers", "following"]) {
      await expectProblem(await api(`/v1/profiles/${shy.id}/${direction}`, { token: stranger.accessToken }), 404);
      await expectProblem(await api(`/v1/profiles/${shy.id}/${direction}`), 404);
      await ok(api(`/v1/profiles/${shy.id}/${direction}`, { token: shy.accessToken }));
    }
    const following = await ok(api(`/v1/profiles/${shy.id}/following`, { token: admin.accessToken }));
    expect(following.items.map((i: { userId: string }) => i.userId)).toEqual([fan.id, star.id]);

    // "recruiters": the people shy follows see shy in lists, strangers do not
    await setVisibility(shy, "recruiters");
    expect(await followerIds(star, fan)).toEqual([shy.id, fan.id]);
    expect(await followerIds(star, stranger)).toEqual([fan.id]);
  });

  it("following a profile you may not see is 404 and follows nothing; unfollowing it still removes your follow", async () => {
    const [shy, fan, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    await follow(fan, shy);
    await setVisibility(shy, "hidden");
    await expectProblem(await api(`/v1/profiles/${shy.id}/follow`, { method: "PUT", token: stranger.accessToken }), 404);
    expect((await ok(api("/v1/profiles/me", { token: shy.accessToken }))).followerCount).toBe(1);
    expect((await ok(api("/v1/profiles/me", { token: stranger.accessToken }))).followingCount).toBe(0);
    await expectProblem(await api(`/v1/profiles/${shy.id}/follow`, { method: "DELETE", token: fan.accessToken }), 404);
    expect((await ok(api("/v1/profiles/me", { token: shy.accessToken }))).followerCount).toBe(0);
    expect((await ok(api("/v1/profiles/me", { token: fan.accessToken }))).followingCount).toBe(0);
  });
});
