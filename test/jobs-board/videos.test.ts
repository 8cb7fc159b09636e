import { describe, expect, it } from "vitest";
import { expectProblem } from "../helpers";
import { makeModerator } from "../kit/users";
import { videoInModeration } from "../video/fixtures";
import { api, createCompany, createVacancy, ok, publishVacancy, registerUser } from "./fixtures";

async function approve(videoId: string) {
  const moderator = await registerUser();
  await makeModerator(moderator);
  await ok(api(`/v1/videos/${videoId}/approve`, { method: "POST", token: moderator.accessToken }));
}

describe("a profile's video introduction", () => {
  it("is one of the owner's videos, shown to others only once approved", async () => {
    const [owner, viewer, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    const { id } = await videoInModeration(owner, { title: "Hello, I am Owner" });
    const mine = await ok(api("/v1/profiles/me", { method: "PATCH", token: owner.accessToken, body: { videoId: id } }));
    expect(mine).toMatchObject({ videoId: id, video: null });
    expect((await ok(api(`/v1/profiles/${owner.id}`, { token: viewer.accessToken }))).video).toBeNull();
    await approve(id);
    const seen = await ok(api(`/v1/profiles/${owner.id}`, { token: viewer.accessToken }));
    expect(seen.video).toMatchObject({ id, title: "Hello, I am Owner", status: "approved" });
    expect(seen.videoId).toBeUndefined();
    expect((await ok(api(`/v1/profiles/${owner.id}`))).video).toMatchObject({ id });
    // Someone else's video: 404, as for one that does not exist; bad ids are 400.
    await expectProblem(await api("/v1/profiles/me", { method: "PATCH", token: stranger.accessToken, body: { videoId: id } }), 404);
    await expectProblem(await api("/v1/profiles/me", { method: "PATCH", token: stranger.accessToken, body: { videoId: 5 } }), 400, "invalid_body");
    expect((await ok(api("/v1/profiles/me", { method: "PATCH", token: owner.accessToken, body: { videoId: null } }))).video).toBeNull();
  });
});

describe("a vacancy's video", () => {
  it("is the editing member's own video, shown on the vacancy once approved; members see the id set", async () => {
    const [owner, applicant] = [await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    const { id } = await videoInModeration(owner, { title: "Our team" });
    const draft = await createVacancy(owner, company.id, { videoId: id } as never);
    expect(draft.videoId).toBe(id);
    await publishVacancy(owner, draft.id);
    const before = await ok(api(`/v1/vacancies/${draft.id}`, { token: applicant.accessToken }));
    expect(before.video).toBeNull();
    expect(before.videoId).toBeUndefined();
    await approve(id);
    expect((await ok(api(`/v1/vacancies/${draft.id}`))).video).toMatchObject({ id, title: "Our team" });
    expect((await ok(api(`/v1/vacancies/${draft.id}`, { token: owner.accessToken }))).videoId).toBe(id);
    const { id: othersVideo } = await videoInModeration(applicant);
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { method: "PATCH", token: owner.accessToken, body: { videoId: othersVideo } }), 404);
    expect((await ok(api(`/v1/vacancies/${draft.id}`, { method: "PATCH", token: owner.accessToken, body: { videoId: null } }))).videoId).toBeNull();
    expect((await ok(api(`/v1/vacancies/${draft.id}`))).video).toBeNull();
  });
});
