import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import type { Browser } from "playwright-core";
import { HeadlessPage, launchChromium } from "./browser";
import { checkedShot, checkScreen, SCREENSHOTS } from "./screens";

const PORT = testPort(8794);
const METHODS = ["get", "post", "put", "patch", "delete"];

let server: DevServer;
let page: HeadlessPage;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "docs-e2e" });
  page = await HeadlessPage.launch();
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  try {
    await page?.close();
    await browser?.close();
  } finally {
    await server?.stop();
  }
}, 30_000);

describe("/docs in a browser with no network", () => {
  it("shows every REST endpoint and every socket, loading nothing from another origin", async () => {
    await page.open(`${server.url}/docs`);

    const requested = page.requestedUrls();
    expect(requested).toContain(`${server.url}/docs`);
    expect(requested.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
    expect(page.errors()).toEqual([]);

    const text = await page.evaluate<string>("document.body.innerText");
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const endpoints = Object.entries(openapi.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()}${path}`),
    );
    expect(endpoints.length).toBeGreaterThan(40);
    const shown = text.replace(/\s+/g, "");
    for (const endpoint of endpoints) expect(shown, endpoint).toContain(endpoint);

    const asyncapi = (await (await fetch(`${server.url}/asyncapi.json`)).json()) as { channels: Record<string, { address: string | null }> };
    for (const channel of Object.values(asyncapi.channels)) expect(text).toContain(channel.address ?? "Web Push / FCM");
  });

  it("applies its own stylesheet and runs no script, even one injected into the page", async () => {
    await page.open(`${server.url}/docs`);
    const background = await page.evaluate<string>("getComputedStyle(document.querySelector('.method.get')).backgroundColor");
    expect(background).toBe("rgb(26, 127, 55)");

    const ran = await page.evaluate<boolean>(
      "(() => { const s = document.createElement('script'); s.textContent = 'window.injectedRan = true'; document.body.append(s); return window.injectedRan === true; })()",
    );
    expect(ran).toBe(false);
    expect(page.errors().some((message) => message.includes("Content Security Policy"))).toBe(true);
  });

  it("fits a phone and a desktop, with no control nested in another", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/docs`);
    // The page was 1,440 px wide at 1280 (a long schema widened its grid) and axe-core found 15
    // links nested in the navigation's summaries.
    await checkScreen(tab, "docs-page", { fullPage: false });
    await tab.setViewportSize({ width: 390, height: 844 });
    expect(
      await tab.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    // On a phone an endpoint's parameters are a line each (name, place, type) with the description
    // under them at the full width: as four columns, a description had 75 px (checked on every
    // table of the page by checkScreen's squeezed sentences).
    await tab.goto(`${server.url}/docs#get-v1-chats-id-messages`);
    const limit = tab.locator("#get-v1-chats-id-messages tr", { hasText: "Items per page" });
    const [row, description] = [await limit.boundingBox(), await limit.locator("td").last().boundingBox()];
    expect(description!.width).toBeGreaterThan(row!.width * 0.9);
    await checkedShot(tab, `${SCREENSHOTS}/docs-page-parameters-390.png`);
    await tab.close();
  }, 120_000);
});
