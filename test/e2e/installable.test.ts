// The web app as an installed app: every icon a page names loads from any deep link, the manifest
// passes Chromium's own installability check, Chromium installs it (the DevTools protocol's PWA
// domain does what the install button does), and in the installed app's window a push opens the
// chat it is about.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, pushDeliverer, registerAccount, serviceWorkerRegistrationId, signInToApp } from "./app";
import { CHROMIUM, launchChromium } from "./browser";
import { checkScreen, PHONE } from "./screens";

const PORT = testPort(8916);
const SHOTS = "docs/screenshots";

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDevServer({ port: PORT, name: "installable-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** Width and height of a PNG, read from its IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose: string;
}

describe("the installable app", () => {
  it("a deep link names icons that load, /favicon.ico is served, and the manifest's PNGs have their sizes", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    const missing: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${appUrl()}videos/some-video`);
    await page.getByLabel("E-mail").waitFor();
    const named = await page
      .locator('link[rel~="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]')
      .evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const href of [...named, `${origin()}/favicon.ico`]) {
      const response = await fetch(href);
      expect(response.status, href).toBe(200);
    }
    const manifest = (await (await fetch(`${appUrl()}manifest.webmanifest`)).json()) as {
      name: string;
      icons: ManifestIcon[];
      theme_color: string;
      background_color: string;
    };
    expect(manifest.name).toBe("Edge Platform");
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    const purposes = new Set<string>();
    for (const icon of manifest.icons.filter((i) => i.type === "image/png")) {
      const response = await fetch(new URL(icon.src, appUrl()));
      expect(response.status, icon.src).toBe(200);
      const [width, height] = icon.sizes.split("x").map(Number);
      expect(pngSize(new Uint8Array(await response.arrayBuffer())), icon.src).toEqual({ width, height });
      purposes.add(`${icon.purpose} ${icon.sizes}`);
    }
    expect([...purposes].sort()).toEqual(["any 192x192", "any 512x512", "maskable 512x512", "monochrome 96x96"]);
    expect(missing).toEqual([]);
    await page.close();
  });

  it("passes Chromium's installability check, installs, and in the installed window a push opens its chat", async () => {
    const account: Account = await registerAccount(server.url, "Ines Installed");
    const friend = await registerAccount(server.url, "Otto Other");
    const chat = await callApi<{ id: string }>(server.url, friend, "/v1/chats", { type: "direct", userId: account.id });
    await callApi(server.url, friend, `/v1/chats/${chat.id}/messages`, { clientId: crypto.randomUUID(), text: "Did the app install?" });

    // An installed app needs a profile on disk (Chromium refuses to install into an incognito-like context).
    const profile = mkdtempSync(path.join(tmpdir(), "installable-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-background-networking"],
      viewport: PHONE,
    });
    await context.grantPermissions(["notifications"], { origin: origin() });
    const page: Page = context.pages()[0] ?? (await context.newPage());
    await signInToApp(page, appUrl(), account);
    const cdp = await context.newCDPSession(page);
    const registration = await serviceWorkerRegistrationId(cdp, appUrl());
    await page.evaluate(() => (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }).navigator.serviceWorker.ready);

    // Chromium's own verdict: the manifest parses, its icons load, a service worker controls the scope.
    const manifest = (await cdp.send("Page.getAppManifest")) as { errors: unknown[]; url: string };
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors).toEqual([]);

    // Install, as the browser's install button does, then open the installed app's window.
    const manifestId = appUrl();
    await cdp.send("PWA.install", { manifestId });
    const appWindow = context.waitForEvent("page");
    await cdp.send("PWA.launch", { manifestId, url: appUrl() });
    const installed = await appWindow;
    await installed.waitForLoadState();
    await expect.poll(() => installed.getByTestId("me-name").textContent(), { timeout: 15_000 }).toBe(account.displayName);

    // A push about the friend's chat: the worker shows it, and its click brings the installed window to that chat.
    const deliver = await pushDeliverer(cdp, origin(), registration);
    await deliver({
      type: "message",
      chatId: chat.id,
      messageId: "m-1",
      seq: 1,
      chatTitle: friend.displayName,
      senderName: friend.displayName,
      excerpt: "Did the app install?",
      sentAt: new Date().toISOString(),
    });
    const [worker] = context.serviceWorkers();
    expect(worker).toBeDefined();
    await expect
      .poll(
        () =>
          worker!.evaluate(async (tag) => {
            const scope = globalThis as unknown as { registration: { getNotifications(filter: { tag: string }): Promise<unknown[]> } };
            return (await scope.registration.getNotifications({ tag })).length;
          }, `chat-${chat.id}`),
        { timeout: 10_000 },
      )
      .toBe(1);
    await page.close();
    await worker!.evaluate(async (tag) => {
      const scope = globalThis as unknown as {
        registration: { getNotifications(filter: { tag: string }): Promise<unknown[]> };
        openFor(notification: unknown): Promise<void>;
      };
      const [notification] = await scope.registration.getNotifications({ tag });
      await scope.openFor(notification);
    }, `chat-${chat.id}`);
    await expect.poll(() => decodeURIComponent(new URL(installed.url()).pathname), { timeout: 10_000 }).toBe(`/app/chats/${chat.id}`);
    await expect.poll(() => installed.getByTestId("chat-title").textContent(), { timeout: 10_000 }).toBe(friend.displayName);
    await checkScreen(installed, "installed-app-chat");
    await cdp.send("PWA.uninstall", { manifestId }).catch(() => undefined);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }, 120_000);
});
