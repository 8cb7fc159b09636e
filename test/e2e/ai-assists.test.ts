// The AI assists in Chromium (the app served by `wrangler dev`, the development model answering):
// a moderator sees the advisory AI hint on a queued picture and on a queued video, and a viewer
// turns on the captions the transcript model made for a video and the track shows their cue text.
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
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

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
  await expect
    .poll(async () => (await callApi<{ status: string }>(server.url, owner, `/v1/videos/${video.id}`)).status, { timeout: 60_000, interval: 1000 })
    .toBe("moderation");
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
    pictureId = await publishPicture(owner, "Harbour at dawn");
    videoId = await queuedVideo(owner, "Walking the harbour");
    // The queue consumer asks the development model; both hints and the captions arrive on their own.
    await expect
      .poll(async () => (await callApi<{ status: string }>(server.url, admin, `/v1/moderation/hints/image/${pictureId}`)).status, { timeout: 60_000 })
      .toBe("completed");
    await expect
      .poll(async () => (await callApi<{ status: string }>(server.url, admin, `/v1/moderation/hints/video/${videoId}`)).status, { timeout: 60_000 })
      .toBe("completed");
  }, 420_000);

  it("a moderator sees the advisory AI hint on a queued picture and on a queued video", async () => {
    const page = await signedIn(admin);
    await page.goto(appUrl("moderation/pictures"));
    const picture = page.locator(`[data-image-id="${pictureId}"]`);
    await picture.getByTestId("ai-hint").waitFor();
    expect(await picture.getByTestId("ai-hint").textContent()).toMatch(/^AI hint: .+%.*Advisory only/);
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

  it("a viewer turns on the video's captions and the track shows their cue text", async () => {
    await expect
      .poll(async () => (await callApi<{ items: { status: string }[] }>(server.url, owner, `/v1/videos/${videoId}/captions`)).items[0]?.status, {
        timeout: 60_000,
      })
      .toBe("ready");
    const vtt = await (await fetch(`${server.url}/v1/videos/${videoId}/captions/en.vtt`)).text();
    const firstCue = vtt.split("\n\n")[1]!.split("\n").slice(1).join("\n");
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
