import { describe, expect, it } from "vitest";
import { api, expectProblem, json, openSocket, registerUser } from "../helpers";
import { auditOf, createVideo, moderator, videoInModeration } from "./fixtures";
import { makeAdmin } from "../kit/users";

describe("GET /v1/moderation/videos", () => {
  it("moderators and admins see the queue oldest first; users get 403; no token 401", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const admin = await registerUser();
    await makeAdmin(admin);
    const first = await videoInModeration(owner);
    const second = await videoInModeration(owner);
    for (const who of [mod, admin]) {
      const ids = (await collect(who.accessToken)).map((v: any) => v.id);
      expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    }
    await expectProblem(await api("/v1/moderation/videos", { token: owner.accessToken }), 403, "forbidden");
    await expectProblem(await api("/v1/moderation/videos"), 401);
    await expectProblem(await api("/v1/moderation/videos?status=bogus", { token: mod.accessToken }), 400, "invalid_query");
  });
});

async function collect(token: string, query = "") {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await json(await api(`/v1/moderation/videos?limit=100${query}${cursor ? `&cursor=${cursor}` : ""}`, { token }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("POST /v1/videos/:id/approve", () => {
  it("a moderator approves: the video is visible to everyone, audit logged with who, the owner's hub hears it", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const { id } = await videoInModeration(owner);
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    const response = await api(`/v1/videos/${id}/approve`, { method: "POST", token: mod.accessToken });
    expect(response.status).toBe(200);
    expect((await json(response)).status).toBe("approved");
    expect((await hub.next("video.updated", (f) => f.video.id === id)).video.status).toBe("approved");
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
    expect(await auditOf(id)).toContainEqual(
      expect.objectContaining({
        type: "video.status_changed",
        userId: owner.id,
        detail: expect.objectContaining({ from: "moderation", to: "approved", by: mod.id }),
      }),
    );
    hub.close();
  });

  it("nobody approves their own video, users cannot approve anyone's", async () => {
    const mod = await moderator();
    const own = await videoInModeration(mod);
    await expectProblem(await api(`/v1/videos/${own.id}/approve`, { method: "POST", token: mod.accessToken }), 403, "forbidden");
    const owner = await registerUser();
    const other = await videoInModeration(owner);
    await expectProblem(await api(`/v1/videos/${other.id}/approve`, { method: "POST", token: owner.accessToken }), 403);
    await expectProblem(await api(`/v1/videos/${other.id}/approve`, { method: "POST", token: (await registerUser()).accessToken }), 403);
    await expectProblem(await api(`/v1/videos/${other.id}/approve`, { method: "POST" }), 401);
    await expectProblem(await api(`/v1/videos/no-such-video/approve`, { method: "POST", token: mod.accessToken }), 404);
  });

  it("a video still uploading cannot be approved (409)", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}/approve`, { method: "POST", token: (await moderator()).accessToken }), 409, "invalid_status");
  });
});

describe("POST /v1/videos/:id/reject", () => {
  it("rejects with a reason the owner sees; a later approval clears it", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const { id } = await videoInModeration(owner);
    const response = await api(`/v1/videos/${id}/reject`, { method: "POST", token: mod.accessToken, body: { reason: "Contains a phone number" } });
    expect(response.status).toBe(200);
    const mine = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(mine).toMatchObject({ status: "rejected", rejectionReason: "Contains a phone number" });
    await expectProblem(await api(`/v1/videos/${id}`), 404);
    expect(await auditOf(id)).toContainEqual(
      expect.objectContaining({ detail: expect.objectContaining({ to: "rejected", by: mod.id, reason: "Contains a phone number" }) }),
    );
    const approved = await json(await api(`/v1/videos/${id}/approve`, { method: "POST", token: mod.accessToken }));
    expect(approved).toMatchObject({ status: "approved", rejectionReason: null });
  });

  it("needs a reason (400), a moderator (403), a token (401)", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const { id } = await videoInModeration(owner);
    await expectProblem(await api(`/v1/videos/${id}/reject`, { method: "POST", token: mod.accessToken, body: {} }), 400, "invalid_body");
    await expectProblem(await api(`/v1/videos/${id}/reject`, { method: "POST", token: mod.accessToken, body: { reason: " " } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/videos/${id}/reject`, { method: "POST", token: owner.accessToken, body: { reason: "mine" } }), 403);
    await expectProblem(await api(`/v1/videos/${id}/reject`, { method: "POST", body: { reason: "x" } }), 401);
    await expectProblem(await api(`/v1/videos/missing/reject`, { method: "POST", token: mod.accessToken, body: { reason: "x" } }), 404);
  });

  it("two moderators deciding at once: one decision, one audit event", async () => {
    const owner = await registerUser();
    const [a, b] = [await moderator(), await moderator()];
    const { id } = await videoInModeration(owner);
    const results = await Promise.all([
      api(`/v1/videos/${id}/approve`, { method: "POST", token: a.accessToken }),
      api(`/v1/videos/${id}/approve`, { method: "POST", token: b.accessToken }),
    ]);
    // The later one either lost the race (409) or found it approved already (a review of no reports: 200).
    expect(results.map((r) => r.status)).toContain(200);
    for (const result of results) expect([200, 409]).toContain(result.status);
    expect((await auditOf(id)).filter((e) => e.detail.to === "approved")).toHaveLength(1);
  });
});

describe("GET /v1/moderation/videos/:id/history", () => {
  it("moderators and the owner read every step with who and why, oldest first", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const { id } = await videoInModeration(owner);
    expect((await api(`/v1/videos/${id}/reject`, { method: "POST", token: mod.accessToken, body: { reason: "Blurry" } })).status).toBe(200);
    await api(`/v1/videos/${id}/approve`, { method: "POST", token: mod.accessToken });
    for (const who of [mod, owner]) {
      const { items } = await json(await api(`/v1/moderation/videos/${id}/history`, { token: who.accessToken }));
      const moves = items.filter((e: any) => e.type === "video.status_changed").map((e: any) => [e.from, e.to, e.by, e.reason]);
      expect(moves[0]!.slice(0, 2)).toEqual(["uploading", "processing"]);
      expect(moves.slice(-2)).toEqual([
        ["moderation", "rejected", mod.id, "Blurry"],
        ["rejected", "approved", mod.id, null],
      ]);
      expect(items.every((e: any) => typeof e.at === "string" && e.id)).toBe(true);
    }
  });

  it("another video's events stay out of it", async () => {
    const owner = await registerUser();
    const mod = await moderator();
    const first = await videoInModeration(owner);
    const second = await videoInModeration(owner);
    await api(`/v1/videos/${second.id}/reject`, { method: "POST", token: mod.accessToken, body: { reason: "Not this one" } });
    const { items } = await json(await api(`/v1/moderation/videos/${first.id}/history`, { token: mod.accessToken }));
    expect(items.some((e: any) => e.reason === "Not this one")).toBe(false);
  });

  it("no token 401, someone else 404, an unknown video 404, a malformed id 400", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    await expectProblem(await api(`/v1/moderation/videos/${id}/history`), 401);
    await expectProblem(await api(`/v1/moderation/videos/${id}/history`, { token: (await registerUser()).accessToken }), 404);
    const mod = await moderator();
    await expectProblem(await api("/v1/moderation/videos/nope/history", { token: mod.accessToken }), 404);
    await expectProblem(await api(`/v1/moderation/videos/${"x".repeat(300)}/history`, { token: mod.accessToken }), 400);
  });
});
