import { describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { expectProblem, login } from "../helpers";
import { uniquePng, uploadFile } from "../media/fixtures";
import { api, ok, registerUser } from "./fixtures";

describe("GET, PATCH /v1/profiles/me", () => {
  it("edits headline, bio, tags, location, links and avatar; tags are normalised and deduplicated", async () => {
    const user = await registerUser();
    const empty = await ok(api("/v1/profiles/me", { token: user.accessToken }));
    expect(empty).toMatchObject({ userId: user.id, headline: "", tags: [], location: null, links: [], followerCount: 0, viewCount: 0, followedByMe: false });
    const file = await uploadFile(user, uniquePng(), { purpose: "avatar" });
    const profile = await ok(
      api("/v1/profiles/me", {
        method: "PATCH",
        token: user.accessToken,
        body: {
          headline: "  Backend engineer ",
          bio: "Go and Postgres.",
          tags: ["Go", "go", " Node JS ", "ＰＯＳＴＧＲＥＳ", "node-js"],
          location: { lat: 52.52, lng: 13.405, place: "Berlin" },
          links: [{ label: "Site", url: "https://example.com/me" }, { url: "http://blog.example.org" }],
          avatarFileId: file.id,
        },
      }),
    );
    expect(profile).toMatchObject({
      headline: "Backend engineer",
      bio: "Go and Postgres.",
      tags: ["go", "node-js", "postgres"],
      location: { lat: 52.52, lng: 13.405, place: "Berlin" },
      links: [
        { label: "Site", url: "https://example.com/me" },
        { label: null, url: "http://blog.example.org/" },
      ],
    });
    expect(profile.avatarUrl).toContain(`/v1/files/${file.id}/content`);
    const cleared = await ok(api("/v1/profiles/me", { method: "PATCH", token: user.accessToken, body: { location: null } }));
    expect(cleared.location).toBeNull();
    expect(cleared.tags).toEqual(["go", "node-js", "postgres"]);
  });

  it("refuses too many tags, bad tags, unsafe links, an unknown field, no token and someone else's avatar file", async () => {
    const [user, other] = [await registerUser(), await registerUser()];
    const patch = (body: unknown, token: string | undefined = user.accessToken) => api("/v1/profiles/me", { method: "PATCH", token, body });
    await expectProblem(await patch({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400, "too_many_tags");
    await expectProblem(await patch({ tags: ["<script>"] }), 400, "invalid_tag");
    await expectProblem(await patch({ links: [{ url: "javascript:alert(1)" }] }), 400, "invalid_link");
    await expectProblem(await patch({ links: [{ url: "https://user:pw@example.com" }] }), 400, "invalid_link");
    await expectProblem(await patch({ links: [{ url: "not a url" }] }), 400, "invalid_link");
    await expectProblem(await patch({ location: { lat: 91, lng: 0, place: "x" } }), 400, "invalid_body");
    await expectProblem(await patch({ role: "admin" }), 400, "invalid_body");
    await expectProblem(await patch({}), 400, "invalid_body");
    await expectProblem(await api("/v1/profiles/me", { method: "PATCH", body: { bio: "x" } }), 401);
    await expectProblem(await api("/v1/profiles/me"), 401);
    const file = await uploadFile(other, uniquePng(), { purpose: "avatar" });
    await expectProblem(await patch({ avatarFileId: file.id }), 404);
    // 20 distinct tags after deduplication are fine
    const many = await ok(patch({ tags: [...Array.from({ length: 20 }, (_, i) => `t${i}`), "T0", "t1"] }));
    expect(many.tags).toHaveLength(20);
  });
});

describe("GET /v1/profiles/:userId", () => {
  it("is public; viewCount only for the owner; one counted view per viewer per day", async () => {
    const [owner, viewer, other] = [await registerUser(), await registerUser(), await registerUser()];
    await ok(api("/v1/profiles/me", { method: "PATCH", token: owner.accessToken, body: { headline: "Hi" } }));
    const anonymous = await ok(api(`/v1/profiles/${owner.id}`));
    expect(anonymous.headline).toBe("Hi");
    expect(anonymous).not.toHaveProperty("viewCount");
    const seen = await ok(api(`/v1/profiles/${owner.id}`, { token: viewer.accessToken }));
    expect(seen).not.toHaveProperty("viewCount");
    await Promise.all(Array.from({ length: 5 }, () => api(`/v1/profiles/${owner.id}`, { token: viewer.accessToken })));
    await ok(api(`/v1/profiles/${owner.id}`, { token: other.accessToken }));
    await ok(api(`/v1/profiles/${owner.id}`, { token: owner.accessToken }));
    expect((await ok(api("/v1/profiles/me", { token: owner.accessToken }))).viewCount).toBe(2);
    clock.advance(86_400_000);
    try {
      // a day later the access tokens have expired: sign in again
      const [viewerToken, ownerToken] = await Promise.all([viewer, owner].map(async (u) => (await ok(login(u))).accessToken as string));
      await ok(api(`/v1/profiles/${owner.id}`, { token: viewerToken }));
      await ok(api(`/v1/profiles/${owner.id}`, { token: viewerToken }));
      expect((await ok(api(`/v1/profiles/${owner.id}`, { token: ownerToken }))).viewCount).toBe(3);
    } finally {
      clock.reset();
    }
  });

  it("an unknown user is 404; a bad token is 401", async () => {
    await expectProblem(await api("/v1/profiles/00000000-0000-7000-8000-000000000000"), 404);
    const user = await registerUser();
    await expectProblem(await api(`/v1/profiles/${user.id}`, { token: "not-a-token" }), 401);
  });
});

describe("PUT, DELETE /v1/profiles/:userId/follow", () => {
  it("counts stay exact under concurrent follows and unfollows; repeating is harmless", async () => {
    const star = await registerUser();
    const fans = await Promise.all(Array.from({ length: 6 }, () => registerUser()));
    await Promise.all(fans.flatMap((fan) => [1, 2, 3].map(() => api(`/v1/profiles/${star.id}/follow`, { method: "PUT", token: fan.accessToken }))));
    const followed = await ok(api(`/v1/profiles/${star.id}`, { token: fans[0]!.accessToken }));
    expect(followed.followerCount).toBe(6);
    expect(followed.followedByMe).toBe(true);
    expect((await ok(api("/v1/profiles/me", { token: fans[1]!.accessToken }))).followingCount).toBe(1);
    await Promise.all(fans.slice(0, 3).flatMap((fan) => [1, 2].map(() => api(`/v1/profiles/${star.id}/follow`, { method: "DELETE", token: fan.accessToken }))));
    const after = await ok(api(`/v1/profiles/${star.id}/follow`, { method: "DELETE", token: fans[0]!.accessToken }));
    expect(after.followerCount).toBe(3);
    expect(after.followedByMe).toBe(false);
    expect((await ok(api("/v1/profiles/me", { token: fans[0]!.accessToken }))).followingCount).toBe(0);
  });

  it("lists followers and following newest first in pages", async () => {
    const star = await registerUser();
    const fans = [];
    for (let i = 0; i < 3; i++) {
      const fan = await registerUser();
      fans.push(fan);
      await ok(api(`/v1/profiles/${star.id}/follow`, { method: "PUT", token: fan.accessToken }));
      clock.advance(1000);
    }
    clock.reset();
    const first = await ok(api(`/v1/profiles/${star.id}/followers?limit=2`));
    expect(first.items.map((i: { userId: string }) => i.userId)).toEqual([fans[2]!.id, fans[1]!.id]);
    const second = await ok(api(`/v1/profiles/${star.id}/followers?limit=2&cursor=${first.nextCursor}`));
    expect(second.items.map((i: { userId: string }) => i.userId)).toEqual([fans[0]!.id]);
    expect(second.nextCursor).toBeNull();
    const following = await ok(api(`/v1/profiles/${fans[0]!.id}/following`));
    expect(following.items.map((i: { userId: string }) => i.userId)).toEqual([star.id]);
    await expectProblem(await api(`/v1/profiles/${star.id}/followers?cursor=garbage`), 400, "invalid_cursor");
    await expectProblem(await api(`/v1/profiles/00000000-0000-7000-8000-000000000000/following`), 404);
    await expectProblem(await api(`/v1/profiles/00000000-0000-7000-8000-000000000000/followers`), 404);
    await expectProblem(await api(`/v1/profiles/${star.id}/followers`, { token: "not-a-token" }), 401);
    await expectProblem(await api(`/v1/profiles/${star.id}/following?limit=0`), 400);
  });

  it("following yourself is 400, an unknown user 404, no token 401", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/profiles/${user.id}/follow`, { method: "PUT", token: user.accessToken }), 400, "cannot_follow_self");
    await expectProblem(await api("/v1/profiles/00000000-0000-7000-8000-000000000000/follow", { method: "PUT", token: user.accessToken }), 404);
    await expectProblem(await api(`/v1/profiles/${user.id}/follow`, { method: "PUT" }), 401);
    await expectProblem(await api(`/v1/profiles/${user.id}/follow`, { method: "DELETE" }), 401);
    await expectProblem(await api("/v1/profiles/00000000-0000-7000-8000-000000000000/follow", { method: "DELETE", token: user.accessToken }), 404);
  });
});

describe("GET /v1/profiles/me/views", () => {
  it("shows the owner who viewed, one entry per viewer and day, newest day first, in pages", async () => {
    const [owner, first, second] = [await registerUser(), await registerUser(), await registerUser()];
    await ok(api("/v1/profiles/me", { method: "PATCH", token: second.accessToken, body: { headline: "Recruiter at Spree" } }));
    await ok(api(`/v1/profiles/${owner.id}`, { token: first.accessToken }));
    await ok(api(`/v1/profiles/${owner.id}`, { token: first.accessToken }));
    await ok(api(`/v1/profiles/${owner.id}`));
    await ok(api(`/v1/profiles/${owner.id}`, { token: owner.accessToken }));
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    clock.advance(86_400_000);
    try {
      const secondToken = (await ok(login(second))).accessToken as string;
      const ownerToken = (await ok(login(owner))).accessToken as string;
      await ok(api(`/v1/profiles/${owner.id}`, { token: secondToken }));
      const tomorrow = new Date(clock.now()).toISOString().slice(0, 10);
      const page = await ok(api("/v1/profiles/me/views?limit=1", { token: ownerToken }));
      expect(page.items).toEqual([{ userId: second.id, displayName: expect.any(String), avatarUrl: null, headline: "Recruiter at Spree", day: tomorrow }]);
      const rest = await ok(api(`/v1/profiles/me/views?limit=5&cursor=${page.nextCursor}`, { token: ownerToken }));
      expect(rest.items.map((i: { userId: string; day: string }) => [i.userId, i.day])).toEqual([[first.id, today]]);
      expect(rest.nextCursor).toBeNull();
      // the viewers see only their own list
      expect((await ok(api("/v1/profiles/me/views", { token: secondToken }))).items).toEqual([]);
      await expectProblem(await api("/v1/profiles/me/views?cursor=garbage", { token: ownerToken }), 400, "invalid_cursor");
      await expectProblem(await api("/v1/profiles/me/views?limit=0", { token: ownerToken }), 400);
    } finally {
      clock.reset();
    }
    await expectProblem(await api("/v1/profiles/me/views"), 401);
  });
});
