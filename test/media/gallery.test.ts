import { env } from "cloudflare:workers";
import { imageSize } from "image-size";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { fetchContent, samples, uniquePng, uploadFile } from "./fixtures";
import { makeModerator } from "../kit/users";

async function publish(user: TestUser, body: Record<string, unknown> = {}) {
  const file = await uploadFile(user, uniquePng());
  const response = await api("/v1/images", { token: user.accessToken, body: { fileId: file.id, title: "Sunset", ...body } });
  expect(response.status, await response.clone().text()).toBe(201);
  return { file, image: await json(response) };
}

describe("POST /v1/images", () => {
  it("publishes an own image file; the file becomes public", async () => {
    const user = await registerUser();
    const { file, image } = await publish(user, { description: "Over the sea", tags: ["Sea", " sunset ", "sea"] });
    expect(image).toMatchObject({
      owner: { id: user.id, displayName: user.displayName },
      title: "Sunset",
      description: "Over the sea",
      tags: ["sea", "sunset"],
      width: 40,
      height: 30,
      likeCount: 0,
      likedByMe: false,
      file: { id: file.id, visibility: "public" },
    });
    const content = await fetchContent(`/v1/files/${file.id}/content`);
    expect(content.status).toBe(200);
    await content.arrayBuffer();
  });

  it("offers its resized variants at the widths they really have, smallest first, served without a token", async () => {
    const user = await registerUser();
    const { file, image } = await publish(user);
    const path = `/v1/files/${file.id}/content`;
    expect(image.variants).toEqual([
      { width: 32, height: 24, url: `${path}?width=32` },
      { width: 40, height: 30, url: `${path}?width=64` },
    ]);
    const large = await uploadFile(user, samples.largeJpeg, { purpose: "image" });
    const published = await json(await api("/v1/images", { token: user.accessToken, body: { fileId: large.id, title: "View" } }));
    expect(published.variants.map((v: { width: number; height: number }) => [v.width, v.height])).toEqual([
      [32, 21],
      [64, 43],
      [128, 85],
      [256, 171],
      [512, 341],
      [1024, 683],
      [1200, 800],
    ]);
    for (const variant of [published.variants[3], published.variants[6]]) {
      const served = await fetchContent(variant.url);
      expect(served.status).toBe(200);
      const bytes = new Uint8Array(await served.arrayBuffer());
      expect(imageSize(bytes).width).toBe(variant.width);
    }
  });

  it("refuses another user's file (404), a non-image purpose (400), a second publication (409)", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    await expectProblem(await api("/v1/images", { token: bob.accessToken, body: { fileId: file.id, title: "Mine" } }), 404);
    const pdf = await uploadFile(alice, samples.pdf, { purpose: "attachment" });
    await expectProblem(await api("/v1/images", { token: alice.accessToken, body: { fileId: pdf.id, title: "Doc" } }), 400, "invalid_file");
    expect((await api("/v1/images", { token: alice.accessToken, body: { fileId: file.id, title: "Once" } })).status).toBe(201);
    await expectProblem(await api("/v1/images", { token: alice.accessToken, body: { fileId: file.id, title: "Twice" } }), 409, "already_published");
  });

  it("401 without a token, 400 for a malformed body", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/images", { body: { fileId: "x", title: "t" } }), 401);
    await expectProblem(await api("/v1/images", { token: user.accessToken, body: { fileId: "x" } }), 400, "invalid_body");
    await expectProblem(
      await api("/v1/images", { token: user.accessToken, body: { fileId: "x", title: "t", tags: ["no spaces please"] } }),
      400,
      "invalid_body",
    );
  });
});

describe("the feed and user lists", () => {
  it("the feed is newest first, by tag, in pages, without a token", async () => {
    const user = await registerUser();
    const tag = `tag${Date.now().toString(36)}`;
    const published = [];
    for (let i = 0; i < 3; i++) published.push((await publish(user, { title: `n${i}`, tags: [tag] })).image);
    await publish(user, { title: "untagged" });
    const first = await json(await api(`/v1/images/feed?tag=${tag.toUpperCase()}&limit=2`));
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([published[2].id, published[1].id]);
    const second = await json(await api(`/v1/images/feed?tag=${tag}&limit=2&cursor=${first.nextCursor}`));
    expect(second.items.map((i: { id: string }) => i.id)).toEqual([published[0].id]);
    expect(second.nextCursor).toBeNull();
    const all = await json(await api("/v1/images/feed?limit=1"));
    expect(all.items).toHaveLength(1);
    await expectProblem(await api("/v1/images/feed?limit=0"), 400);
    await expectProblem(await api("/v1/images/feed", { token: "bad" }), 401);
  });

  it("a user's images, and one image, with likedByMe for the caller", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const { image } = await publish(alice);
    await publish(bob);
    await api(`/v1/images/${image.id}/like`, { method: "PUT", token: bob.accessToken });
    const list = await json(await api(`/v1/users/${alice.id}/images`, { token: bob.accessToken }));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: image.id, likeCount: 1, likedByMe: true });
    expect(await json(await api(`/v1/images/${image.id}`))).toMatchObject({ likeCount: 1, likedByMe: false });
    await expectProblem(await api("/v1/images/nope"), 404);
    await expectProblem(await api(`/v1/images/${image.id}`, { token: "bad" }), 401);
    expect((await json(await api(`/v1/users/${bob.id}/images?limit=5`))).items).toHaveLength(1);
    await expectProblem(await api(`/v1/users/${bob.id}/images?limit=0`), 400);
    await expectProblem(await api(`/v1/users/${bob.id}/images`, { token: "bad" }), 401);
    expect((await json(await api("/v1/users/no-such-user/images"))).items).toEqual([]);
  });
});

describe("likes", () => {
  it("stay consistent under concurrent likes and repeats", async () => {
    const owner = await registerUser();
    const { image } = await publish(owner);
    const fans = await Promise.all(Array.from({ length: 8 }, () => registerUser()));
    const responses = await Promise.all(fans.flatMap((fan) => [1, 2].map(() => api(`/v1/images/${image.id}/like`, { method: "PUT", token: fan.accessToken }))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect((await json(await api(`/v1/images/${image.id}`))).likeCount).toBe(8);
    const unlikes = await Promise.all(
      fans.slice(0, 3).flatMap((fan) => [1, 2].map(() => api(`/v1/images/${image.id}/like`, { method: "DELETE", token: fan.accessToken }))),
    );
    expect(unlikes.every((r) => r.status === 200)).toBe(true);
    const after = await json(await api(`/v1/images/${image.id}`, { token: fans[0]!.accessToken }));
    expect(after).toMatchObject({ likeCount: 5, likedByMe: false });
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM image_likes WHERE image_id = ?").bind(image.id).first<{ n: number }>();
    expect(stored?.n).toBe(5);
  });

  it("likes and unlikes racing from many users leave likeCount equal to the likes stored", async () => {
    const owner = await registerUser();
    const { image } = await publish(owner);
    const fans = await Promise.all(Array.from({ length: 10 }, () => registerUser()));
    // the first five already like it; then everyone flips at once, twice over, in parallel
    await Promise.all(fans.slice(0, 5).map((fan) => api(`/v1/images/${image.id}/like`, { method: "PUT", token: fan.accessToken })));
    const flips = await Promise.all(
      fans.flatMap((fan, i) => [1, 2].map(() => api(`/v1/images/${image.id}/like`, { method: i < 5 ? "DELETE" : "PUT", token: fan.accessToken }))),
    );
    expect(flips.map((r) => r.status)).toEqual(Array(20).fill(200));
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM image_likes WHERE image_id = ?").bind(image.id).first<{ n: number }>();
    expect(stored?.n).toBe(5);
    expect((await json(await api(`/v1/images/${image.id}`))).likeCount).toBe(5);
    expect((await json(await api(`/v1/images/${image.id}`, { token: fans[0]!.accessToken }))).likedByMe).toBe(false);
    expect((await json(await api(`/v1/images/${image.id}`, { token: fans[9]!.accessToken }))).likedByMe).toBe(true);
  });

  it("401 without a token, 404 for no such image", async () => {
    const user = await registerUser();
    const { image } = await publish(user);
    await expectProblem(await api(`/v1/images/${image.id}/like`, { method: "PUT" }), 401);
    await expectProblem(await api(`/v1/images/${image.id}/like`, { method: "DELETE" }), 401);
    await expectProblem(await api("/v1/images/nope/like", { method: "PUT", token: user.accessToken }), 404);
    await expectProblem(await api("/v1/images/nope/like", { method: "DELETE", token: user.accessToken }), 404);
    // unliking what one never liked is harmless
    expect(await json(await api(`/v1/images/${image.id}/like`, { method: "DELETE", token: user.accessToken }))).toMatchObject({
      id: image.id,
      likeCount: 0,
      likedByMe: false,
    });
  });
});

describe("DELETE /v1/images/:id", () => {
  it("the owner removes an image; its file is private again", async () => {
    const user = await registerUser();
    const { file, image } = await publish(user);
    expect((await api(`/v1/images/${image.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/images/${image.id}`), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`), 401);
  });

  it("a moderator removes anyone's image; another user may not (403); no token 401", async () => {
    const [alice, bob, moderator] = [await registerUser(), await registerUser(), await registerUser()];
    await makeModerator(moderator);
    const { image } = await publish(alice);
    await expectProblem(await api(`/v1/images/${image.id}`, { method: "DELETE", token: bob.accessToken }), 403);
    await expectProblem(await api(`/v1/images/${image.id}`, { method: "DELETE" }), 401);
    expect((await api(`/v1/images/${image.id}`, { method: "DELETE", token: moderator.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/images/${image.id}`, { method: "DELETE", token: moderator.accessToken }), 404);
  });
});

describe("PATCH /v1/images/:id", () => {
  const edit = (user: TestUser | null, id: string, body: Record<string, unknown>) =>
    api(`/v1/images/${id}`, { method: "PATCH", token: user?.accessToken, body });

  it("the owner changes title, description and tags; only the given fields change", async () => {
    const user = await registerUser();
    const tag = `edit${Date.now().toString(36)}`;
    const { image } = await publish(user, { description: "Old", tags: ["before"] });
    const edited = await json(await edit(user, image.id, { title: "Dawn", tags: [tag, "Sky"] }));
    expect(edited).toMatchObject({ id: image.id, title: "Dawn", description: "Old", tags: [tag, "sky"], visibility: "public" });
    expect((await json(await api(`/v1/images/feed?tag=${tag}`))).items.map((i: { id: string }) => i.id)).toEqual([image.id]);
    expect((await json(await api("/v1/images/feed?tag=before"))).items.map((i: { id: string }) => i.id)).not.toContain(image.id);
    expect(await json(await edit(user, image.id, { description: "  " }))).toMatchObject({ title: "Dawn", description: null });
  });

  it("private: gone from the feed, the user's list and its page for everyone but the owner; its file private too; public again brings it back", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const { file, image } = await publish(alice);
    expect(await json(await edit(alice, image.id, { visibility: "private" }))).toMatchObject({ visibility: "private", file: { visibility: "private" } });
    await expectProblem(await api(`/v1/images/${image.id}`), 404);
    await expectProblem(await api(`/v1/images/${image.id}`, { token: bob.accessToken }), 404);
    await expectProblem(await api(`/v1/images/${image.id}/like`, { method: "PUT", token: bob.accessToken }), 404);
    await expectProblem(await edit(bob, image.id, { title: "Mine now" }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`), 401);
    expect((await json(await api(`/v1/users/${alice.id}/images`))).items).toEqual([]);
    expect((await json(await api("/v1/images/feed?limit=50"))).items.map((i: { id: string }) => i.id)).not.toContain(image.id);
    const ownFeed = await json(await api("/v1/images/feed?limit=50", { token: alice.accessToken }));
    expect(ownFeed.items.map((i: { id: string }) => i.id)).not.toContain(image.id);
    const own = await json(await api(`/v1/users/${alice.id}/images`, { token: alice.accessToken }));
    expect(own.items.map((i: { id: string }) => i.id)).toEqual([image.id]);
    expect(await json(await api(`/v1/images/${image.id}`, { token: alice.accessToken }))).toMatchObject({ visibility: "private" });

    expect(await json(await edit(alice, image.id, { visibility: "public" }))).toMatchObject({ visibility: "public", file: { visibility: "public" } });
    expect((await api(`/v1/images/${image.id}`)).status).toBe(200);
    expect((await fetchContent(`/v1/files/${file.id}/content`)).status).toBe(200);
  });

  it("someone else's public image 403, no token 401, a malformed body 400, no such image 404", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const { image } = await publish(alice);
    await expectProblem(await edit(bob, image.id, { title: "Mine now" }), 403);
    await expectProblem(await edit(null, image.id, { title: "x" }), 401);
    await expectProblem(await edit(alice, image.id, { title: "" }), 400, "invalid_body");
    await expectProblem(await edit(alice, image.id, { visibility: "friends" }), 400, "invalid_body");
    await expectProblem(await edit(alice, image.id, { tags: ["no spaces please"] }), 400, "invalid_body");
    await expectProblem(await edit(alice, "nope", { title: "x" }), 404);
    expect(await json(await api(`/v1/images/${image.id}`))).toMatchObject({ title: "Sunset" });
  });
});
