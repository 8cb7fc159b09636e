// The AI assists in Chromium (the app served by `wrangler dev`, the development model answering):
// a moderator sees the advisory AI hint on a queued picture and on a queued video, and keeps the
// picture when the hint was wrong; a viewer turns on the captions the transcript model made for a
// video and the track shows their cue text; an owner whose video has no captions makes them.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { tinyMp4 } from "../../bench/lib/tiny-mp4.mjs";
import { type Account, callApi, registerAccount, signInToApp, uniqueEmail } from "./app";
import { launchChromium } from "./browser";
import { landscapePng } from "./sample-picture";
import { checkScreen } from "./screens";

const PORT = testPort(8975);
const ADMIN_EMAIL = uniqueEmail("ai assists admin");

let server: DevServer;
let browser: Browser;
const appUrl = (path = "") => `http://localhost:${PORT}/app/${path}`;

beforeAll(async () => {
  // The video.check job asks the local Stream emulation after a second instead of minutes.
  server = await startDevServer({ port: PORT, name: "ai-assists-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, VIDEO_CHECK_DELAY_SECONDS: "1" } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/**
 * Polls `read` until it answers `expected` (each second, up to `timeoutMs`). vitest's expect.poll
 * works only inside a test, and the set-up below waits in a beforeAll.
 */
async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`still ${JSON.stringify(last)} after ${timeoutMs / 1000} s, not ${JSON.stringify(expected)}`);
}

/** A picture published to the gallery through the API, as the upload screen does. */
async function publishPicture(owner: Account, title: string): Promise<string> {
  const upload = await fetch(`${server.url}/v1/files?purpose=image&name=${encodeURIComponent(`${title}.png`)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "image/png" },
    body: landscapePng(),
  });
  expect(upload.status, await upload.clone().text()).toBe(201);
  const file = (await upload.json()) as { id: string };
  return (await callApi<{ id: string }>(server.url, owner, "/v1/images", { fileId: file.id, title })).id;
}

/** A video uploaded through the Worker to the local Stream emulation, waited for until it is in the moderation queue. */
async function queuedVideo(owner: Account, title: string): Promise<string> {
  const { video } = await callApi<{ video: { id: string } }>(server.url, owner, "/v1/videos", { title });
  const put = await fetch(`${server.url}/v1/videos/${video.id}/content`, {
    method: "PUT",
    headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "video/mp4" },
    body: tinyMp4(),
  });
  expect(put.status, await put.clone().text()).toBe(202);
  await until(async () => (await callApi<{ status: string }>(server.url, owner, `/v1/videos/${video.id}`)).status, "moderation");
  return video.id;
}

async function signedIn(account: Account): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInToApp(page, appUrl(), account);
  return page;
}

describe("AI assists", () => {
  let admin: Account;
  let owner: Account;
  let pictureId: string;
  let videoId: string;

  beforeAll(async () => {
    admin = await registerAccount(server.url, "Moderating Admin", ADMIN_EMAIL);
    owner = await registerAccount(server.url, "Uploading Owner");
    // The development model flags what the uploader's words name: here spam, wrongly, so a moderator keeps it.
    pictureId = await publishPicture(owner, "Harbour at dawn, no spam");
    videoId = await queuedVideo(owner, "Walking the harbour");
    // The queue consumer asks the development model; both hints and the captions arrive on their own.
    await until(async () => (await callApi<{ status: string }>(server.url, admin, `/v1/moderation/hints/image/${pictureId}`)).status, "completed");
    await until(async () => (await callApi<{ status: string }>(server.url, admin, `/v1/moderation/hints/video/${videoId}`)).status, "completed");
  }, 420_000);

  it("a moderator sees the advisory AI hint on a queued picture and on a queued video", async () => {
    const page = await signedIn(admin);
    await page.goto(appUrl("moderation/pictures"));
    const picture = page.locator(`[data-image-id="${pictureId}"]`);
    await picture.getByTestId("ai-hint").waitFor();
    expect(await picture.getByTestId("ai-hint").textContent()).toMatch(/^AI hint: .+%.*Advisory only/);
    // The moderator judges the picture itself: it is shown, not its grey stand-in.
    await expect
      .poll(() => picture.getByTestId("gallery-img").evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await checkScreen(page, "moderation-pictures-ai-hint");

    await page.goto(appUrl("moderation/videos"));
    const video = page.locator(`[data-video-id="${videoId}"]`);
    await video.getByTestId("ai-hint").waitFor();
    expect(await video.getByTestId("ai-hint").textContent()).toMatch(/^AI hint: .+%.*Advisory only/);
    // the moderator still decides
    await video.getByRole("button", { name: "Approve" }).click();
    await expect.poll(async () => (await callApi<{ status: string }>(server.url, owner, `/v1/videos/${videoId}`)).status).toBe("approved");
    await checkScreen(page, "moderation-videos-ai-hint");
  }, 120_000);

  it("a moderator keeps a picture the AI hint was wrong about: the hint says so, the picture stays, it leaves the flagged view", async () => {
    const page = await signedIn(admin);
    await page.goto(appUrl("moderation/pictures"));
    const picture = page.locator(`[data-image-id="${pictureId}"]`);
    await picture.getByRole("button", { name: "Keep" }).click();
    const banner = page.getByRole("status").filter({ hasText: "“Harbour at dawn, no spam” kept" });
    await banner.waitFor();
    expect(await banner.textContent()).toBe("“Harbour at dawn, no spam” kept: the AI hint is marked wrong, and the picture stays.");
    expect(await picture.getByTestId("ai-hint").textContent()).toMatch(/A moderator kept it: the hint was wrong\.$/);
    expect(await picture.getByRole("button", { name: "Keep" }).count()).toBe(0);
    expect((await callApi<{ status: string }>(server.url, admin, `/v1/moderation/hints/image/${pictureId}`)).status).toBe("kept");
    expect((await fetch(`${server.url}/v1/images/${pictureId}`)).status).toBe(200);
    await checkScreen(page, "moderation-pictures-kept");

    await page.goto(appUrl("moderation/pictures/flagged"));
    await page.getByRole("link", { name: "Flagged by the AI", exact: true }).waitFor();
    await expect.poll(() => page.locator(".empty-state, [data-testid='moderation-picture']").count()).toBeGreaterThan(0);
    expect(await page.locator(`[data-image-id="${pictureId}"]`).count()).toBe(0);
  }, 120_000);

  it("an owner whose video has no captions presses Make captions and they appear", async () => {
    const id = await queuedVideo(owner, "Harbour without captions");
    await expect
      .poll(async () => (await callApi<{ items: { status: string }[] }>(server.url, owner, `/v1/videos/${id}/captions`)).items[0]?.status, {
        timeout: 60_000,
      })
      .toBe("ready");
    // A video that was ready before captions existed: no row at all (no endpoint deletes captions).
    server.query(`DELETE FROM video_captions WHERE video_id = '${id}'`);
    const page = await signedIn(owner);
    await page.goto(appUrl(`videos/${id}`));
    const make = page.getByRole("button", { name: "Make captions" });
    await make.waitFor();
    expect(await page.getByTestId("owner-captions").textContent()).toContain("This video has no captions yet.");
    await checkScreen(page, "video-make-captions");
    await make.click();
    // "Captions are being made…" shows while the queue consumer works (the page looks again every 4 s), then the player's toggle once they are ready.
    await page.getByText("Captions are being made…").waitFor();
    const toggle = page.getByTestId("captions-toggle");
    await toggle.waitFor({ timeout: 60_000 });
    expect(await toggle.textContent()).toBe("Show captions (English)");
    expect(await page.getByTestId("owner-captions").count()).toBe(0);
    expect((await callApi<{ items: { status: string }[] }>(server.url, owner, `/v1/videos/${id}/captions`)).items).toMatchObject([{ status: "ready" }]);
    await checkScreen(page, "video-captions-made");
  }, 180_000);

  it("a viewer turns on the video's captions and the track shows their cue text", async () => {
    await expect
      .poll(async () => (await callApi<{ items: { status: string }[] }>(server.url, owner, `/v1/videos/${videoId}/captions`)).items[0]?.status, {
        timeout: 60_000,
      })
      .toBe("ready");
    const vtt = await (await fetch(`${server.url}/v1/videos/${videoId}/captions/en.vtt`)).text();
    const firstCue = vtt.split("\n\n")[1]!.trimEnd().split("\n").slice(1).join("\n");
    const viewer = await registerAccount(server.url, "Caption Viewer");
    const page = await signedIn(viewer);
    await page.goto(appUrl(`videos/${videoId}`));
    const toggle = page.getByTestId("captions-toggle");
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe("Show captions (English)");
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await expect
      .poll(() =>
        page.evaluate(() => {
          const track = (
            globalThis as unknown as {
              document: { querySelector(s: string): { textTracks: ArrayLike<{ mode: string; cues: ArrayLike<{ text: string }> | null }> } };
            }
          ).document.querySelector("video").textTracks[0];
          return track?.mode === "showing" && track.cues && track.cues.length > 0 ? track.cues[0]!.text : null;
        }),
      )
      .toBe(firstCue);
    await checkScreen(page, "video-captions");
  }, 120_000);
});
