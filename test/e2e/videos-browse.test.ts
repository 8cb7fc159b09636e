// Browsing and searching videos in Chromium, and a video's public page: cards with thumbnail,
// author, length and views; a search by words of the title and by #tag that survives a reload; the
// public page headed by the product's name with a poster before playing. Screens at 390 and 1280 px.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { PRODUCT_NAME } from "../../shared/product";
import { webhookSignature } from "../../shared/video/webhook-signature";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { landscapePng } from "./sample-picture";
import { RECORD_VIDEO } from "./sample-video";
import { checkScreen } from "./screens";

const PORT = testPort(8974);
const ADMIN_EMAIL = "admin@videos-browse-e2e.test";

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = (path = "") => `${origin()}/app/${path}`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "videos-browse-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, VIDEO_CHECK_DELAY_SECONDS: "1" } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** A video uploaded through the API, waited for until Stream (the local emulation) is done, and approved. */
async function publishedVideo(owner: Account, admin: Account, bytes: Buffer, body: Record<string, unknown>, thumbnail?: Buffer): Promise<string> {
  const { video, upload } = await callApi(origin(), owner, "/v1/videos", body);
  const put = await fetch(new URL(upload.url, origin()), {
    method: upload.method,
    headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "video/webm" },
    body: bytes,
  });
  expect(put.status, await put.clone().text()).toBeLessThan(300);
  await expect.poll(async () => (await callApi(origin(), owner, `/v1/videos/${video.id}`)).status, { timeout: 60_000 }).toBe("moderation");
  if (thumbnail) {
    const stored = await fetch(`${origin()}/v1/files?purpose=video-thumbnail&name=poster.png`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "image/png" },
      body: thumbnail,
    });
    const file = (await stored.json()) as { id: string };
    await callApi(origin(), owner, `/v1/videos/${video.id}`, { thumbnailFileId: file.id }, "PATCH");
  }
  await streamReportsLength(video.id, 3.2);
  await callApi(origin(), admin, `/v1/videos/${video.id}/approve`, {});
  return video.id as string;
}

/**
 * Stream's signed webhook with the video's length. The local Stream emulation never knows a
 * length (it reports -1), so the test speaks for Stream here, as Stream would once it knows.
 */
async function streamReportsLength(videoId: string, seconds: number): Promise<void> {
  const [row] = server.query(`SELECT stream_uid FROM videos WHERE id = '${videoId}'`);
  const devVars = readFileSync(path.join(import.meta.dirname, "..", "..", ".dev.vars"), "utf8");
  const secret = /^VIDEO_WEBHOOK_SECRET='?([^'\n]+)'?$/m.exec(devVars)?.[1];
  if (!row?.stream_uid || !secret) throw new Error("No Stream uid or webhook secret for the video");
  const body = JSON.stringify({ uid: row.stream_uid, readyToStream: true, status: { state: "ready" }, duration: seconds });
  const time = String(Math.floor(Date.now() / 1000));
  const sig = await webhookSignature(secret, time, body);
  const response = await fetch(`${origin()}/v1/webhooks/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-signature": `time=${time},sig1=${sig}` },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

const cardTitles = (page: Page) => page.getByTestId("video-card").locator(".video-card-title").allTextContents();

describe("browsing, searching and sharing videos", () => {
  it("shows cards with thumbnail, author, length and views; searches by title and tag; the public page has a poster and the product's name", async () => {
    const admin = await registerAccount(origin(), "Ada Admin", ADMIN_EMAIL);
    const owner = await registerAccount(origin(), "Nora Film");
    const viewer = await registerAccount(origin(), "Ben Browse");

    const recorder = await browser.newPage();
    await recorder.goto(`${origin()}/`);
    const webm = Buffer.from(await recorder.evaluate<string>(RECORD_VIDEO), "base64");
    await recorder.close();
    const harbour = await publishedVideo(owner, admin, webm, { title: "Harbour at dawn", tags: ["harbour", "boats"] }, landscapePng(640, 360));
    await publishedVideo(owner, admin, webm, { title: "Boats leaving the harbour", tags: ["boats"] });
    await publishedVideo(owner, admin, webm, { title: "Forest rain", tags: ["forest"] });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToApp(page, appUrl(), viewer);
    await page.goto(appUrl("videos/browse"));
    await expect.poll(() => cardTitles(page)).toEqual(["Forest rain", "Boats leaving the harbour", "Harbour at dawn"]);
    const card = page.locator(`[data-video-id="${harbour}"]`);
    await expect.poll(() => card.getByTestId("video-author").textContent()).toBe("Nora Film");
    await expect.poll(() => card.locator(".video-thumb img").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await card.locator(".video-duration").textContent()).toMatch(/^0:0[2-4]$/);
    expect(await card.textContent()).toContain("0 views");
    await checkScreen(page, "videos-browse-cards");

    // Words of the title: any case, every word; the address keeps the search.
    await page.getByLabel("Search videos by title or #tag").fill("HARBOUR boats");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => cardTitles(page)).toEqual(["Boats leaving the harbour"]);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe("/app/videos/browse/search/HARBOUR boats");
    await page.reload();
    await expect.poll(() => cardTitles(page)).toEqual(["Boats leaving the harbour"]);
    // A tag, then a tag with words.
    await page.getByLabel("Search videos by title or #tag").fill("#boats");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => cardTitles(page)).toEqual(["Boats leaving the harbour", "Harbour at dawn"]);
    expect(new URL(page.url()).pathname).toBe("/app/videos/browse/tags/boats");
    await page.getByLabel("Search videos by title or #tag").fill("dawn #boats");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => cardTitles(page)).toEqual(["Harbour at dawn"]);
    await checkScreen(page, "videos-search");
    await page.getByLabel("Search videos by title or #tag").fill("submarine");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No video matches that.").waitFor();
    await checkScreen(page, "videos-search-empty");

    // The public page, signed out: the product's name, and the poster before anything plays.
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const outside = await visitor.newPage();
    expect((await outside.goto(`${origin()}/v/${harbour}`))?.status()).toBe(200);
    await outside.getByRole("heading", { name: "Harbour at dawn" }).waitFor();
    expect(await outside.locator("header.site").textContent()).toBe(PRODUCT_NAME);
    const player = outside.locator("video");
    const poster = await player.getAttribute("poster");
    expect(poster).toMatch(/\/v1\/files\/[^/]+\/content$/);
    expect((await fetch(poster!)).headers.get("content-type")).toBe("image/png");
    expect(await player.evaluate((video) => (video as unknown as { paused: boolean }).paused)).toBe(true);
    await checkScreen(outside, "videos-public-page-poster");
    await visitor.close();
    await context.close();
  }, 300_000);
});
