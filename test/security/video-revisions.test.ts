import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { uniquePng, uploadFile } from "../media/fixtures";
import { approvedVideo, auditOf, hostedDetails, moderator, videoInModeration } from "../video/fixtures";

const patch = (user: TestUser, id: string, body: unknown) => api(`/v1/videos/${id}`, { method: "PATCH", token: user.accessToken, body });
const publicView = async (id: string) => json(await api(`/v1/videos/${id}`));
const decide = (user: TestUser | null, id: string, decision: "approve" | "reject", body: unknown) =>
  api(`/v1/videos/${id}/revision/${decision}`, { token: user?.accessToken, body });

async function editedAfterApproval() {
  const owner = await registerUser();
  const { id, uid, moderator: mod } = await approvedVideo(owner, { title: "Approved title", description: "Approved text", tags: ["cats"] });
  const file = await uploadFile(owner, uniquePng(3000), { purpose: "video-thumbnail" });
  const response = await patch(owner, id, {
    title: "Buy pills",
    description: "spam link",
    tags: ["pills"],
    thumbnailFileId: file.id,
    thumbnailTimestampPct: 0.5,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return { owner, id, uid, mod, file, edited: await json(response) };
}

describe("video edits after approval wait for a moderator as a revision", () => {
  it("everyone else keeps seeing the approved title, description, tags and thumbnail; the owner sees the pending revision", async () => {
    const { owner, id, uid, file, edited } = await editedAfterApproval();
    const seen = await publicView(id);
    expect(seen).toMatchObject({ title: "Approved title", description: "Approved text", tags: ["cats"], status: "approved" });
    expect(seen.thumbnailUrl).not.toContain(file.id);
    expect(seen.revision).toBeUndefined();
    const listed = await json(await api(`/v1/videos?ownerId=${owner.id}`));
    expect(listed.items[0]).toMatchObject({ id, title: "Approved title" });
    expect(listed.items[0].revision).toBeUndefined();
    expect((await json(await api(`/v1/videos?tag=pills&ownerId=${owner.id}`))).items).toEqual([]);
    // Stream still shows the approved frame.
    expect((await hostedDetails(uid)).thumbnailTimestampPct ?? 0).not.toBe(0.5);

    expect(edited).toMatchObject({
      title: "Approved title",
      revision: { title: "Buy pills", description: "spam link", tags: ["pills"], thumbnailFileId: file.id, thumbnailTimestampPct: 0.5 },
    });
    expect(typeof edited.revision.id).toBe("string");
    const own = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(own.revision).toEqual(edited.revision);
  });

  it("the revision goes to the moderation queue; a moderator's approval of that revision shows it everywhere", async () => {
    const { id, uid, mod, file, edited } = await editedAfterApproval();
    const queue = await json(await api("/v1/moderation/videos?revision=true&limit=100", { token: mod.accessToken }));
    expect(queue.items.find((v: { id: string }) => v.id === id)?.revision).toEqual(edited.revision);
    const approved = await decide(mod, id, "approve", { revisionId: edited.revision.id });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect(await json(approved)).toMatchObject({ title: "Buy pills", revision: null });
    expect(await publicView(id)).toMatchObject({ title: "Buy pills", description: "spam link", tags: ["pills"], thumbnailUrl: `/v1/files/${file.id}/content` });
    expect((await hostedDetails(uid)).thumbnailTimestampPct).toBe(0.5);
    expect((await auditOf(id)).map((e) => e.type)).toContain("video.revision_approved");
  });

  it("a moderator decides the revision they saw: after another edit the old id is 409 revision_changed", async () => {
    const { owner, id, mod, edited } = await editedAfterApproval();
    const again = await json(await patch(owner, id, { title: "Something else" }));
    expect(again.revision.id).not.toBe(edited.revision.id);
    await expectProblem(await decide(mod, id, "approve", { revisionId: edited.revision.id }), 409, "revision_changed");
    expect((await publicView(id)).title).toBe("Approved title");
  });

  it("a rejected revision leaves the approved version, and the owner sees why", async () => {
    const { owner, id, mod, edited } = await editedAfterApproval();
    const rejected = await decide(mod, id, "reject", { revisionId: edited.revision.id, reason: "misleading title" });
    expect(rejected.status, await rejected.clone().text()).toBe(200);
    expect(await publicView(id)).toMatchObject({ title: "Approved title", tags: ["cats"] });
    const own = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(own).toMatchObject({ revision: null, revisionRejectionReason: "misleading title" });
    expect((await auditOf(id)).map((e) => e.type)).toContain("video.revision_rejected");
  });

  it("visibility settings still apply at once, and edits before approval are reviewed with the video itself", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    expect(await json(await patch(owner, id, { isPublic: false }))).toMatchObject({ isPublic: false, revision: null });
    await expectProblem(await api(`/v1/videos/${id}`), 404);
    const waiting = await videoInModeration(owner);
    expect(await json(await patch(owner, waiting.id, { title: "Before approval" }))).toMatchObject({ title: "Before approval", revision: null });
  });

  it("deciding a revision: 401 without a token, 403 for non-moderators and for one's own video, 404 for an unknown video, 409 without a revision, 400 for a bad body", async () => {
    const { owner, id, mod, edited } = await editedAfterApproval();
    const body = { revisionId: edited.revision.id };
    await expectProblem(await decide(null, id, "approve", body), 401);
    await expectProblem(await decide(await registerUser(), id, "approve", body), 403);
    await expectProblem(await decide(owner, id, "approve", body), 403);
    await expectProblem(await decide(mod, "no-such-video", "approve", body), 404);
    await expectProblem(await decide(mod, id, "approve", {}), 400, "invalid_body");
    await expectProblem(await decide(mod, id, "reject", body), 400, "invalid_body");
    const plain = await approvedVideo(await registerUser(), {}, mod);
    await expectProblem(await decide(await moderator(), plain.id, "approve", body), 409, "no_revision");
  });
});
