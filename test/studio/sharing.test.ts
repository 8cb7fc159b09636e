import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser, uniqueIp } from "../helpers";
import { fetchContent } from "../media/fixtures";
import { insertAssetRow, studioOwner, uploadAsset } from "./fixtures";

afterEach(() => clock.reset());

async function share(token: string, projectId: string, body: Record<string, unknown> = {}) {
  const response = await api(`/v1/studio/projects/${projectId}/shares`, { token, body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as { id: string; token: string; url: string; pageUrl: string; expiresAt: string | null };
}

const comment = (token: string, boxId: string, body: unknown, ip = uniqueIp()) => api(`/v1/studio/shared/${token}/boxes/${boxId}/comments`, { body, ip });

describe("share links", () => {
  it("give read-only access without an account: boxes in order, completed assets with signed URLs", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const { asset } = await uploadAsset(user, boxes[1]!.id);
    await insertAssetRow({ boxId: boxes[1]!.id, ownerId: user.id, status: "pending", prompt: "not yet" });
    await api(`/v1/studio/projects/${project.id}/boxes/order`, { method: "PUT", token: user.accessToken, body: { boxIds: [boxes[1]!.id, boxes[0]!.id] } });
    const link = await share(user.accessToken, project.id);
    expect(link.token.length).toBeGreaterThanOrEqual(22);
    expect(link.expiresAt).toBeNull();
    expect(new URL(link.url).pathname).toBe(`/v1/studio/shared/${link.token}`);
    expect(new URL(link.pageUrl).pathname).toBe(`/studio/shared/${link.token}`);

    const view = await json(await api(`/v1/studio/shared/${link.token}`));
    expect(view.project).toEqual({ id: project.id, name: project.name });
    expect(view.boxes.map((box: any) => box.id)).toEqual([boxes[1]!.id, boxes[0]!.id]);
    expect(view.boxes[0].assets).toEqual([expect.objectContaining({ id: asset.id, type: "image", thumbnailUrl: null })]);
    expect(view.boxes[1].assets).toEqual([]);
    const content = await fetchContent(view.boxes[0].assets[0].url);
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("image/png");
    await content.arrayBuffer();
    expect(new Date(view.urlsExpireAt).getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    // The token itself is not stored.
    const { env } = await import("cloudflare:workers");
    const stored = await env.DB.prepare("SELECT token_hash FROM studio_share_links WHERE project_id = ?").bind(project.id).first<{ token_hash: string }>();
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(link.token);
  });

  it("an expired link answers 410 and revoking answers 404 at once", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const expiring = await share(user.accessToken, project.id, { expiresInSeconds: 60 });
    expect(new Date(expiring.expiresAt!).getTime()).toBeGreaterThan(Date.now());
    expect((await api(`/v1/studio/shared/${expiring.token}`)).status).toBe(200);
    clock.advance(61_000);
    await expectProblem(await api(`/v1/studio/shared/${expiring.token}`), 410, "share_expired");
    await expectProblem(await comment(expiring.token, boxes[0]!.id, { authorName: "Ann", text: "late" }), 410, "share_expired");
    clock.reset();

    const lasting = await share(user.accessToken, project.id);
    const stranger = await registerUser();
    await expectProblem(await api(`/v1/studio/shares/${lasting.token}`, { method: "DELETE", token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/studio/shares/${lasting.token}`, { method: "DELETE" }), 401);
    expect((await api(`/v1/studio/shares/${lasting.token}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/shared/${lasting.token}`), 404);
    await expectProblem(await comment(lasting.token, boxes[0]!.id, { authorName: "Ann", text: "hi" }), 404);
    await expectProblem(await api(`/v1/studio/shares/${lasting.token}`, { method: "DELETE", token: user.accessToken }), 404);
  });

  it("creating a link: 401 without a token, 404 for another user's project, 400 for a bad expiry; bad tokens are 400 or 404", async () => {
    const { user, project } = await studioOwner(0);
    const stranger = await registerUser();
    await expectProblem(await api(`/v1/studio/projects/${project.id}/shares`, { body: {} }), 401);
    await expectProblem(await api(`/v1/studio/projects/${project.id}/shares`, { token: stranger.accessToken, body: {} }), 404);
    await expectProblem(await api(`/v1/studio/projects/${project.id}/shares`, { token: user.accessToken, body: { expiresInSeconds: 5 } }), 400, "invalid_body");
    await expectProblem(
      await api(`/v1/studio/projects/${project.id}/shares`, { token: user.accessToken, body: { expiresInSeconds: "soon" } }),
      400,
      "invalid_body",
    );
    await expectProblem(await api("/v1/studio/shared/short"), 400, "invalid_path");
    await expectProblem(await api(`/v1/studio/shared/${"A".repeat(32)}`), 404);
    await expectProblem(await api("/v1/studio/shared/%22%27%3B%20drop%20table%20x%3B--aaaaaaaaaaaa"), 400, "invalid_path");
  });

  it("the owner lists a project's links without tokens and revokes one by its id", async () => {
    const { user, project } = await studioOwner(1);
    const forever = await share(user.accessToken, project.id);
    const brief = await share(user.accessToken, project.id, { expiresInSeconds: 60 });
    const list = async () => json(await api(`/v1/studio/projects/${project.id}/shares`, { token: user.accessToken }));
    const listed = await list();
    expect(listed.items.map((link: any) => link.id)).toEqual([brief.id, forever.id]);
    expect(listed.items[0]).toEqual({ id: brief.id, expiresAt: brief.expiresAt, expired: false, createdAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(forever.token);
    clock.advance(61_000);
    expect((await list()).items[0].expired).toBe(true);
    clock.reset();

    const stranger = await registerUser();
    await expectProblem(await api(`/v1/studio/projects/${project.id}/shares`, { token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/studio/projects/${project.id}/shares`), 401);
    await expectProblem(await api(`/v1/studio/shares/${forever.id}`, { method: "DELETE", token: stranger.accessToken }), 404);
    expect((await api(`/v1/studio/shares/${forever.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/shared/${forever.token}`), 404);
    expect((await list()).items.map((link: any) => link.id)).toEqual([brief.id]);
  });

  it("deleting the project ends its links", async () => {
    const { user, project } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    expect((await api(`/v1/studio/projects/${project.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/shared/${link.token}`), 404);
  });
});

describe("comments", () => {
  it("visitors comment through a link; the owner sees them, comments too, and marks them read", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const [box, other] = boxes as [any, any];
    const link = await share(user.accessToken, project.id);
    const first = await json(await comment(link.token, box.id, { authorName: " Ann ", text: "Love the light" }));
    expect(first).toMatchObject({ boxId: box.id, authorName: "Ann", text: "Love the light", byOwner: false });
    await comment(link.token, box.id, { authorName: "Bo", text: "Warmer?" });

    const boxesNow = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(boxesNow.items.map((b: any) => b.unreadComments)).toEqual([2, 0]);

    const own = await json(await api(`/v1/studio/boxes/${box.id}/comments`, { token: user.accessToken, body: { text: "Will do" } }));
    expect(own).toMatchObject({ authorName: user.displayName, byOwner: true });
    const listed = await json(await api(`/v1/studio/boxes/${box.id}/comments`, { token: user.accessToken }));
    expect(listed.items.map((c: any) => c.text)).toEqual(["Will do", "Warmer?", "Love the light"]);
    expect((await json(await api(`/v1/studio/boxes/${box.id}/assets`, { token: user.accessToken }))).items).toEqual([]);
    // The owner's own comment is not unread.
    expect((await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }))).items[0].unreadComments).toBe(2);

    expect((await api(`/v1/studio/boxes/${box.id}/comments/read`, { method: "POST", token: user.accessToken })).status).toBe(204);
    expect((await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }))).items[0].unreadComments).toBe(0);
    await comment(link.token, box.id, { authorName: "Ann", text: "Thanks" });
    const after = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(after.items.map((b: any) => b.unreadComments)).toEqual([1, 0]);
    // Marking an empty box read is harmless.
    expect((await api(`/v1/studio/boxes/${other.id}/comments/read`, { method: "POST", token: user.accessToken })).status).toBe(204);
  });

  it("comments are refused for boxes of other projects, malformed bodies, strangers and anonymous owners' routes", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const elsewhere = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    await expectProblem(await comment(link.token, elsewhere.boxes[0]!.id, { authorName: "Ann", text: "x" }), 404);
    await expectProblem(await comment(link.token, boxes[0]!.id, { authorName: "", text: "x" }), 400, "invalid_body");
    await expectProblem(await comment(link.token, boxes[0]!.id, { authorName: "Ann", text: "x".repeat(4001) }), 400, "invalid_body");
    await expectProblem(await comment(link.token, boxes[0]!.id, { authorName: "Ann" }), 400, "invalid_body");
    const stranger = await registerUser();
    const box = boxes[0]!.id;
    for (const [method, path, body] of [
      ["GET", `/v1/studio/boxes/${box}/comments`, undefined],
      ["POST", `/v1/studio/boxes/${box}/comments`, { text: "x" }],
      ["POST", `/v1/studio/boxes/${box}/comments/read`, undefined],
    ] as const) {
      await expectProblem(await api(path, { method, body }), 401);
      await expectProblem(await api(path, { method, body, token: stranger.accessToken }), 404);
    }
    await expectProblem(await api(`/v1/studio/boxes/${box}/comments`, { token: user.accessToken, body: { text: "" } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/boxes/${box}/comments?cursor=zz`, { token: user.accessToken }), 400, "invalid_cursor");
  });

  it("comments through a link are rate limited per IP and per link", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    const box = boxes[0]!.id;
    // RATE_LIMIT_STUDIO_COMMENTS_PER_IP is 20/600 by default: one address, the 21st is refused.
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) expect((await comment(link.token, box, { authorName: "Ann", text: `n${i}` }, ip)).status).toBe(201);
    const refused = await comment(link.token, box, { authorName: "Ann", text: "one more" }, ip);
    await expectProblem(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same link from many addresses: 60/3600 per link, so 40 more pass and then it stops.
    for (let i = 0; i < 40; i++) expect((await comment(link.token, box, { authorName: "Bo", text: `m${i}` })).status).toBe(201);
    await expectProblem(await comment(link.token, box, { authorName: "Bo", text: "too many" }), 429, "rate_limited");
    const listed = await json(await api(`/v1/studio/boxes/${box}/comments?limit=100`, { token: user.accessToken }));
    expect(listed.items).toHaveLength(60);
  });
});
