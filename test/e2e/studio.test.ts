// The studio in a real browser (Debian's Chromium through playwright-core, the app served by
// `wrangler dev`): a project with boxes, a generation by the development provider seen going from
// queued to done live, a favourite and a headliner, a DOCX export downloaded, a share link opened
// signed out (a fresh browser context) and commented on, the comment then unread for the owner.
import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { checkedShot, checkScreen, computedStyle } from "./screens";
import { PRODUCT_NAME } from "../../shared/product";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";

const PORT = testPort(8931);
const SHOTS = "docs/screenshots";
const WIDE = { width: 1280, height: 860 };

let server: DevServer;
let browser: Browser;
const appUrl = (path = "") => `http://localhost:${PORT}/app/${path}`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // A poll every 2 s: the development image is queued, then running, for a few seconds before it is done.
  server = await startDevServer({ port: PORT, name: "studio-e2e", vars: { STUDIO_POLL_INTERVAL_SECONDS: "2" } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

async function signUp(page: Page, name: string): Promise<void> {
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(`${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill(`correct horse ${Math.random()}`);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
}

const boxNames = (page: Page) => page.getByTestId("studio-box").locator("strong").allTextContents();

describe("studio in the browser", () => {
  it("a project, boxes, a live generation, a favourite, a DOCX export, a share link commented on signed out", async () => {
    const context = await browser.newContext({ viewport: WIDE, acceptDownloads: true });
    const page = await context.newPage();
    page.on("console", (message) => message.type() === "error" && console.log("page error:", message.text()));
    try {
      await run(page);
    } catch (error) {
      await page.screenshot({ path: "test-results/studio-failure.png", fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 420_000);
});

async function run(page: Page): Promise<void> {
  await signUp(page, "Stella Studio");

  // The section is in the navigation; a new project.
  await page.locator('a[data-section="studio"]').click();
  await page.waitForURL(/\/app\/studio$/);
  await page.getByLabel("New project").fill("Spring campaign");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByTestId("studio-project").filter({ hasText: "Spring campaign" }).locator("a").click();
  await page.waitForURL(/\/app\/studio\/projects\/[^/]+$/);
  const projectPath = new URL(page.url()).pathname;

  // Boxes: added in order, reordered from the keyboard (Move down) and by dragging.
  for (const name of ["Opening shot", "Closing shot", "Credits"]) {
    await page.getByLabel("New box").fill(name);
    await page.getByRole("button", { name: "Add box" }).click();
    await expect.poll(() => boxNames(page)).toContain(name);
  }
  await page.getByRole("button", { name: "Move Opening shot down" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => boxNames(page)).toEqual(["Closing shot", "Opening shot", "Credits"]);
  // A drag of "Credits" onto "Closing shot", as the browser sends it (dragstart, dragover, drop,
  // dragend with one DataTransfer): Playwright's emulated drag did not reach the drop handler
  // reliably once the app's navigation rail moved the layout.
  // The list moves at once and the new order is saved behind it: the reload below waits for the save
  // (a reload before it loaded the old order, once on this machine).
  const orderSaved = page.waitForResponse((response) => response.request().method() === "PUT" && /\/boxes\/order$/.test(new URL(response.url()).pathname));
  await page.evaluate(() => {
    const scope = globalThis as unknown as {
      document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; dispatchEvent(event: unknown): boolean }> };
      DataTransfer: new () => unknown;
      DragEvent: new (type: string, init: object) => unknown;
    };
    const boxes = Array.from(scope.document.querySelectorAll('[data-testid="studio-box"]'));
    const from = boxes.find((box) => box.textContent?.includes("Credits"))!;
    const to = boxes.find((box) => box.textContent?.includes("Closing shot"))!;
    const dataTransfer = new scope.DataTransfer();
    const drag = (target: typeof from, type: string) => target.dispatchEvent(new scope.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
    drag(from, "dragstart");
    drag(to, "dragover");
    drag(to, "drop");
    drag(from, "dragend");
  });
  await expect.poll(() => boxNames(page)).toEqual(["Credits", "Closing shot", "Opening shot"]);
  expect((await orderSaved).status()).toBe(200);
  // The order is the server's: it survives a reload (and the deep link with it).
  await page.reload();
  await expect.poll(() => boxNames(page)).toEqual(["Credits", "Closing shot", "Opening shot"]);
  await page.getByRole("button", { name: /^Rename project/ }).click();
  await page.getByLabel("New name of the project").fill("Spring campaign 2027");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Spring campaign 2027");

  // A generation from a box: its card is queued at once, then done, live from the hub.
  await page.getByRole("link", { name: /Opening shot/ }).click();
  await page.waitForURL(/\/boxes\/[^/]+$/);
  await expect.poll(() => page.getByLabel("Model", { exact: true }).inputValue()).toBe("dev-image");
  // The models are listed under what they make, each by its own name alone.
  const modelList = page.locator("#generate-model optgroup");
  expect(await modelList.evaluateAll((groups) => groups.map((group) => (group as unknown as { label: string }).label))).toEqual(["Pictures", "Videos"]);
  expect(await modelList.first().locator("option").allTextContents()).toContain("Development image (drawn from the prompt)");
  // The form is the model's paramsSchema: a bad value is caught before anything is sent.
  await page.getByLabel("Width", { exact: true }).fill("5000");
  await page.getByLabel("Prompt", { exact: true }).fill("a red fox in fresh snow, cinematic");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect.poll(() => page.getByText("At most 1024").count()).toBe(1);
  expect(await page.getByTestId("studio-asset").count()).toBe(0);
  await page.getByLabel("Width", { exact: true }).fill("320");
  await page.evaluate(() => {
    // Every status a card shows, in order, as the page renders it.
    const w = globalThis as unknown as {
      seen: string[];
      MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void };
      document: { body: unknown; querySelectorAll(s: string): { getAttribute(n: string): string | null }[] };
    };
    w.seen = [];
    const record = () => {
      for (const card of w.document.querySelectorAll('[data-testid="studio-asset"]')) {
        const status = card.getAttribute("data-status")!;
        if (w.seen[w.seen.length - 1] !== status) w.seen.push(status);
      }
    };
    new w.MutationObserver(record).observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = page.getByTestId("studio-asset").first();
  await expect.poll(() => card.getAttribute("data-status")).toMatch(/pending|processing/);
  await expect.poll(() => card.getByTestId("asset-status").textContent()).toMatch(/Queued|Running/);
  await checkedShot(page, `${SHOTS}/studio-box-queued-1280.png`);
  await expect.poll(() => card.getAttribute("data-status"), { timeout: 45_000 }).toBe("completed");
  const seen = (await page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen)) as string[];
  expect(seen[0]).toBe("pending");
  expect(seen.at(-1)).toBe("completed");
  expect(seen).not.toContain("failed");
  // The picture is shown with its prompt as alt text, and the model by name.
  const image = card.locator("img");
  await expect.poll(() => image.getAttribute("alt")).toBe("a red fox in fresh snow, cinematic");
  await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  expect(await card.textContent()).toContain("Development image");

  // Favourite and headliner; the favourites filter finds it.
  await card.getByRole("button", { name: /Favourite/, pressed: false }).click();
  await expect.poll(() => card.getByRole("button", { name: /Favourite/, pressed: true }).count()).toBe(1);
  // Named by its words, then by the asset it is for (label in name: axe-core checks it).
  expect(await card.getByRole("button", { name: /Favourite/ }).getAttribute("aria-label")).toBeNull();
  expect(await card.getByRole("button", { name: /Favourite/ }).textContent()).toMatch(/^★ Favourite: a red fox in fresh snow/);
  await card.getByRole("button", { name: "Make headliner" }).click();
  await expect.poll(() => card.getByText("Headliner").count()).toBe(1);
  const boxAssets = page.getByRole("region", { name: "Assets", exact: true });
  await boxAssets.getByLabel("Favourites only").check();
  await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(1);
  await boxAssets.getByLabel("Favourites only").uncheck();
  await page.getByLabel("Search prompts").fill("cinem");
  await page.getByRole("button", { name: "Search" }).click();
  await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(1);
  await page.getByLabel("Search prompts").fill("whale");
  await page.getByRole("button", { name: "Search" }).click();
  await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(0);
  await page.getByLabel("Search prompts").fill("");
  await page.getByRole("button", { name: "Search" }).click();
  await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(1);
  await checkScreen(page, "studio-box");
  const boxPath = new URL(page.url()).pathname;

  // The project: a DOCX export downloaded (a ZIP container: PK).
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Spring campaign 2027" }).click();
  await page.waitForURL((url) => url.pathname === projectPath);
  await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(1);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download DOCX" }).click()]);
  expect(download.suggestedFilename()).toBe("Spring campaign 2027.docx");
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
  expect(bytes.length).toBeGreaterThan(1000);
  const [archive] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download ZIP" }).click()]);
  expect(archive.suggestedFilename()).toBe("Spring campaign 2027.zip");
  const zip = readFileSync((await archive.path())!);
  expect(zip.subarray(0, 2).toString("latin1")).toBe("PK");
  // The original picture is inside, in its box's folder.
  expect(zip.toString("latin1")).toContain("Opening shot/");

  // A share link, created with an expiry.
  await page.getByLabel("Link works for").selectOption({ label: "7 days" });
  await page.getByRole("button", { name: "Create link" }).click();
  const shareUrl = await page.getByTestId("share-url").inputValue();
  // The web page's address (APP_BASE_URL + /studio/shared/:token), not the API's.
  expect(shareUrl).toMatch(new RegExp(`^http://localhost:${PORT}/studio/shared/[A-Za-z0-9_-]+$`));
  await expect.poll(() => page.getByTestId("share-link").count()).toBe(1);
  await checkScreen(page, "studio-project");

  // Signed out, in a fresh browser: the server-rendered page, then a comment through its form.
  const visitorContext = await browser.newContext({ viewport: WIDE });
  const visitor = await visitorContext.newPage();
  const scriptErrors: string[] = [];
  visitor.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
  const opened = await visitor.goto(shareUrl);
  expect(opened?.status()).toBe(200);
  expect(opened?.headers()["content-security-policy"]).toContain("default-src 'none'");
  await expect.poll(() => visitor.getByRole("heading", { level: 1 }).textContent()).toBe("Spring campaign 2027");
  // Whoever opens the link sees where they are: the product's name heads the page, in the app's colours.
  expect(await visitor.locator(".site").textContent()).toBe(PRODUCT_NAME);
  const sharedBox = visitor.locator("section.box").filter({ hasText: "Opening shot" });
  const sharedImage = sharedBox.getByRole("img", { name: "a red fox in fresh snow, cinematic" });
  await expect.poll(() => sharedImage.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await sharedBox.getByLabel("Your name").fill("Vera Visitor");
  await sharedBox.getByLabel("Comment").fill("The fox is perfect. Keep this one!");
  expect(await computedStyle(sharedBox.getByRole("button", { name: "Post comment" }), "background-color")).toBe("rgb(79, 70, 229)");
  await sharedBox.getByRole("button", { name: "Post comment" }).click();
  await expect.poll(() => sharedBox.getByText("The fox is perfect. Keep this one!").count()).toBe(1);
  expect(visitor.url()).toContain("#box-");
  // Nothing the page needs was refused by its CSP (a missing favicon is the only other console line).
  expect(scriptErrors.filter((line) => /Content Security Policy|Refused/i.test(line))).toEqual([]);
  await checkScreen(visitor, "studio-share-page");
  await visitorContext.close();

  // The owner: the box shows an unread comment; opening it marks the comment New, then read.
  await page.reload();
  const openingBox = page.getByTestId("studio-box").filter({ hasText: "Opening shot" });
  await expect.poll(() => openingBox.getByTestId("unread-comments").textContent()).toMatch(/^1/);
  await openingBox.getByRole("link").click();
  await page.waitForURL((url) => url.pathname === boxPath);
  const comment = page.getByTestId("studio-comment").filter({ hasText: "The fox is perfect" });
  await expect.poll(() => comment.getAttribute("class")).toContain("unread");
  expect(await comment.textContent()).toContain("Vera Visitor");
  await checkedShot(page, `${SHOTS}/studio-comments-1280.png`);
  await page.goto(appUrl(projectPath.replace(/^\/app\//, "")));
  await expect.poll(() => page.getByTestId("studio-box").count()).toBe(3);
  expect(await page.getByTestId("unread-comments").count()).toBe(0);

  // The projects list, wide and on a phone.
  await page.goto(appUrl("studio"));
  await expect.poll(() => page.getByTestId("studio-project").first().textContent()).toContain("3 boxes · 1 asset");
  await checkScreen(page, "studio-projects");
}
