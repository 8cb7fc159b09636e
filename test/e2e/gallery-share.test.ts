// A picture's owner in Chromium: the grid shows every picture whole (a tall one is not cropped),
// the owner edits title, description and tags, copies the link to the picture's public page, which
// a signed-out visitor opens, then makes the picture private and the same link answers "no such
// picture" (404). Every screen is checked at 390 and 1280 px.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { landscapePng } from "./sample-picture";
import { checkScreen, computedStyle } from "./screens";

const PORT = testPort(8970);

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = (path = "") => `${origin()}/app/${path}`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "gallery-share-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** Uploads `bytes` as an image file and puts it in the gallery, through the API. */
async function publishPicture(account: Account, bytes: Buffer, title: string): Promise<{ id: string }> {
  const response = await fetch(`${origin()}/v1/files?purpose=image&name=${encodeURIComponent(`${title}.png`)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${account.accessToken}`, "content-type": "image/png" },
    body: bytes,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const file = (await response.json()) as { id: string };
  return callApi(origin(), account, "/v1/images", { fileId: file.id, title, tags: ["coast"] });
}

/** Waits until every picture on the page has loaded. */
async function picturesLoaded(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page
          .getByTestId("gallery-img")
          .evaluateAll((all) =>
            all.every(
              (i) => (i as unknown as { complete: boolean; naturalWidth: number }).complete && (i as unknown as { naturalWidth: number }).naturalWidth > 0,
            ),
          ),
      { timeout: 20_000 },
    )
    .toBe(true);
}

describe("sharing and editing a gallery picture", () => {
  it("edits, copies the public link, shows it signed out, and hides it when made private", async () => {
    const owner = await registerAccount(origin(), "Marta Shore");
    const tall = await publishPicture(owner, landscapePng(240, 520), "Lighthouse");
    await publishPicture(owner, landscapePng(640, 240), "Bay panorama");

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: origin() });
    const page = await context.newPage();
    await signInToApp(page, appUrl(), owner);

    await page.goto(appUrl("gallery/mine"));
    await expect.poll(() => page.getByTestId("gallery-item").count()).toBe(2);
    await picturesLoaded(page);
    // Not cropped: the whole tall picture fits inside its cell.
    const fit = await computedStyle(page.locator(`[data-image-id="${tall.id}"] img`), "object-fit");
    expect(fit).toBe("contain");
    await checkScreen(page, "gallery-mine-whole-pictures");

    await page.locator(`[data-image-id="${tall.id}"] a`).click();
    await page.getByTestId("image-page").waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: "Edit the picture" });
    await form.getByLabel("Title").fill("Lighthouse at dusk");
    await form.getByLabel("Description").fill("The old light on the north cape, a long way from the road.");
    await form.getByLabel("Tags").fill("coast, Lighthouse");
    await checkScreen(page, "gallery-edit-picture");
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Lighthouse at dusk" }).waitFor();
    await expect.poll(() => page.getByRole("list", { name: "Tags" }).textContent()).toBe("#coast#lighthouse");
    expect((await callApi(origin(), owner, `/v1/images/${tall.id}`)).description).toBe("The old light on the north cape, a long way from the road.");

    const share = page.getByTestId("share-control");
    await expect.poll(() => share.textContent()).toContain("Public");
    await share.getByRole("button", { name: "Copy link" }).click();
    await share.getByText("Link copied").waitFor();
    const link = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    expect(link).toBe(`${origin()}/pictures/${tall.id}`);
    expect(await share.getByLabel("Link to the picture").inputValue()).toBe(link);
    await checkScreen(page, "gallery-share-picture");

    // Someone without an account opens the link.
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const outside = await visitor.newPage();
    const opened = await outside.goto(link);
    expect(opened?.status()).toBe(200);
    await outside.getByRole("heading", { name: "Lighthouse at dusk" }).waitFor();
    expect(await outside.getByText("by Marta Shore").count()).toBe(1);
    await expect
      .poll(() => outside.locator("figure img").evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await checkScreen(outside, "gallery-public-picture");

    await share.getByRole("button", { name: "Make private" }).click();
    await expect.poll(() => share.textContent()).toContain("only you see it");
    expect(await share.getByRole("button", { name: "Copy link" }).count()).toBe(0);
    const hidden = await outside.goto(link);
    expect(hidden?.status()).toBe(404);
    await outside.getByRole("heading", { name: "No such picture" }).waitFor();
    await checkScreen(outside, "gallery-picture-not-found");

    // Only the owner still finds it, marked private in their list; the public feed does not show it.
    await page.goto(appUrl("gallery/mine"));
    await expect.poll(() => page.locator(`[data-image-id="${tall.id}"]`).textContent()).toContain("Private");
    await page.goto(appUrl("gallery"));
    await page.getByTestId("gallery-item").first().waitFor();
    expect(await page.locator(`[data-image-id="${tall.id}"]`).count()).toBe(0);

    await visitor.close();
    await context.close();
  }, 420_000);
});
