import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { tinyMp4 } from "../../bench/lib/tiny-mp4.mjs";

const PORT = testPort(8820);

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "video-upload-e2e", vars: { VIDEO_CHECK_DELAY_SECONDS: "1" } });
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (typeof init.body === "string") headers.set("content-type", "application/json");
  return fetch(path.startsWith("http") ? path : `${server.url}${path}`, { ...init, headers });
}

describe("a video uploaded through the Worker into the local Stream emulation (npm run dev)", () => {
  it("goes uploading -> processing -> moderation, and Stream holds exactly the bytes sent", async () => {
    const registered = await call("/v1/auth/register", {
      method: "POST",
      headers: { "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 250)}` },
      body: JSON.stringify({ email: `video-${Date.now()}@example.com`, password: "a long enough password 123", displayName: "Video" }),
    });
    expect(registered.status).toBe(201);
    const token = ((await registered.json()) as { accessToken: string }).accessToken;

    const created = await call("/v1/videos", { method: "POST", token, body: JSON.stringify({ title: "Dev upload", tags: ["dev"] }) });
    expect(created.status).toBe(201);
    const { video, upload } = (await created.json()) as { video: { id: string; status: string }; upload: { method: string; url: string } };
    expect(video.status).toBe("uploading");
    expect(upload).toEqual({ method: "PUT", url: `http://localhost:${new URL(server.url).port}/v1/videos/${video.id}/content` });

    const bytes = tinyMp4(300_000);
    const put = await call(upload.url, { method: "PUT", token, body: bytes, headers: { "content-type": "video/mp4" } });
    expect(put.status, await put.clone().text()).toBe(202);
    expect(((await put.json()) as { status: string }).status).toBe("processing");

    // Webhooks never reach a laptop: the video.check job asks the emulation, which is ready at once.
    let status = "processing";
    for (let i = 0; i < 60 && status === "processing"; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = ((await (await call(`/v1/videos/${video.id}`, { token })).json()) as { status: string }).status;
    }
    expect(status).toBe("moderation");

    const playback = (await (await call(`/v1/videos/${video.id}/playback`, { token })).json()) as { token: string; hls: string };
    const uid = String(decodeJwt(playback.token).sub);
    expect(playback.hls).toContain(playback.token);
    const stored = await fetch(`${server.url}/__cf_local/stream/${uid}/watch`);
    expect(stored.status).toBe(200);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
  });
});
