import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { uploadFile, uniquePng } from "../media/fixtures";
import { approvedVideo, auditOf, createVideo, hostedDetails, hostedVideos, moderator, putContent, streamUidOf, tinyMp4, videoInModeration } from "./fixtures";

describe("POST /v1/videos", () => {
  it("creates an uploading video and points the bytes at the Worker in local mode", async () => {
    const owner = await registerUser();
    const { video, upload } = await createVideo(owner, { title: "  First  ", tags: ["Cats", "cats", "dogs"], description: "hello", isPublic: false });
    expect(video).toMatchObject({
      ownerId: owner.id,
      title: "First",
      tags: ["cats", "dogs"],
      status: "uploading",
      isPublic: false,
      archived: false,
      viewCount: 0,
      reportCount: 0,
      rejectionReason: null,
      failureReason: null,
    });
    expect(upload).toEqual({ method: "PUT", url: `http://platform.test/v1/videos/${video.id}/content` });
  });

  it("is 401 without a token and 400 for a malformed body", async () => {
    await expectProblem(await api("/v1/videos", { body: { title: "x" } }), 401);
    const owner = await registerUser();
    await expectProblem(await api("/v1/videos", { token: owner.accessToken, body: { title: "" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/videos", { token: owner.accessToken, body: { title: "x", publishAt: "tomorrow" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/videos", { token: owner.accessToken, body: { title: "x", extra: 1 } }), 400, "invalid_body");
    await expectProblem(await api("/v1/videos", { token: owner.accessToken, body: "{not json" }), 400);
  });

  it("refuses a declared size over VIDEO_MAX_BYTES before anything is created", async () => {
    const owner = await registerUser();
    await expectProblem(await api("/v1/videos", { token: owner.accessToken, body: { title: "x", size: 10 * 1024 ** 3 } }), 413, "file_too_large");
    expect((await json(await api("/v1/me/videos", { token: owner.accessToken }))).items).toEqual([]);
  });
});

describe("PUT /v1/videos/:id/content", () => {
  it("streams an MP4 into the local Stream emulation and answers 202 processing", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    const response = await putContent(owner, video.id, tinyMp4(50_000));
    expect(response.status, await response.clone().text()).toBe(202);
    expect((await json(response)).status).toBe("processing");
    const uid = await streamUidOf(video.id);
    const hosted = await hostedDetails(uid);
    expect(hosted.size).toBe(tinyMp4(50_000).length);
    expect(hosted.requireSignedURLs).toBe(true);
    expect(hosted.meta).toEqual({ videoId: video.id });
    const audit = await auditOf(video.id);
    expect(audit).toContainEqual(
      expect.objectContaining({
        type: "video.status_changed",
        userId: owner.id,
        detail: expect.objectContaining({ from: "uploading", to: "processing", by: owner.id }),
      }),
    );
  });

  it("refuses bytes that are not MP4, MOV or WebM (415) and keeps the video uploading", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await putContent(owner, video.id, uniquePng(5000)), 415, "unsupported_media_type");
    expect((await json(await api(`/v1/videos/${video.id}`, { token: owner.accessToken }))).status).toBe("uploading");
  });

  it("accepts a second upload never (409 already_uploaded)", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    expect((await putContent(owner, video.id, tinyMp4())).status).toBe(202);
    await expectProblem(await putContent(owner, video.id, tinyMp4()), 409, "already_uploaded");
  });

  it("is 401 without a token, 404 for someone else's video, 400 for an empty body", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await putContent(null, video.id, tinyMp4()), 401);
    await expectProblem(await putContent(other, video.id, tinyMp4()), 404);
    await expectProblem(await putContent(owner, video.id, new Uint8Array(0)), 400, "body_missing");
  });
});

describe("GET /v1/videos/:id and GET /v1/me/videos", () => {
  it("the owner sees their unapproved video with its status; others get 404", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const { id } = await videoInModeration(owner);
    const seen = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(seen).toMatchObject({ status: "moderation", durationSeconds: 12.5 });
    await expectProblem(await api(`/v1/videos/${id}`, { token: other.accessToken }), 404);
    await expectProblem(await api(`/v1/videos/${id}`), 404);
    await expectProblem(await api(`/v1/videos/${id}`, { token: "garbage" }), 401);
  });

  it("lists all of the caller's videos newest first, filtered by status", async () => {
    const owner = await registerUser();
    const first = await createVideo(owner, { title: "one" });
    const second = await videoInModeration(owner, { title: "two" });
    const all = await json(await api("/v1/me/videos", { token: owner.accessToken }));
    expect(all.items.map((v: any) => v.id)).toEqual([second.id, first.video.id]);
    const waiting = await json(await api("/v1/me/videos?status=moderation", { token: owner.accessToken }));
    expect(waiting.items.map((v: any) => v.id)).toEqual([second.id]);
    await expectProblem(await api("/v1/me/videos?status=nope", { token: owner.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/me/videos"), 401);
  });
});

describe("GET /v1/videos", () => {
  it("lists visible videos newest first, by owner and tag, with cursors", async () => {
    const owner = await registerUser();
    const a = await approvedVideo(owner, { tags: ["alpha"] });
    const b = await approvedVideo(owner, { tags: ["beta"] });
    await videoInModeration(owner);
    const mine = await json(await api(`/v1/videos?ownerId=${owner.id}`));
    expect(mine.items.map((v: any) => v.id)).toEqual([b.id, a.id]);
    const page = await json(await api(`/v1/videos?ownerId=${owner.id}&limit=1`));
    expect(page.items.map((v: any) => v.id)).toEqual([b.id]);
    const next = await json(await api(`/v1/videos?ownerId=${owner.id}&limit=1&cursor=${page.nextCursor}`));
    expect(next.items.map((v: any) => v.id)).toEqual([a.id]);
    const tagged = await json(await api(`/v1/videos?ownerId=${owner.id}&tag=Alpha`));
    expect(tagged.items.map((v: any) => v.id)).toEqual([a.id]);
    await expectProblem(await api("/v1/videos?cursor=bad"), 400, "invalid_cursor");
  });

  it("searches titles: every word, any case, anywhere in the title, with a tag too; wildcards are plain text", async () => {
    const owner = await registerUser();
    const word = `harbour${Date.now().toString(36)}`;
    const boats = await approvedVideo(owner, { title: `Boats in the ${word} at dawn`, tags: ["boats"] });
    const gulls = await approvedVideo(owner, { title: `Gulls over the ${word.toUpperCase()}`, tags: ["birds"] });
    await approvedVideo(owner, { title: "Something else 100%" });
    const ids = async (query: string) => (await json(await api(`/v1/videos?ownerId=${owner.id}&${query}`))).items.map((v: { id: string }) => v.id);
    expect(await ids(`q=${word}`)).toEqual([gulls.id, boats.id]);
    expect(await ids(`q=${encodeURIComponent(`DAWN ${word}`)}`)).toEqual([boats.id]);
    expect(await ids(`q=${word}&tag=birds`)).toEqual([gulls.id]);
    expect(await ids(`q=${encodeURIComponent("% _")}`)).toHaveLength(3);
    expect(await ids("q=nothing-like-this-title")).toEqual([]);
    await expectProblem(await api(`/v1/videos?q=${"x".repeat(201)}`), 400, "invalid_query");
  });
});

describe("PATCH /v1/videos/:id", () => {
  it("edits metadata and tags (owner)", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    const response = await api(`/v1/videos/${video.id}`, {
      method: "PATCH",
      token: owner.accessToken,
      body: { title: "New", description: null, tags: ["x"], isPublic: false },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ title: "New", description: null, tags: ["x"], isPublic: false });
  });

  it("uses one of the owner's video-thumbnail files as the thumbnail, which becomes public", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    const file = await uploadFile(owner, uniquePng(3000), { purpose: "video-thumbnail" });
    const edited = await json(await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailFileId: file.id } }));
    expect(edited.thumbnailUrl).toBe(`/v1/files/${file.id}/content`);
    expect((await api(`/v1/files/${file.id}`)).status).toBe(200);
    const image = await uploadFile(owner, uniquePng(3000), { purpose: "image" });
    await expectProblem(await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailFileId: image.id } }), 400, "invalid_file");
  });

  it("a chosen thumbnail file the owner deletes is no longer the thumbnail: the video shows Stream's frame again", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    const file = await uploadFile(owner, uniquePng(3001), { purpose: "video-thumbnail" });
    await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailFileId: file.id } });
    expect((await api(`/v1/files/${file.id}`, { method: "DELETE", token: owner.accessToken })).status).toBe(204);
    const video = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(video.thumbnailUrl ?? "").not.toContain(file.id);
  });

  it("chooses a frame as the thumbnail at Stream", async () => {
    const owner = await registerUser();
    const { id, uid } = await videoInModeration(owner);
    const response = await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailTimestampPct: 0.5 } });
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await hostedDetails(uid)).thumbnailTimestampPct).toBe(0.5);
  });

  it("is 401 without a token, 404 for someone else's video, 400 for a malformed or empty body", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}`, { method: "PATCH", body: { title: "x" } }), 401);
    await expectProblem(await api(`/v1/videos/${video.id}`, { method: "PATCH", token: other.accessToken, body: { title: "x" } }), 404);
    await expectProblem(await api(`/v1/videos/${video.id}`, { method: "PATCH", token: owner.accessToken, body: {} }), 400, "invalid_body");
    await expectProblem(
      await api(`/v1/videos/${video.id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailTimestampPct: 2 } }),
      400,
      "invalid_body",
    );
  });
});

describe("POST /v1/videos/:id/archive and /unarchive", () => {
  it("hides an approved video from others until unarchived, audit logged", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
    const archived = await api(`/v1/videos/${id}/archive`, { method: "POST", token: owner.accessToken });
    expect((await json(archived)).archived).toBe(true);
    await expectProblem(await api(`/v1/videos/${id}`), 404);
    expect((await json(await api(`/v1/videos/${id}/unarchive`, { method: "POST", token: owner.accessToken }))).archived).toBe(false);
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
    expect((await auditOf(id)).map((e) => e.type)).toEqual(expect.arrayContaining(["video.archived", "video.unarchived"]));
  });

  it("is 401 without a token and 404 for someone else (a moderator included)", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}/archive`, { method: "POST" }), 401);
    await expectProblem(await api(`/v1/videos/${video.id}/archive`, { method: "POST", token: (await registerUser()).accessToken }), 404);
    await expectProblem(await api(`/v1/videos/${video.id}/unarchive`, { method: "POST", token: (await moderator()).accessToken }), 404);
  });
});

describe("DELETE /v1/videos/:id", () => {
  it("removes the video from Stream, its thumbnail file and its record", async () => {
    const owner = await registerUser();
    const { id, uid } = await videoInModeration(owner);
    const file = await uploadFile(owner, uniquePng(3000), { purpose: "video-thumbnail" });
    await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { thumbnailFileId: file.id } });
    const response = await api(`/v1/videos/${id}`, { method: "DELETE", token: owner.accessToken });
    expect(response.status).toBe(204);
    expect((await hostedVideos()).map((video) => video.id)).not.toContain(uid);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: owner.accessToken }), 404);
    await expectProblem(await api(`/v1/videos/${id}`, { token: owner.accessToken }), 404);
    expect((await auditOf(id)).map((e) => e.type)).toContain("video.deleted");
  });

  it("is 401 without a token and 404 for someone else's video", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}`, { method: "DELETE" }), 401);
    await expectProblem(await api(`/v1/videos/${video.id}`, { method: "DELETE", token: (await registerUser()).accessToken }), 404);
    expect((await api(`/v1/videos/${video.id}`, { token: owner.accessToken })).status).toBe(200);
  });
});
