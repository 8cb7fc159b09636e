// The gallery, the videos and their moderation in Chromium (playwright-core driving Debian's
// Chromium, the app served by `wrangler dev`): two pictures uploaded (one with the button, one
// dropped) and shown at the variant their layout needs, liked by someone else; a video recorded in
// the page, uploaded, rejected by a moderator with a reason the owner sees live, edited, approved,
// played and reported. Screenshots of every screen at 1280 and 390 px go to docs/screenshots/.
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { checkScreen, middleY } from "./screens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { landscapePng } from "./sample-picture";
import { RECORD_VIDEO } from "./sample-video";

const PORT = testPort(8906);
const SHOTS = "docs/screenshots";
const ADMIN_EMAIL = "admin@gallery-videos-e2e.test";
const WIDE = { width: 1280, height: 820 };
const PHONE = { width: 390, height: 844 };

let server: DevServer;
let browser: Browser;
const appUrl = (path = "") => `http://localhost:${PORT}/app/${path}`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The video.check job asks the local Stream emulation after a second instead of minutes.
  server = await startDevServer({ port: PORT, name: "gallery-videos-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, VIDEO_CHECK_DELAY_SECONDS: "1" } });
  browser = await launchChromium({ autoplay: true });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

let counter = 0;
const uniqueEmail = (name: string) => `${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}-${counter++}@example.com`;

async function register(email: string, displayName: string, password: string): Promise<{ accessToken: string; user: { id: string } }> {
  const response = await fetch(`${server.url}/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${counter++ % 250}` },
    body: JSON.stringify({ email, password, displayName }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { accessToken: string; user: { id: string } };
}

async function signUp(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(uniqueEmail(name));
  await page.getByLabel("Password").fill(`correct horse ${Math.random()}`);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await page.getByTestId("me-name").filter({ hasText: name }).waitFor();
  return page;
}

async function signIn(context: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await page.getByTestId("me-name").waitFor();
  return page;
}

/**
 * Waits until every picture of the grid has loaded, then answers which URL each one chose and how
 * many pixels wide that file is (decoded again on its own: an <img> with srcset reports its
 * naturalWidth in CSS pixels, divided by the density it was chosen for).
 */
async function chosenVariants(page: Page): Promise<{ src: string; pixels: number }[]> {
  const images = page.getByTestId("gallery-img");
  const loaded = () =>
    images.evaluateAll((all) =>
      all.every((i) => (i as unknown as { complete: boolean; naturalWidth: number }).complete && (i as unknown as { naturalWidth: number }).naturalWidth > 0),
    );
  await poll(loaded).toBe(true);
  return images.evaluateAll((all) =>
    Promise.all(
      all.map(async (i) => {
        const src = (i as unknown as { currentSrc: string }).currentSrc;
        const scope = globalThis as unknown as { Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> } };
        const alone = new scope.Image();
        alone.src = src;
        await alone.decode();
        return { src, pixels: alone.naturalWidth };
      }),
    ),
  );
}

/** expect.poll with room for a shared machine: uploads, the queue and the hub take seconds, not the default one. */
const poll = <T>(check: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(check, { timeout: 20_000, ...options });

const widthOf = (src: string) => Number(new URL(src).searchParams.get("width"));

/** Drags a picture onto the gallery's upload panel and drops it there. */
async function dropPicture(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.getByTestId("gallery-upload").evaluate(
    (target, { name, base64 }) => {
      const scope = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } };
        DragEvent: new (type: string, init: object) => Event;
      };
      const data = new scope.DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: "image/png" }));
      for (const type of ["dragenter", "dragover", "drop"])
        target.dispatchEvent(new scope.DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { name, base64: bytes.toString("base64") },
  );
}

describe("the gallery, videos and moderation in Chromium", () => {
  let alice: Page;
  let bob: Page;
  let moderator: Page;
  let imageIds: string[] = [];
  let videoId = "";

  beforeAll(async () => {
    const contexts = await Promise.all([
      browser.newContext({ viewport: WIDE }),
      browser.newContext({ viewport: PHONE }),
      browser.newContext({ viewport: WIDE }),
    ]);
    alice = await signUp(contexts[0]!, "Alice Lens");
    bob = await signUp(contexts[1]!, "Bob Viewer");
    // The moderator: an account an admin gave the role through the admin API, signed in through the app.
    const admin = await register(ADMIN_EMAIL, "Admin", "admin password for gallery e2e");
    const moderatorEmail = uniqueEmail("Mona Moderator");
    const made = await register(moderatorEmail, "Mona Moderator", "moderator password for gallery e2e");
    const role = await fetch(`${server.url}/v1/admin/users/${made.user.id}/role`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({ role: "moderator" }),
    });
    expect(role.status, await role.clone().text()).toBe(200);
    moderator = await signIn(contexts[2]!, moderatorEmail, "moderator password for gallery e2e");
  }, 120_000);

  it("uploads two pictures (the button and a drop) and shows them in the feed at the variant the layout needs", async () => {
    await alice.goto(appUrl("gallery"));
    await alice.getByText("The gallery is empty.").waitFor();
    await alice.getByLabel("Tags").fill("harbour, sea");
    await alice.getByTestId("gallery-file-input").setInputFiles({ name: "morning-harbour.png", mimeType: "image/png", buffer: landscapePng(1600, 1000) });
    await dropPicture(alice, "evening-hills.png", landscapePng(1400, 900));
    await poll(() => alice.getByTestId("gallery-upload-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-status")))).toEqual([
      "done",
      "done",
    ]);
    await poll(() => alice.getByTestId("gallery-item").count()).toBe(2);

    // 1280 px wide: grid cells of about 280 CSS px at 1x, so the 512 px variant (the first wide enough) is chosen.
    const wide = await chosenVariants(alice);
    expect(wide.map((v) => widthOf(v.src))).toEqual([512, 512]);
    expect(wide.map((v) => v.pixels)).toEqual([512, 512]);
    imageIds = await alice.getByTestId("gallery-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-image-id")!));
    await checkScreen(alice, "gallery-feed");
    // On a phone each finished upload's "Open" stays on the line of its "In the gallery" (it wrapped
    // under the file's name, alone at the start of a line).
    await alice.setViewportSize(PHONE);
    for (const item of await alice.getByTestId("gallery-upload-item").all()) {
      expect(Math.abs((await middleY(item.getByText("In the gallery"))) - (await middleY(item.getByRole("link", { name: "Open" }))))).toBeLessThan(4);
    }
    await alice.setViewportSize(WIDE);

    // A phone: two columns of about 177 px, so the 256 px variant.
    await bob.goto(appUrl("gallery"));
    await poll(() => bob.getByTestId("gallery-item").count()).toBe(2);
    const phone = await chosenVariants(bob);
    expect(phone.map((v) => widthOf(v.src))).toEqual([256, 256]);
    expect(phone.map((v) => v.pixels)).toEqual([256, 256]);

    await alice.goto(appUrl("gallery/tags/harbour"));
    await poll(() => alice.getByTestId("gallery-item").count()).toBe(2);
    await alice.goto(appUrl("gallery/mine"));
    await poll(() => alice.getByTestId("gallery-item").count()).toBe(2);
    await checkScreen(alice, "gallery-mine");
  });

  it("another user likes a picture; its owner sees the like", async () => {
    const [newest] = imageIds;
    await bob.goto(appUrl(`gallery/images/${newest}`));
    const like = bob.getByTestId("like-button");
    await poll(() => bob.getByTestId("like-count").textContent()).toBe("0");
    await like.click();
    await poll(() => like.getAttribute("aria-pressed")).toBe("true");
    await poll(() => bob.getByTestId("like-count").textContent()).toBe("1");
    expect(await bob.getByRole("button", { name: "Delete" }).count()).toBe(0);
    await checkScreen(bob, "gallery-image");

    await alice.goto(appUrl(`gallery/images/${newest}`));
    await poll(() => alice.getByTestId("like-count").textContent()).toBe("1");
    expect(await alice.getByRole("button", { name: "Delete" }).count()).toBe(1);

    // Deleting asks first, then the picture is gone from the owner's list.
    await alice.goto(appUrl(`gallery/images/${imageIds[1]}`));
    await alice.getByRole("button", { name: "Delete" }).click();
    const confirm = alice.getByRole("alertdialog", { name: "Delete this picture?" });
    await confirm.getByRole("button", { name: "Delete" }).click();
    await alice.waitForURL(/\/app\/gallery\/mine$/);
    await poll(() => alice.getByTestId("gallery-item").count()).toBe(1);
  });

  it("uploads a video that a moderator rejects with a reason the owner sees live; edited, approved, it plays", async () => {
    await alice.goto(appUrl("videos"));
    // A file is chosen, then sent: on a desktop "Choose a video file" comes first, "Upload" beside it.
    const [choose, upload] = [alice.getByRole("button", { name: "Choose a video file" }), alice.getByRole("button", { name: "Upload", exact: true })];
    expect(Math.abs((await middleY(choose)) - (await middleY(upload))), "Choose and Upload on one line").toBeLessThan(2);
    expect((await choose.boundingBox())!.x).toBeLessThan((await upload.boundingBox())!.x);
    const webm = Buffer.from(await alice.evaluate<string>(RECORD_VIDEO), "base64");
    expect(webm.length).toBeGreaterThan(1000);
    await alice.getByLabel("Title").fill("Harbour at dawn");
    await alice.getByLabel("Tags").fill("harbour");
    await alice.getByTestId("video-file-input").setInputFiles({ name: "harbour.webm", mimeType: "video/webm", buffer: webm });
    await alice.getByRole("button", { name: "Upload", exact: true }).click();
    const card = alice.getByTestId("video-card").first();
    await card.waitFor();
    videoId = (await card.getAttribute("data-video-id"))!;
    // Stream (the local emulation) is done within seconds: the hub moves the card to review without a reload.
    await poll(() => card.getByTestId("video-status").getAttribute("data-status"), { timeout: 30_000 }).toBe("moderation");
    expect(await card.getByText("Waiting for review").count()).toBe(1);
    await checkScreen(alice, "videos-mine");

    await moderator.goto(appUrl("moderation/videos"));
    const item = moderator.locator(`[data-testid="moderation-item"][data-video-id="${videoId}"]`);
    await item.waitFor();
    await item.getByText("by Alice Lens").waitFor();
    await checkScreen(moderator, "moderation-videos");
    await item.getByRole("button", { name: "Reject…" }).click();
    await item.getByLabel("Reason (the owner sees it)").fill("The picture is upside down for the first seconds.");
    await item.getByRole("button", { name: "Reject", exact: true }).click();
    await poll(() => item.count()).toBe(0);

    // The owner's list shows the rejection and its reason as it happens.
    await poll(() => card.getByTestId("video-status").getAttribute("data-status")).toBe("rejected");
    expect(await card.getByTestId("status-reason").textContent()).toBe("The picture is upside down for the first seconds.");
    await checkScreen(alice, "videos-rejected");

    await alice.goto(appUrl(`videos/${videoId}/edit`));
    await alice.getByLabel("Title").fill("Harbour at dawn, the right way up");
    await alice.getByLabel("Description").fill("Boats leaving at first light.");
    await alice.getByRole("button", { name: "Save changes" }).click();
    await alice.getByText("Saved.").waitFor();
    await checkScreen(alice, "videos-edit");

    await moderator.goto(appUrl("moderation/videos/rejected"));
    const rejected = moderator.locator(`[data-testid="moderation-item"][data-video-id="${videoId}"]`);
    await rejected.getByText("Harbour at dawn, the right way up").waitFor();
    await rejected.getByText("History").click();
    await rejected.getByTestId("video-history").getByText("The picture is upside down for the first seconds.").waitFor();
    expect(await rejected.getByTestId("video-history").getByText("Mona Moderator").count()).toBeGreaterThan(0);
    await checkScreen(moderator, "moderation-rejected");
    await rejected.getByRole("button", { name: "Approve after all" }).click();
    await poll(() => rejected.count()).toBe(0);

    await alice.goto(appUrl("videos"));
    await poll(() => alice.getByTestId("video-card").first().getByTestId("video-status").getAttribute("data-status")).toBe("approved");
    expect(await alice.getByTestId("video-card").first().getByText("Published").count()).toBe(1);

    // Someone else finds it among everyone's videos and plays it.
    await bob.goto(appUrl("videos/browse"));
    await bob.locator(`[data-testid="video-card"][data-video-id="${videoId}"] a.video-card-link`).click();
    await bob.getByRole("heading", { name: "Harbour at dawn, the right way up" }).waitFor();
    const player = bob.getByTestId("video-player");
    await player.evaluate((video) => (video as unknown as { muted: boolean; play(): Promise<void> }).play());
    await poll(() => player.evaluate((video) => (video as unknown as { currentTime: number; readyState: number }).readyState), {
      timeout: 20_000,
    }).toBeGreaterThanOrEqual(2);
    await poll(() => player.evaluate((video) => (video as unknown as { currentTime: number }).currentTime), { timeout: 20_000 }).toBeGreaterThan(0);
    await checkScreen(bob, "videos-player");

    // The public page: no script, the same video, a preview for shared links.
    await bob.goto(`http://localhost:${PORT}/v/${videoId}`);
    expect(await bob.locator('meta[property="og:title"]').getAttribute("content")).toBe("Harbour at dawn, the right way up");
    expect(await bob.locator('meta[property="og:video"]').getAttribute("content")).toContain("/__cf_local/stream/");
    expect(await bob.locator("script").count()).toBe(0);
    const plain = bob.locator("video");
    await plain.evaluate((video) => (video as unknown as { play(): Promise<void> }).play());
    await poll(() => plain.evaluate((video) => (video as unknown as { readyState: number }).readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await checkScreen(bob, "videos-public-page");
  });

  it("a report reaches the moderators' Reports tab, where the video is kept", async () => {
    await bob.goto(appUrl(`videos/${videoId}`));
    await bob.getByRole("button", { name: "Report" }).click();
    await bob.getByLabel("What is wrong with it?").selectOption("misleading");
    await bob.getByLabel("Anything the moderators should know").fill("The title says dawn, it looks like dusk.");
    await bob.getByRole("button", { name: "Send report" }).click();
    await bob.getByText("Thank you. The moderators will look at it.").waitFor();
    await bob.getByRole("button", { name: "Close" }).click();

    await moderator.goto(appUrl("moderation/reports"));
    const item = moderator.locator(`[data-testid="moderation-item"][data-video-id="${videoId}"]`);
    await item.getByText("The title says dawn, it looks like dusk.").waitFor();
    await item.getByText("from Bob Viewer").waitFor();
    await checkScreen(moderator, "moderation-reports");
    await item.getByRole("button", { name: "Keep the video" }).click();
    await poll(() => item.count()).toBe(0);
  });
});
