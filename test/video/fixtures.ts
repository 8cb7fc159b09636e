import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { HostedCaptionState, HostedDownload, HostedUploadOptions, HostedVideo, VideoHost } from "../../shared/video/video-host";
import type { EnvVars } from "../../shared/config";
import { answeringVideoHost } from "../../shared/video/video-host-of";
import type { Deps } from "../../shared/platform/deps-types";
import { auditTrail } from "../kit/audit";
import { testDeps } from "../kit/deps";
import { makeModerator } from "../kit/users";
import { webhookSignature } from "../../shared/video/webhook-signature";
import { api, json, registerUser, type TestUser } from "../helpers";
import { tokenIn, waitForMail } from "../identity/lifecycle-fixtures";
import { concat, tinyMp4 } from "../../bench/lib/tiny-mp4.mjs";
import { withStub } from "../../shared/platform/rpc-stub";

export const WEBHOOK_SECRET = "test-stream-webhook-secret";

export { concat, tinyMp4 };

export async function createVideo(user: Pick<TestUser, "accessToken">, body: Record<string, unknown> = {}) {
  const response = await api("/v1/videos", { token: user.accessToken, body: { title: "A video", ...body } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as { video: any; upload: { method: string; url: string } };
}

export function putContent(user: Pick<TestUser, "accessToken"> | null, id: string, bytes: Uint8Array, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://platform.test/v1/videos/${id}/content`, {
    method: "PUT",
    headers: { ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}), "content-type": "video/mp4", ...headers },
    body: bytes,
  });
}

/** What the Stream binding holds for `uid` (its handle for the video is an RPC stub, disposed of after). */
export function hostedDetails(uid: string): Promise<StreamVideo> {
  return withStub(env.STREAM!.video(uid), (video) => video.details());
}

/** Every video the Stream binding holds. */
export function hostedVideos(): Promise<StreamVideo[]> {
  return withStub(env.STREAM!.videos, (videos) => videos.list());
}

export async function streamUidOf(videoId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT stream_uid FROM videos WHERE id = ?").bind(videoId).first<{ stream_uid: string | null }>();
  expect(row?.stream_uid).toBeTruthy();
  return row!.stream_uid!;
}

export async function signedWebhook(body: unknown, options: { secret?: string; time?: number; signBody?: string } = {}): Promise<Response> {
  const raw = JSON.stringify(body);
  const time = String(options.time ?? Math.floor(Date.now() / 1000));
  const sig = await webhookSignature(options.secret ?? WEBHOOK_SECRET, time, options.signBody ?? raw);
  return SELF.fetch("http://platform.test/v1/webhooks/stream", {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-signature": `time=${time},sig1=${sig}` },
    body: raw,
  });
}

/** Stream's webhook body for a video that is ready (or failed with a reason). */
export function streamEvent(uid: string, state: "ready" | "error" | "inprogress", error?: { code: string; text: string }) {
  return {
    uid,
    readyToStream: state === "ready",
    status: { state, errorReasonCode: error?.code ?? "", errorReasonText: error?.text ?? "" },
    duration: state === "ready" ? 12.5 : -1,
    thumbnail: `https://customer-test.cloudflarestream.com/${uid}/thumbnails/thumbnail.jpg`,
    playback: {
      hls: `https://customer-test.cloudflarestream.com/${uid}/manifest/video.m3u8`,
      dash: `https://customer-test.cloudflarestream.com/${uid}/manifest/video.mpd`,
    },
    meta: {},
  };
}

/** A video through the local Stream emulation and Stream's ready webhook: in `moderation`. */
export async function videoInModeration(owner: Pick<TestUser, "accessToken">, body: Record<string, unknown> = {}) {
  const { video } = await createVideo(owner, body);
  const put = await putContent(owner, video.id, tinyMp4());
  expect(put.status, await put.clone().text()).toBe(202);
  const uid = await streamUidOf(video.id);
  const hook = await signedWebhook(streamEvent(uid, "ready"));
  expect(hook.status).toBe(200);
  return { id: video.id as string, uid };
}

/** Days an account must have existed before its reports count toward hiding (VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS, default 7). */
export const reporterMinAgeDays = Number((env as unknown as Record<string, unknown>).VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS ?? 7);

/** A user whose e-mail is verified through the mailed token, as a user would do it. */
export async function verifiedUser(): Promise<TestUser> {
  const user = await registerUser();
  expect((await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken })).status).toBe(202);
  const token = tokenIn((await waitForMail(user.email, /Confirm/))[0]!);
  expect((await api("/v1/auth/email/verify", { body: { token } })).status).toBe(200);
  return user;
}

/** Moves an account's creation `days` back (no API ages an account). */
export async function ageAccount(user: Pick<TestUser, "id">, days: number): Promise<void> {
  await env.DB.prepare("UPDATE users SET created_at = created_at - ? WHERE id = ?")
    .bind(Math.round(days * 86_400_000), user.id)
    .run();
}

/** A reporter whose word counts toward hiding: a verified e-mail and an account older than the minimum age. */
export async function trustedReporter(): Promise<TestUser> {
  const user = await verifiedUser();
  await ageAccount(user, reporterMinAgeDays + 1);
  return user;
}

export async function moderator(): Promise<TestUser> {
  const user = await registerUser();
  await makeModerator(user);
  return user;
}

/** A video everyone sees: uploaded, ready, approved by a moderator. */
export async function approvedVideo(owner: Pick<TestUser, "accessToken">, body: Record<string, unknown> = {}, by?: TestUser) {
  const made = await videoInModeration(owner, body);
  const mod = by ?? (await moderator());
  const response = await api(`/v1/videos/${made.id}/approve`, { method: "POST", token: mod.accessToken });
  expect(response.status, await response.clone().text()).toBe(200);
  return { ...made, moderator: mod, video: await json(response) };
}

/** Every audit event about the video, oldest first, through identity's own listing. */
export async function auditOf(videoId: string): Promise<{ type: string; detail: any; userId: string }[]> {
  const events = await auditTrail({ userId: null, prefix: "video." });
  return events.filter((e) => e.detail.videoId === videoId).map((e) => ({ type: e.type, detail: e.detail, userId: e.userId! }));
}

/** A VideoHost whose answers the test decides: statuses, reason codes, failures. */
export class FakeVideoHost implements VideoHost {
  readonly videos = new Map<string, HostedVideo>();
  readonly deleted: string[] = [];
  readonly updates: { uid: string; changes: object }[] = [];
  /** What each upload was created or sent with (watermark, signed URLs, duration limit). */
  readonly uploadOptions: HostedUploadOptions[] = [];
  failing = false;

  set(uid: string, state: HostedVideo["state"], error?: { code: string; text: string }): void {
    this.videos.set(uid, {
      uid,
      state,
      errorReasonCode: error?.code,
      errorReasonText: error?.text,
      durationSeconds: state === "ready" ? 3 : null,
      thumbnailUrl: `https://fake.stream/${uid}/thumbnails/thumbnail.jpg`,
      hlsUrl: `https://fake.stream/${uid}/manifest/video.m3u8`,
      dashUrl: `https://fake.stream/${uid}/manifest/video.mpd`,
    });
  }

  private check(): void {
    if (this.failing) throw new Error("Stream is down");
  }

  async createDirectUpload(options: HostedUploadOptions) {
    this.check();
    this.uploadOptions.push(options);
    const uid = `fake-${options.videoId}`;
    this.set(uid, "pending");
    return { uid, url: `https://upload.fake.stream/${uid}` };
  }

  async createTusUpload(options: HostedUploadOptions & { length: number }) {
    return this.createDirectUpload(options);
  }

  async uploadBytes(body: ReadableStream<Uint8Array>, options: HostedUploadOptions) {
    this.check();
    this.uploadOptions.push(options);
    await body.pipeTo(new WritableStream());
    const uid = `fake-${options.videoId}`;
    this.set(uid, "processing");
    return this.videos.get(uid)!;
  }

  async details(uid: string) {
    this.check();
    return this.videos.get(uid) ?? null;
  }

  async update(uid: string, changes: object) {
    this.check();
    this.updates.push({ uid, changes });
  }

  async delete(uid: string) {
    this.check();
    this.deleted.push(uid);
    this.videos.delete(uid);
  }

  async requestDownload(uid: string): Promise<HostedDownload> {
    this.check();
    return { status: "ready", percentComplete: 100, url: `https://fake.stream/${uid}/downloads/default.mp4` };
  }

  /** Stream's captions per `uid/language`; a host with `makesCaptions` false makes none (like one without an API token). */
  readonly captions = new Map<string, { state: HostedCaptionState; vtt: string }>();
  makesCaptions = false;
  readonly captionRequests: string[] = [];

  async generateCaptions(uid: string, language: string): Promise<HostedCaptionState | null> {
    this.check();
    if (!this.makesCaptions) return null;
    this.captionRequests.push(`${uid}/${language}`);
    return this.captions.get(`${uid}/${language}`)?.state ?? "inprogress";
  }

  async captionsVtt(uid: string, language: string): Promise<string | null> {
    this.check();
    return this.captions.get(`${uid}/${language}`)?.vtt ?? null;
  }
}

export function depsWith(host: VideoHost | null, vars?: EnvVars): Deps {
  return testDeps({ videoHost: host && answeringVideoHost(host), vars });
}
