import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QueuedJob } from "../../shared/env";
import { askForCaptions, requestCaptions, runCaptions } from "../../shared/video/captions";
import { createVideo as createVideoLogic, receiveVideoContent } from "../../shared/video/videos";
import { findVideo } from "../../shared/video/records";
import { toWebVtt, webVttText } from "../../shared/video/webvtt";
import worker from "../../workers/index";
import { api, expectProblem, json, registerUser } from "../helpers";
import { answeringVideoHost } from "../../shared/video/video-host-of";
import { heldQueue, testDeps } from "../kit/deps";
import { approvedVideo, createVideo, FakeVideoHost, moderator, tinyMp4, videoInModeration } from "./fixtures";

async function runCaptionJob(videoId: string, language = "en", queue = "edge-platform-jobs"): Promise<void> {
  const batch = createMessageBatch<QueuedJob>(queue, [
    { id: `captions-${videoId}-${Math.random()}`, timestamp: new Date(), attempts: 1, body: { kind: "video.captions", videoId, language } },
  ]);
  await worker.queue(batch, env, createExecutionContext());
}

describe("WebVTT", () => {
  it("writes cues in time order with escaped text, and reads back only the words", () => {
    const vtt = toWebVtt([
      { startSeconds: 4, endSeconds: 6.5, text: "Second <b> & more" },
      { startSeconds: 0.25, endSeconds: 0, text: "First line" },
    ]);
    expect(vtt).toBe("WEBVTT\n\n00:00:00.250 --> 00:00:02.250\nFirst line\n\n00:00:04.000 --> 00:00:06.500\nSecond &lt;b&gt; &amp; more\n");
    expect(webVttText(vtt)).toBe("First line\nSecond <b> & more");
    expect(webVttText("WEBVTT\n\nNOTE a note\n\n1\n00:01.000 --> 00:02.000 align:start\n<v Ann>Hello</v> there\n")).toBe("Hello there");
  });
});

describe("GET /v1/videos/{id}/captions and /captions/{lang}.vtt", () => {
  it("a ready video gets captions from the transcript model where Stream makes none; served as text/vtt with the video's visibility", async () => {
    const [owner, stranger] = [await registerUser(), await registerUser()];
    const made = await approvedVideo(owner, { title: "Harbour tour" });
    await runCaptionJob(made.id);
    const list = await json(await api(`/v1/videos/${made.id}/captions`, { token: owner.accessToken }));
    expect(list.items).toEqual([
      { language: "en", label: "English", status: "ready", source: "transcript", url: `/v1/videos/${made.id}/captions/en.vtt`, error: null },
    ]);
    const file = await api(`/v1/videos/${made.id}/captions/en.vtt`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    const vtt = await file.text();
    expect(vtt).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n\S/);
    // a redelivered job changes nothing
    await runCaptionJob(made.id);
    expect(await (await api(`/v1/videos/${made.id}/captions/en.vtt`)).text()).toBe(vtt);
    // anyone sees the ready ones of a public video, without the reasons
    expect((await json(await api(`/v1/videos/${made.id}/captions`, { token: stranger.accessToken }))).items).toEqual([
      { language: "en", label: "English", status: "ready", source: "transcript", url: `/v1/videos/${made.id}/captions/en.vtt` },
    ]);
    await expectProblem(await api(`/v1/videos/${made.id}/captions/de.vtt`), 404);
    await expectProblem(await api(`/v1/videos/${made.id}/captions/en.srt`), 400);
  });

  it("a video others may not see: its captions are 404 to them, the owner and moderators see them", async () => {
    const [owner, stranger] = [await registerUser(), await registerUser()];
    const { id } = await videoInModeration(owner, { title: "Not yet reviewed" });
    await runCaptionJob(id);
    await expectProblem(await api(`/v1/videos/${id}/captions`, { token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/videos/${id}/captions`), 404);
    await expectProblem(await api(`/v1/videos/${id}/captions/en.vtt`, { token: stranger.accessToken }), 404);
    expect((await api(`/v1/videos/${id}/captions/en.vtt`, { token: owner.accessToken })).status).toBe(200);
    const mod = await moderator();
    expect((await json(await api(`/v1/videos/${id}/captions`, { token: mod.accessToken }))).items[0]).toMatchObject({ status: "ready" });
    await expectProblem(await api("/v1/videos/00000000-0000-7000-8000-000000000000/captions"), 404);
  });

  it("records why there are none when the transcript model does not exist; the owner sees the reason, a retry leaves it", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner, { title: "No model" });
    const deps = testDeps({ videoHost: null, vars: { VIDEO_TRANSCRIPT_MODEL: "no-such-model", VIDEO_CAPTION_LANGUAGE: "de" }, queue: heldQueue() });
    await requestCaptions(deps, { id });
    await runCaptions(deps, id, "de");
    await runCaptions(deps, id, "de");
    const list = await json(await api(`/v1/videos/${id}/captions`, { token: owner.accessToken }));
    expect(list.items.find((c: { language: string }) => c.language === "de")).toMatchObject({
      status: "failed",
      url: null,
      error: expect.stringMatching(/^model_not_found: /),
    });
  });
});

const askForCaptionsApi = (id: string, token: string | undefined, body: unknown = {}) => api(`/v1/videos/${id}/captions`, { token, body });
const captionIn = async (id: string, token: string, language: string) =>
  (await json(await api(`/v1/videos/${id}/captions`, { token }))).items.find((c: { language: string }) => c.language === language);

describe("POST /v1/videos/{id}/captions", () => {
  it("makes captions in a language the video has none in: 202 pending, asked twice queues one job, the queue consumer makes them, then 409 captions_exist", async () => {
    const owner = await registerUser();
    const made = await approvedVideo(owner, { title: "Market day" });
    // asked through a held queue first, so no background consumer makes them before the asserts
    const queue = heldQueue();
    const owned = { userId: owner.id, role: "user" as const };
    expect(await askForCaptions(testDeps({ queue }), owned, made.id, "de")).toEqual({ language: "de", status: "pending" });
    expect(queue.sent).toEqual([{ kind: "video.captions", videoId: made.id, language: "de" }]);
    // asked again while pending, through the API and the logic: the same answer, nothing more queued
    const asked = await askForCaptionsApi(made.id, owner.accessToken, { language: "de" });
    expect(asked.status, await asked.clone().text()).toBe(202);
    expect(await json(asked)).toEqual({ language: "de", status: "pending" });
    expect(await askForCaptions(testDeps({ queue }), owned, made.id, "de")).toEqual({ language: "de", status: "pending" });
    expect(queue.sent).toHaveLength(1);
    expect(await captionIn(made.id, owner.accessToken, "de")).toMatchObject({ status: "pending", url: null, error: null });

    await runCaptionJob(made.id, "de");
    expect(await captionIn(made.id, owner.accessToken, "de")).toMatchObject({
      status: "ready",
      source: "transcript",
      url: `/v1/videos/${made.id}/captions/de.vtt`,
    });
    expect(await (await api(`/v1/videos/${made.id}/captions/de.vtt`)).text()).toMatch(/^WEBVTT\n\n\d\d:/);
    await expectProblem(await askForCaptionsApi(made.id, owner.accessToken, { language: "de" }), 409, "captions_exist");
  });

  it("asks again for captions that failed: pending without the old reason, and the queue consumer makes them", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner, { title: "Second try" });
    const failing = testDeps({ videoHost: null, vars: { VIDEO_TRANSCRIPT_MODEL: "no-such-model", VIDEO_CAPTION_LANGUAGE: "fr" }, queue: heldQueue() });
    await requestCaptions(failing, { id });
    await runCaptions(failing, id, "fr");
    expect(await captionIn(id, owner.accessToken, "fr")).toMatchObject({ status: "failed", error: expect.stringMatching(/^model_not_found: /) });

    const queue = heldQueue();
    const deps = testDeps({ queue });
    const owned = { userId: owner.id, role: "user" as const };
    expect(await askForCaptions(deps, owned, id, "fr")).toEqual({ language: "fr", status: "pending" });
    expect(await askForCaptions(deps, owned, id, "fr")).toEqual({ language: "fr", status: "pending" });
    expect(queue.sent).toEqual([{ kind: "video.captions", videoId: id, language: "fr" }]);
    expect(await captionIn(id, owner.accessToken, "fr")).toMatchObject({ status: "pending", source: null, error: null });

    await runCaptionJob(id, "fr");
    expect(await captionIn(id, owner.accessToken, "fr")).toMatchObject({ status: "ready", source: "transcript", error: null });
    expect((await api(`/v1/videos/${id}/captions/fr.vtt`, { token: owner.accessToken })).status).toBe(200);
  });

  it("moderators may ask; a queue that refuses is recorded as the reason and answered 503 queue_unavailable", async () => {
    const [owner, mod] = [await registerUser(), await moderator()];
    const { id } = await videoInModeration(owner, { title: "Asked by a moderator" });
    expect((await askForCaptionsApi(id, mod.accessToken, { language: "es" })).status).toBe(202);
    const refusing = testDeps({
      queue: {
        send: async () => {
          throw new Error("queue down");
        },
        sendBatch: async () => undefined,
      },
    });
    await expect(askForCaptions(refusing, { userId: owner.id, role: "user" }, id, "it")).rejects.toMatchObject({ status: 503, code: "queue_unavailable" });
    expect(await captionIn(id, owner.accessToken, "it")).toMatchObject({ status: "failed", error: expect.stringMatching(/^queue_unavailable: /) });
  });

  it("refuses no token (401), others' videos (404), bad bodies (400), a video not ready (409), too many languages (409), no language where none is the default (400)", async () => {
    const [owner, stranger] = [await registerUser(), await registerUser()];
    const made = await approvedVideo(owner, { title: "Refusals" });
    await expectProblem(await askForCaptionsApi(made.id, undefined), 401);
    await expectProblem(await askForCaptionsApi(made.id, stranger.accessToken), 404);
    await expectProblem(await askForCaptionsApi("00000000-0000-7000-8000-000000000000", owner.accessToken), 404);
    await expectProblem(await askForCaptionsApi(made.id, owner.accessToken, { language: "not a language" }), 400);
    await expectProblem(await askForCaptionsApi(made.id, owner.accessToken, { language: "en", extra: true }), 400);
    await expectProblem(await askForCaptionsApi(made.id, owner.accessToken, { language: 7 }), 400);
    const uploading = await createVideo(owner, { title: "No bytes yet" });
    await expectProblem(await askForCaptionsApi(uploading.video.id, owner.accessToken), 409, "not_ready");

    for (const language of ["nl", "sv", "pl", "pt-BR"]) expect((await askForCaptionsApi(made.id, owner.accessToken, { language })).status).toBe(202);
    await expectProblem(await askForCaptionsApi(made.id, owner.accessToken, { language: "fi" }), 409, "too_many_caption_languages");

    const off = testDeps({ vars: { VIDEO_CAPTION_LANGUAGE: "" }, queue: heldQueue() });
    await expect(askForCaptions(off, { userId: owner.id, role: "user" }, made.id, undefined)).rejects.toMatchObject({ status: 400, code: "language_required" });
  });
});

describe("the video.captions job with Stream's captions", () => {
  it("asks Stream, looks again while it generates, then keeps Stream's WebVTT", async () => {
    const host = new FakeVideoHost();
    host.makesCaptions = true;
    const owner = await registerUser();
    const queue = heldQueue();
    const deps = testDeps({ videoHost: answeringVideoHost(host), vars: { VIDEO_CAPTION_LANGUAGE: "en" }, queue });
    const { video } = await createVideoLogic(deps, owner.id, { title: "Stream captions" });
    await receiveVideoContent(deps, owner.id, video.id, tinyMp4().length, new Response(tinyMp4()).body!);
    const uid = (await findVideo(deps.db, video.id))!.streamUid!;
    await requestCaptions(deps, { id: video.id });
    await runCaptions(deps, video.id, "en");
    expect(host.captionRequests).toEqual([`${uid}/en`]);
    // Stream is still at it: the job looks again later
    expect(queue.sent.at(-1)).toEqual({ kind: "video.captions", videoId: video.id, language: "en" });
    expect((await json(await api(`/v1/videos/${video.id}/captions`, { token: owner.accessToken }))).items[0]).toMatchObject({
      status: "pending",
      source: "stream",
    });
    host.captions.set(`${uid}/en`, { state: "ready", vtt: "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome aboard\n" });
    await runCaptions(deps, video.id, "en");
    const file = await api(`/v1/videos/${video.id}/captions/en.vtt`, { token: owner.accessToken });
    expect(await file.text()).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome aboard\n");
  });

  it("gives up through the dead-letter consumer with the reason recorded", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner, { title: "Dead letter" });
    const deps = testDeps({ videoHost: null, vars: { VIDEO_CAPTION_LANGUAGE: "fr" }, queue: heldQueue() });
    await requestCaptions(deps, { id });
    await runCaptionJob(id, "fr", "edge-platform-jobs-dlq");
    const list = await json(await api(`/v1/videos/${id}/captions`, { token: owner.accessToken }));
    expect(list.items.find((c: { language: string }) => c.language === "fr")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^provider_unavailable: /),
    });
  });
});

describe("GET /v1/videos?q=", () => {
  it("finds a video by a word its captions say but its title does not, and not by a word nobody says", async () => {
    const owner = await registerUser();
    // The development transcript model says what the description says (the search reads titles and captions, not descriptions).
    const made = await approvedVideo(owner, { title: "Quiet evening", description: "Crickets sing by the lake." });
    await runCaptionJob(made.id);
    const vtt = await (await api(`/v1/videos/${made.id}/captions/en.vtt`)).text();
    const spoken = webVttText(vtt)
      .split(/[^\p{L}\p{N}]+/u)
      .find((word) => word.length > 3 && !/quiet|evening/i.test(word));
    expect(spoken, vtt).toBeTruthy();
    const found = await json(await api(`/v1/videos?q=${encodeURIComponent(spoken!)}&limit=100`));
    expect(found.items.map((v: { id: string }) => v.id)).toContain(made.id);
    const byTitle = await json(await api(`/v1/videos?q=${encodeURIComponent("Quiet even")}&limit=100`));
    expect(byTitle.items.map((v: { id: string }) => v.id)).toContain(made.id);
    const none = await json(await api("/v1/videos?q=zzxqnotspoken&limit=100"));
    expect(none.items.map((v: { id: string }) => v.id)).not.toContain(made.id);
    await expectProblem(await api(`/v1/videos?q=${"x".repeat(201)}`), 400);
  });
});
