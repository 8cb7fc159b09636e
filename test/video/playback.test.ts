import { env } from "cloudflare:workers";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser } from "../helpers";
import { playbackOf } from "../../shared/video/playback";
import { findVideo } from "../../shared/video/records";
import { testDeps } from "../kit/deps";
import { approvedVideo, createVideo, hostedDetails, moderator, videoInModeration } from "./fixtures";

afterEach(() => clock.reset());

const publicKey = async () => importJWK(JSON.parse(env.TEST_VIDEO_SIGNING_PUBLIC_KEY!), "RS256");

describe("GET /v1/videos/:id/playback", () => {
  it("an unapproved video gets a token for its owner and moderators: RS256, Stream key id, sub = uid, exp within the TTL, verified with the public key", async () => {
    const owner = await registerUser();
    const { id, uid } = await videoInModeration(owner);
    for (const who of [owner, await moderator()]) {
      const before = Math.floor(Date.now() / 1000);
      const playback = await json(await api(`/v1/videos/${id}/playback`, { token: who.accessToken }));
      expect(decodeProtectedHeader(playback.token)).toEqual({ alg: "RS256", kid: "test-stream-key" });
      const { payload } = await jwtVerify(playback.token, await publicKey(), { algorithms: ["RS256"] });
      expect(payload.sub).toBe(uid);
      expect(payload.kid).toBe("test-stream-key");
      expect(payload.exp! - before).toBeLessThanOrEqual(3600 + 1);
      expect(payload.exp! - before).toBeGreaterThan(3500);
      expect(new Date(playback.expiresAt).getTime()).toBe(payload.exp! * 1000);
      expect(playback.hls).toBe(`https://customer-test.cloudflarestream.com/${playback.token}/manifest/video.m3u8`);
      expect(playback.dash).toBe(`https://customer-test.cloudflarestream.com/${playback.token}/manifest/video.mpd`);
      expect(playback.hls).not.toContain(uid);
    }
  });

  it("names the uploaded file for a plain player only where the local Stream emulation serves it (development, tests), never in production", async () => {
    const owner = await registerUser();
    const { id, uid } = await videoInModeration(owner);
    const playback = await json(await api(`/v1/videos/${id}/playback`, { token: owner.accessToken }));
    expect(playback.localFile).toBe(`/__cf_local/stream/${uid}/watch`);
    const video = (await findVideo(testDeps().db, id))!;
    const production = await playbackOf(testDeps({ vars: { ENVIRONMENT: "production" } }), video);
    expect(production.localFile).toBeUndefined();
    expect(production.hls).toContain(production.token);
  });

  it("the token stops verifying after it expires", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    const { token } = await json(await api(`/v1/videos/${id}/playback`, { token: owner.accessToken }));
    await expect(jwtVerify(token, await publicKey(), { currentDate: new Date(Date.now() + 3601_000) })).rejects.toThrow(/exp/);
  });

  it("an approved public video plays for anyone without a token, and Stream serves it unsigned", async () => {
    const owner = await registerUser();
    const { id, uid } = await approvedVideo(owner);
    const playback = await json(await api(`/v1/videos/${id}/playback`));
    expect(playback).toEqual({
      hls: `https://customer-test.cloudflarestream.com/${uid}/manifest/video.m3u8`,
      dash: `https://customer-test.cloudflarestream.com/${uid}/manifest/video.mpd`,
      thumbnailUrl: `https://customer-test.cloudflarestream.com/${uid}/thumbnails/thumbnail.jpg`,
      localFile: `/__cf_local/stream/${uid}/watch`,
    });
    expect((await hostedDetails(uid)).requireSignedURLs).toBe(false);
  });

  it("a private approved video: 404 to others, a token for the owner; Stream requires signed URLs again", async () => {
    const owner = await registerUser();
    const { id, uid } = await approvedVideo(owner);
    await api(`/v1/videos/${id}`, { method: "PATCH", token: owner.accessToken, body: { isPublic: false } });
    await expectProblem(await api(`/v1/videos/${id}/playback`, { token: (await registerUser()).accessToken }), 404);
    expect((await json(await api(`/v1/videos/${id}/playback`, { token: owner.accessToken }))).token).toBeTruthy();
    expect((await hostedDetails(uid)).requireSignedURLs).toBe(true);
  });

  it("a video not processed yet is 409 not_ready; a bad token 401", async () => {
    const owner = await registerUser();
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}/playback`, { token: owner.accessToken }), 409, "not_ready");
    await expectProblem(await api(`/v1/videos/${video.id}/playback`, { token: "x.y.z" }), 401);
  });
});

describe("POST /v1/videos/:id/downloads", () => {
  it("asks Stream for the owner's MP4", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    const response = await api(`/v1/videos/${id}/downloads`, { method: "POST", token: owner.accessToken });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: "ready", percentComplete: 100 });
  });

  it("is the owner's only: 401, 404 for others (moderators too), 409 before processing", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    await expectProblem(await api(`/v1/videos/${id}/downloads`, { method: "POST" }), 401);
    await expectProblem(await api(`/v1/videos/${id}/downloads`, { method: "POST", token: (await moderator()).accessToken }), 404);
    const { video } = await createVideo(owner);
    await expectProblem(await api(`/v1/videos/${video.id}/downloads`, { method: "POST", token: owner.accessToken }), 409, "not_ready");
  });
});
