import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { findVideo } from "../../shared/video/records";
import { pollStuckVideos, runVideoCheck, UPLOAD_ABANDONED_MS } from "../../shared/video/processing";
import { createVideo as createVideoLogic, receiveVideoContent } from "../../shared/video/videos";
import { canMove, statusesBefore } from "../../shared/video/status-machine";
import worker from "../../workers/index";
import { api, json, openSocket, registerUser } from "../helpers";
import { approvedVideo, auditOf, depsWith, FakeVideoHost, hostedDetails, tinyMp4 } from "./fixtures";

afterEach(async () => {
  clock.reset();
  // Videos of the fake Stream would otherwise be polled at the real one by later cron runs.
  await env.DB.prepare("DELETE FROM videos WHERE stream_uid LIKE 'fake-%'").run();
});

const stream = (bytes: Uint8Array) => new Response(bytes).body!;

/** A video uploaded through the Worker to a fake Stream that says `processing`, in the past enough for the cron to poll it. */
async function uploadedToFake(host: FakeVideoHost) {
  const owner = await registerUser();
  const deps = depsWith(host);
  const { video } = await createVideoLogic(deps, owner.id, { title: "fake" });
  const bytes = tinyMp4();
  await receiveVideoContent(deps, owner.id, video.id, bytes.length, stream(bytes));
  const record = (await findVideo(deps.db, video.id))!;
  return { owner, deps, id: video.id, uid: record.streamUid! };
}

describe("status machine", () => {
  it("moves uploading -> processing -> moderation -> approved | rejected, or failed, and never out of failed", () => {
    expect(canMove("uploading", "processing")).toBe(true);
    expect(canMove("processing", "moderation")).toBe(true);
    expect(canMove("moderation", "approved")).toBe(true);
    expect(canMove("moderation", "rejected")).toBe(true);
    expect(canMove("approved", "rejected")).toBe(true);
    expect(canMove("rejected", "approved")).toBe(true);
    expect(canMove("processing", "failed")).toBe(true);
    expect(canMove("uploading", "moderation")).toBe(false);
    expect(canMove("processing", "approved")).toBe(false);
    expect(canMove("moderation", "processing")).toBe(false);
    for (const to of ["uploading", "processing", "moderation", "approved", "rejected"] as const) expect(canMove("failed", to)).toBe(false);
    expect(statusesBefore("approved").sort()).toEqual(["moderation", "rejected"]);
  });
});

describe("the cron's poll of videos waiting on Stream", () => {
  it("leaves a video Stream is still processing, moves a ready one to moderation, a failed one to failed with Stream's reason code", async () => {
    const host = new FakeVideoHost();
    const busy = await uploadedToFake(host);
    const ready = await uploadedToFake(host);
    const broken = await uploadedToFake(host);
    host.set(ready.uid, "ready");
    host.set(broken.uid, "error", { code: "ERR_NON_VIDEO", text: "The upload is not a video" });
    const later = clock.now() + 61_000;
    const result = await pollStuckVideos(busy.deps, later, 1000);
    expect(result.failures).toEqual([]);
    const status = async (id: string) => (await findVideo(busy.deps.db, id))!;
    expect((await status(busy.id)).status).toBe("processing");
    expect(await status(ready.id)).toMatchObject({ status: "moderation", durationSeconds: 3, hlsUrl: `https://fake.stream/${ready.uid}/manifest/video.m3u8` });
    expect(await status(broken.id)).toMatchObject({ status: "failed", failureReason: "ERR_NON_VIDEO: The upload is not a video" });
    expect(await auditOf(broken.id)).toContainEqual(
      expect.objectContaining({
        detail: expect.objectContaining({ from: "processing", to: "failed", by: "cron", reason: "ERR_NON_VIDEO: The upload is not a video" }),
      }),
    );
  });

  it("does not poll a video that entered processing moments ago", async () => {
    const host = new FakeVideoHost();
    const fresh = await uploadedToFake(host);
    host.set(fresh.uid, "ready");
    await pollStuckVideos(fresh.deps, clock.now(), 1000);
    expect((await findVideo(fresh.deps.db, fresh.id))!.status).toBe("processing");
  });

  it("fails a direct upload whose bytes never reached Stream", async () => {
    const host = new FakeVideoHost();
    const owner = await registerUser();
    const deps = depsWith(host, { VIDEO_UPLOADS: "direct" });
    const { video, upload } = await createVideoLogic(deps, owner.id, { title: "direct" });
    expect(upload).toEqual({ method: "POST", url: `https://upload.fake.stream/fake-${video.id}` });
    await pollStuckVideos(deps, clock.now() + UPLOAD_ABANDONED_MS + 1000, 1000);
    expect((await findVideo(deps.db, video.id))!).toMatchObject({ status: "failed", failureReason: expect.stringContaining("upload_abandoned") });
  });

  it("a direct upload Stream reports ready goes through processing to moderation", async () => {
    const host = new FakeVideoHost();
    const owner = await registerUser();
    const deps = depsWith(host, { VIDEO_UPLOADS: "direct" });
    const { video } = await createVideoLogic(deps, owner.id, { title: "direct" });
    host.set(`fake-${video.id}`, "ready");
    await pollStuckVideos(deps, clock.now() + 61_000, 1000);
    expect((await findVideo(deps.db, video.id))!.status).toBe("moderation");
    expect((await auditOf(video.id)).map((e) => `${e.detail.from}->${e.detail.to}`)).toEqual(["uploading->processing", "processing->moderation"]);
  });
});

describe("the video.check job after an upload through the Worker", () => {
  it("moves the video once Stream is ready", async () => {
    const host = new FakeVideoHost();
    const { deps, id, uid } = await uploadedToFake(host);
    await runVideoCheck(deps, id, 0);
    expect((await findVideo(deps.db, id))!.status).toBe("processing");
    host.set(uid, "ready");
    await runVideoCheck(deps, id, 1);
    expect((await findVideo(deps.db, id))!.status).toBe("moderation");
  });
});

describe("scheduled publication", () => {
  it("an approved video with a future publishAt stays hidden until then; the cron tells the owner's hub once", async () => {
    const owner = await registerUser();
    const publishAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const { id } = await approvedVideo(owner, { publishAt });
    expect((await api(`/v1/videos/${id}`)).status).toBe(404);
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    clock.advance(11 * 60_000);
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, createExecutionContext());
    const frame = await hub.next("video.updated", (f) => f.video.id === id);
    expect(frame.video.publishAt).toBe(publishAt);
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, createExecutionContext());
    expect((await auditOf(id)).filter((e) => e.type === "video.published")).toHaveLength(1);
    hub.close();
  });

  it("publication lets Stream serve the video without a token", async () => {
    const owner = await registerUser();
    const { id, uid } = await approvedVideo(owner, { publishAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await hostedDetails(uid)).requireSignedURLs).toBe(true);
    clock.advance(2 * 60_000);
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, createExecutionContext());
    expect((await hostedDetails(uid)).requireSignedURLs).toBe(false);
    const playback = await json(await api(`/v1/videos/${id}/playback`));
    expect(playback.token).toBeUndefined();
  });
});

describe("deletion when Stream fails", () => {
  it("keeps the record when Stream cannot delete the video, so the owner can try again", async () => {
    const host = new FakeVideoHost();
    const { owner, deps, id, uid } = await uploadedToFake(host);
    host.failing = true;
    const { deleteVideo } = await import("../../shared/video/videos");
    await expect(deleteVideo(deps, owner.id, id)).rejects.toMatchObject({ status: 503, code: "video_host_unavailable" });
    expect(await findVideo(deps.db, id)).toBeDefined();
    host.failing = false;
    await deleteVideo(deps, owner.id, id);
    expect(host.deleted).toEqual([uid]);
    expect(await findVideo(deps.db, id)).toBeUndefined();
  });
});
