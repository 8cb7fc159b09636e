import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QueuedJob } from "../../shared/env";
import { requestModerationHint, runModerationHint } from "../../shared/moderation-hints/hints";
import worker from "../../workers/index";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { auditDetails } from "../kit/audit";
import { heldQueue, testDeps } from "../kit/deps";
import { uniquePng, uploadFile } from "../media/fixtures";
import { moderator, videoInModeration } from "../video/fixtures";

/** Runs the JOBS consumer (or its dead-letter consumer) on one `moderation.hint` message. */
async function runHintJob(subjectKind: "image" | "video", subjectId: string, queue = "edge-platform-jobs"): Promise<void> {
  const batch = createMessageBatch<QueuedJob>(queue, [
    { id: `hint-${subjectKind}-${subjectId}-${Math.random()}`, timestamp: new Date(), attempts: 1, body: { kind: "moderation.hint", subjectKind, subjectId } },
  ]);
  await worker.queue(batch, env, createExecutionContext());
}

async function publishPicture(user: TestUser, name: string, title: string) {
  const file = await uploadFile(user, uniquePng(), { name });
  const response = await api("/v1/images", { token: user.accessToken, body: { fileId: file.id, title } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json(response)) as { id: string };
}

const hintOf = (kind: string, id: string, user: TestUser) => api(`/v1/moderation/hints/${kind}/${id}`, { token: user.accessToken });

describe("GET /v1/moderation/hints/{subject}/{id}", () => {
  it("a published picture gets an advisory hint from the development model: the same upload words, the same hint", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const first = await publishPicture(owner, "beach-party.png", "Beach party");
    const second = await publishPicture(owner, "beach-party.png", "Beach party");
    const pending = await json(await hintOf("image", first.id, mod));
    expect(pending).toMatchObject({ model: "dev-text" });
    expect(["pending", "completed"]).toContain(pending.status);

    await runHintJob("image", first.id);
    await runHintJob("image", second.id);
    const hint = await json(await hintOf("image", first.id, mod));
    expect(hint, JSON.stringify(hint)).toMatchObject({ status: "completed", error: null, model: "dev-text" });
    expect(hint.labels).toEqual(EXPECTED_PICTURE_HINT.labels);
    expect(hint.reason).toBe(EXPECTED_PICTURE_HINT.reason);
    // strongest first
    const confidences = hint.labels.map((l: { confidence: number }) => l.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    // deterministic: the same words, the same hint
    const again = await json(await hintOf("image", second.id, mod));
    expect({ labels: again.labels, reason: again.reason }).toEqual({ labels: hint.labels, reason: hint.reason });

    // a repeated job (the queue redelivers) changes nothing
    await runHintJob("image", first.id);
    expect(await json(await hintOf("image", first.id, mod))).toEqual(hint);
  });

  it("a video entering the moderation queue gets a hint, shown beside it in the queue", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const { id } = await videoInModeration(owner, { title: "Cooking pasta at home" });
    await runHintJob("video", id);
    const hint = await json(await hintOf("video", id, mod));
    expect(hint).toMatchObject({ status: "completed", model: "dev-text" });
    expect(hint.labels.length).toBeGreaterThan(0);

    const queue = await json(await api("/v1/moderation/videos?limit=100", { token: mod.accessToken }));
    const item = queue.items.find((v: { id: string }) => v.id === id);
    expect(item?.aiHint).toEqual(hint);
  });

  it("refuses no token (401), non-moderators (403), a bad subject (400), an item without a hint (404)", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const picture = await publishPicture(owner, "cat.png", "Cat");
    await expectProblem(await api(`/v1/moderation/hints/image/${picture.id}`), 401);
    await expectProblem(await hintOf("image", picture.id, owner), 403);
    await expectProblem(await hintOf("sound", picture.id, mod), 400);
    await expectProblem(await hintOf("image", "00000000-0000-7000-8000-000000000000", mod), 404);
    await expectProblem(await hintOf("video", picture.id, mod), 404);
  });
});

describe("the moderation.hint job", () => {
  it("records why there is no hint when the model does not exist, and leaves the failure alone on a retry", async () => {
    const owner = await registerUser();
    const deps = testDeps({ vars: { MODERATION_HINT_MODEL: "no-such-model" }, queue: heldQueue() });
    const id = `hint-test-${crypto.randomUUID()}`;
    await requestModerationHint(deps, { kind: "image", id, ownerId: owner.id, title: "Anything", description: null });
    await runModerationHint(deps, "image", id);
    const mod = await moderator();
    const failed = await json(await hintOf("image", id, mod));
    expect(failed).toMatchObject({ status: "failed", labels: [], reason: null, model: "no-such-model" });
    expect(failed.error).toMatch(/^model_not_found: /);
    await runModerationHint(deps, "image", id);
    expect(await json(await hintOf("image", id, mod))).toEqual(failed);
  });

  it("a hint whose retries ran out is recorded as failed by the dead-letter consumer", async () => {
    const owner = await registerUser();
    const deps = testDeps({ vars: { MODERATION_HINT_MODEL: "dev-text" }, queue: heldQueue() });
    const id = `hint-test-${crypto.randomUUID()}`;
    await requestModerationHint(deps, { kind: "video", id, ownerId: owner.id, title: "Anything", description: null });
    await runHintJob("video", id, "edge-platform-jobs-dlq");
    const hint = await json(await hintOf("video", id, await moderator()));
    expect(hint).toMatchObject({ status: "failed", error: expect.stringMatching(/^provider_unavailable: /) });
  });

  it("asks nothing when hints are off (MODERATION_HINT_MODEL empty)", async () => {
    const owner = await registerUser();
    const deps = testDeps({ vars: { MODERATION_HINT_MODEL: "" } });
    const id = `hint-test-${crypto.randomUUID()}`;
    await requestModerationHint(deps, { kind: "image", id, ownerId: owner.id, title: "Anything", description: null });
    await expectProblem(await hintOf("image", id, await moderator()), 404);
  });
});

describe("GET /v1/moderation/pictures", () => {
  it("lists gallery pictures newest first with their hints, for moderators only", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const picture = await publishPicture(owner, "flowers.png", "Flowers");
    await runHintJob("image", picture.id);
    const page = await json(await api("/v1/moderation/pictures?limit=5", { token: mod.accessToken }));
    expect(page.items[0]).toMatchObject({ id: picture.id, title: "Flowers", aiHint: { status: "completed" } });
    await expectProblem(await api("/v1/moderation/pictures", { token: owner.accessToken }), 403);
    await expectProblem(await api("/v1/moderation/pictures"), 401);
    await expectProblem(await api("/v1/moderation/pictures?limit=0", { token: mod.accessToken }), 400);
  });
});

const keep = (kind: string, id: string, token?: string) => api(`/v1/moderation/hints/${kind}/${id}/keep`, { method: "POST", token });
const openPictureIds = async (mod: TestUser) =>
  (await json(await api("/v1/moderation/pictures?hint=open&limit=100", { token: mod.accessToken }))).items.map((i: { id: string }) => i.id);

describe("POST /v1/moderation/hints/{subject}/{id}/keep", () => {
  it("keeps a flagged picture: the hint is kept, leaves the open hints, an audit event names the moderator, the picture stays", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    // The development model flags what the uploader's words name: here spam, wrongly.
    const flagged = await publishPicture(owner, "beach-party.png", "Beach party, not spam");
    // its twin (the same words, so the same flagged hint) stays open
    const twin = await publishPicture(owner, "beach-party.png", "Beach party, not spam");
    await runHintJob("image", flagged.id);
    await runHintJob("image", twin.id);
    expect(await openPictureIds(mod)).toEqual(expect.arrayContaining([flagged.id, twin.id]));

    const response = await keep("image", flagged.id, mod.accessToken);
    expect(response.status, await response.clone().text()).toBe(200);
    const kept = await json(response);
    expect(kept).toMatchObject({ status: "kept", labels: [{ label: "spam", confidence: expect.any(Number) }], reason: "Beach party, not spam" });
    expect(await json(await hintOf("image", flagged.id, mod))).toEqual(kept);

    const open = await openPictureIds(mod);
    expect(open).not.toContain(flagged.id);
    expect(open).toContain(twin.id);
    // the full list still shows it, with the kept hint
    const all = await json(await api("/v1/moderation/pictures?limit=100", { token: mod.accessToken }));
    expect(all.items.find((i: { id: string }) => i.id === flagged.id)?.aiHint).toMatchObject({ status: "kept" });
    // the picture is untouched
    expect((await api(`/v1/images/${flagged.id}`, { token: owner.accessToken })).status).toBe(200);

    const events = await auditDetails(mod.id, "moderation.hint_kept");
    expect(events).toEqual([expect.objectContaining({ by: mod.id, subjectKind: "image", subjectId: flagged.id, ownerId: owner.id, label: "spam" })]);
    // keeping again answers the same and records nothing more
    expect(await json(await keep("image", flagged.id, mod.accessToken))).toEqual(kept);
    expect(await auditDetails(mod.id, "moderation.hint_kept")).toHaveLength(1);
    // a later job run (a redelivery) leaves the kept hint alone
    await runHintJob("image", flagged.id);
    expect((await json(await hintOf("image", flagged.id, mod))).status).toBe("kept");
  });

  it("keeps a video's hint the same way", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const { id } = await videoInModeration(owner, { title: "Cooking pasta at home" });
    await runHintJob("video", id);
    expect(await json(await keep("video", id, mod.accessToken))).toMatchObject({ status: "kept" });
    expect(await auditDetails(mod.id, "moderation.hint_kept")).toEqual([expect.objectContaining({ subjectKind: "video", subjectId: id })]);
    const queue = await json(await api("/v1/moderation/videos?limit=100", { token: mod.accessToken }));
    expect(queue.items.find((v: { id: string }) => v.id === id)).toMatchObject({ status: "moderation", aiHint: { status: "kept" } });
  });

  it("refuses no token (401), non-moderators and one's own upload (403), no hint (404), a bad subject (400), a pending hint (409 hint_pending)", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const picture = await publishPicture(owner, "cat.png", "Cat");
    await expectProblem(await keep("image", picture.id), 401);
    await expectProblem(await keep("image", picture.id, owner.accessToken), 403);
    await expectProblem(await keep("sound", picture.id, mod.accessToken), 400);
    await expectProblem(await keep("image", "00000000-0000-7000-8000-000000000000", mod.accessToken), 404);
    // pending: asked through a held queue, so no consumer answers it meanwhile
    const pendingId = `hint-test-${crypto.randomUUID()}`;
    await requestModerationHint(testDeps({ vars: { MODERATION_HINT_MODEL: "dev-text" }, queue: heldQueue() }), {
      kind: "image",
      id: pendingId,
      ownerId: owner.id,
      title: "Still looking",
      description: null,
    });
    await expectProblem(await keep("image", pendingId, mod.accessToken), 409, "hint_pending");
    const own = await publishPicture(mod, "dog.png", "Dog");
    await runHintJob("image", own.id);
    await expectProblem(await keep("image", own.id, mod.accessToken), 403);
    await expectProblem(await api("/v1/moderation/pictures?hint=closed", { token: mod.accessToken }), 400);
    expect(await auditDetails(mod.id, "moderation.hint_kept")).toEqual([]);
  });
});

/**
 * What the development model answers for a picture named beach-party.png titled "Beach party" (it
 * derives its JSON from the prompt alone): the first label, as the uploader's words name none, and
 * their title as the reason.
 */
const EXPECTED_PICTURE_HINT = {
  labels: [{ label: "ok", confidence: 0.25 }],
  reason: "Beach party",
};
