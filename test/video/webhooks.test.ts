import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, openSocket, registerUser } from "../helpers";
import { auditOf, createVideo, putContent, signedWebhook, streamEvent, streamUidOf, tinyMp4, WEBHOOK_SECRET } from "./fixtures";
import { webhookSignature } from "../../shared/video/webhook-signature";

async function processingVideo() {
  const owner = await registerUser();
  const { video } = await createVideo(owner);
  expect((await putContent(owner, video.id, tinyMp4())).status).toBe(202);
  return { owner, id: video.id as string, uid: await streamUidOf(video.id) };
}

const statusOf = async (owner: { accessToken: string }, id: string) => (await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }))).status;

describe("POST /v1/webhooks/stream", () => {
  it("a valid signature of a ready video moves it to moderation with Stream's details, audit logged as Stream", async () => {
    const { owner, id, uid } = await processingVideo();
    const response = await signedWebhook(streamEvent(uid, "ready"));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ videoId: id, status: "moderation" });
    const video = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(video).toMatchObject({
      status: "moderation",
      durationSeconds: 12.5,
      thumbnailUrl: `https://customer-test.cloudflarestream.com/${uid}/thumbnails/thumbnail.jpg`,
    });
    expect(await auditOf(id)).toContainEqual(
      expect.objectContaining({ type: "video.status_changed", detail: expect.objectContaining({ from: "processing", to: "moderation", by: "stream" }) }),
    );
  });

  it("a video that became ready without a length gets it from a later report, once; nothing else changes", async () => {
    const { owner, id, uid } = await processingVideo();
    await signedWebhook({ ...streamEvent(uid, "ready"), duration: -1 });
    expect(await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }))).toMatchObject({ status: "moderation", durationSeconds: null });
    expect((await signedWebhook({ ...streamEvent(uid, "ready"), duration: 3.25 })).status).toBe(200);
    expect(await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }))).toMatchObject({ status: "moderation", durationSeconds: 3.25 });
    await signedWebhook({ ...streamEvent(uid, "ready"), duration: 99 });
    expect((await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }))).durationSeconds).toBe(3.25);
    const moves = (await auditOf(id)).filter((event) => event.type === "video.status_changed" && event.detail.to === "moderation");
    expect(moves).toHaveLength(1);
  });

  it("an error moves it to failed with Stream's reason code, which the owner sees", async () => {
    const { owner, id, uid } = await processingVideo();
    await signedWebhook(streamEvent(uid, "error", { code: "ERR_DURATION_EXCEED_CONSTRAINT", text: "The video is longer than allowed" }));
    const video = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(video.status).toBe("failed");
    expect(video.failureReason).toBe("ERR_DURATION_EXCEED_CONSTRAINT: The video is longer than allowed");
  });

  it("the owner's hub hears video.updated with the new status", async () => {
    const { owner, id, uid } = await processingVideo();
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    await signedWebhook(streamEvent(uid, "ready"));
    const frame = await hub.next("video.updated", (f) => f.video.id === id && f.video.status === "moderation");
    expect(frame.video.durationSeconds).toBe(12.5);
    hub.close();
  });

  it("a replayed delivery is harmless: one move, one audit event", async () => {
    const { owner, id, uid } = await processingVideo();
    const time = Math.floor(Date.now() / 1000);
    expect((await signedWebhook(streamEvent(uid, "ready"), { time })).status).toBe(200);
    expect((await signedWebhook(streamEvent(uid, "ready"), { time })).status).toBe(200);
    expect((await signedWebhook(streamEvent(uid, "error", { code: "ERR_LATE", text: "late" }))).status).toBe(200);
    expect(await statusOf(owner, id)).toBe("moderation");
    const moves = (await auditOf(id)).filter((e) => e.detail.to === "moderation");
    expect(moves).toHaveLength(1);
  });

  it("a wrong secret is 401 and changes nothing", async () => {
    const { owner, id, uid } = await processingVideo();
    await expectProblem(await signedWebhook(streamEvent(uid, "ready"), { secret: "not-the-secret" }), 401, "invalid_signature");
    expect(await statusOf(owner, id)).toBe("processing");
  });

  it("a stale timestamp is 401 even with a correct signature", async () => {
    const { owner, id, uid } = await processingVideo();
    await expectProblem(await signedWebhook(streamEvent(uid, "ready"), { time: Math.floor(Date.now() / 1000) - 305 }), 401, "stale_signature");
    await expectProblem(await signedWebhook(streamEvent(uid, "ready"), { time: Math.floor(Date.now() / 1000) + 305 }), 401, "stale_signature");
    expect(await statusOf(owner, id)).toBe("processing");
  });

  it("a tampered body is 401", async () => {
    const { owner, id, uid } = await processingVideo();
    const signedFor = JSON.stringify(streamEvent(uid, "error", { code: "ERR", text: "x" }));
    await expectProblem(await signedWebhook(streamEvent(uid, "ready"), { signBody: signedFor }), 401, "invalid_signature");
    expect(await statusOf(owner, id)).toBe("processing");
  });

  it("a missing or malformed signature header is 401", async () => {
    const body = JSON.stringify(streamEvent("x", "ready"));
    await expectProblem(await SELF.fetch("http://platform.test/v1/webhooks/stream", { method: "POST", body }), 401);
    await expectProblem(
      await SELF.fetch("http://platform.test/v1/webhooks/stream", { method: "POST", body, headers: { "webhook-signature": "time=abc,sig1=zz" } }),
      401,
    );
  });

  it("a signed body that is not JSON is 400; an unknown uid is acknowledged and ignored", async () => {
    const time = String(Math.floor(Date.now() / 1000));
    const raw = "{not json";
    const sig = await webhookSignature(WEBHOOK_SECRET, time, raw);
    await expectProblem(
      await SELF.fetch("http://platform.test/v1/webhooks/stream", { method: "POST", body: raw, headers: { "webhook-signature": `time=${time},sig1=${sig}` } }),
      400,
      "invalid_body",
    );
    const response = await signedWebhook(streamEvent("no-such-uid", "ready"));
    expect(await json(response)).toEqual({ videoId: null, status: null });
  });
});

describe("processing progress (Stream's pctComplete)", () => {
  const progressEvent = (uid: string, pctComplete: unknown) => ({ ...streamEvent(uid, "inprogress"), status: { state: "inprogress", pctComplete } });
  const read = async (owner: { accessToken: string }, id: string) => json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));

  it("the owner sees how far Stream is while it encodes, live on the hub; it only moves forward and goes once ready", async () => {
    const { owner, id, uid } = await processingVideo();
    expect((await read(owner, id)).processingPercent).toBeNull();
    const hub = await openSocket("/v1/realtime", owner.accessToken);
    await hub.next("hello");
    expect((await signedWebhook(progressEvent(uid, "42.500000"))).status).toBe(200);
    expect((await hub.next("video.updated", (f) => f.video.id === id)).video).toMatchObject({ status: "processing", processingPercent: 42 });
    expect((await read(owner, id)).processingPercent).toBe(42);
    await signedWebhook(progressEvent(uid, 30));
    expect((await read(owner, id)).processingPercent).toBe(42);
    await signedWebhook(progressEvent(uid, "not a number"));
    expect((await read(owner, id)).processingPercent).toBe(42);
    await signedWebhook(streamEvent(uid, "ready"));
    expect(await read(owner, id)).toMatchObject({ status: "moderation", processingPercent: null });
    hub.close();
  });
});
