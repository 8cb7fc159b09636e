// Push notifications in a real browser: Debian's Chromium (playwright-core), the app from
// `wrangler dev`. A push is delivered to the app's service worker through the DevTools protocol
// (`ServiceWorker.deliverPushMessage`), as a push service would, and the notification it shows is
// read back; a click on it opens the chat. The ringtone plays while a call rings.
import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { callApiAsPage, pushDeliverer, serviceWorkerRegistrationId } from "./app";
import { launchChromium } from "./browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { createPlatformClient } from "../../client";
import { checkedShot, checkScreen } from "./screens";

const PORT = testPort(8904);
const SHOTS = "test-results/push";

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDevServer({ port: PORT, name: "push-e2e", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60" } });
  browser = await launchChromium({ autoplay: true });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

async function signUp(context: BrowserContext, name: string): Promise<{ page: Page; email: string; password: string }> {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  const email = `${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}@example.com`;
  const password = `correct horse ${Math.random()}`;
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
  return { page, email, password };
}

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: { url?: string };
}

/** Notifications the service worker is showing now. */
const shownNotifications = (page: Page) =>
  page.evaluate(async () => {
    const registration = await (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<{ getNotifications(): Promise<Shown[]> }> } } })
      .navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
  });

describe("push notifications in Chromium", () => {
  it("the service worker shows a pushed message and call, stops the ringing, and a click opens the chat", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    await context.grantPermissions(["notifications"], { origin: origin() });
    const { page } = await signUp(context, "Nora Notified");
    const cdp = await context.newCDPSession(page);
    const registration = await serviceWorkerRegistrationId(cdp, appUrl());
    await page.evaluate(() => (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }).navigator.serviceWorker.ready);

    // Turning notifications on asks the browser (granted here) and subscribes; this Chromium has no
    // network to reach a real push service, so the subscription itself may fail: the control says so.
    await checkedShot(page, `${SHOTS}/turn-on-control.png`);
    await page.getByRole("button", { name: "Turn on notifications" }).click();
    await expect.poll(() => page.getByTestId("push-state").getAttribute("data-state"), { timeout: 20_000 }).toMatch(/^(on|failed)$/);
    expect(await page.evaluate(() => (globalThis as unknown as { Notification: { permission: string } }).Notification.permission)).toBe("granted");

    const deliver = await pushDeliverer(cdp, origin(), registration);
    await deliver({
      type: "message",
      chatId: "general",
      messageId: "m-1",
      seq: 1,
      chatTitle: "Family",
      senderName: "Grandma",
      excerpt: "Sunday lunch at one?",
      sentAt: new Date().toISOString(),
    });
    await expect
      .poll(() => shownNotifications(page), { timeout: 10_000 })
      .toEqual([
        { title: "Family", body: "Grandma: Sunday lunch at one?", tag: "chat-general", data: expect.objectContaining({ url: `${appUrl()}chats/general` }) },
      ]);
    // A second message of the same chat replaces the first (one notification per chat).
    await deliver({
      type: "message",
      chatId: "general",
      messageId: "m-2",
      seq: 2,
      chatTitle: "Family",
      senderName: "Grandpa",
      excerpt: "And bring the kids",
      sentAt: new Date().toISOString(),
    });
    await expect.poll(async () => (await shownNotifications(page)).map((n) => n.body), { timeout: 10_000 }).toEqual(["Grandpa: And bring the kids"]);
    // Content-free pushes show no text.
    await deliver({ type: "message", chatId: "chat-2", messageId: "m-3" });
    await expect
      .poll(async () => (await shownNotifications(page)).find((n) => n.tag === "chat-chat-2")?.body, { timeout: 10_000 })
      .toBe("Open the app to read it");

    await deliver({
      type: "call.incoming",
      callId: "call-1",
      callType: "voice",
      callerId: "u-1",
      callerName: "Grandma",
      ringsUntil: new Date(Date.now() + 45_000).toISOString(),
    });
    await expect.poll(async () => (await shownNotifications(page)).find((n) => n.tag === "call-call-1")?.title, { timeout: 10_000 }).toBe("Grandma is calling");
    writeFileSync(`${SHOTS}/notifications-shown.json`, JSON.stringify(await shownNotifications(page), null, 2));
    await deliver({ type: "call.stop", callId: "call-1", status: "answered", callerName: "Grandma" });
    await expect.poll(async () => (await shownNotifications(page)).some((n) => n.tag === "call-call-1"), { timeout: 10_000 }).toBe(false);
    await deliver({ type: "call.incoming", callId: "call-2", callType: "video", callerName: "Grandpa" });
    await deliver({ type: "call.stop", callId: "call-2", status: "missed", callerName: "Grandpa" });
    await expect
      .poll(async () => (await shownNotifications(page)).find((n) => n.tag === "call-call-2")?.title, { timeout: 10_000 })
      .toBe("Missed call from Grandpa");

    // What a click on the chat's notification does (the worker's `notificationclick` runs
    // `openFor`; DevTools cannot click a system notification): the app goes to that chat.
    const [worker] = context.serviceWorkers();
    expect(worker).toBeDefined();
    await worker!.evaluate(async () => {
      const scope = globalThis as unknown as {
        registration: { getNotifications(filter: { tag: string }): Promise<unknown[]> };
        openFor(notification: unknown): Promise<void>;
      };
      const [notification] = await scope.registration.getNotifications({ tag: "chat-general" });
      await scope.openFor(notification);
    });
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe("/app/chats/general");
    await checkedShot(page, `${SHOTS}/after-notification-click.png`);
    await context.close();
  }, 120_000);

  it("a failed opt-in says what happened and what to do, never the browser's own error text", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(["notifications"], { origin: origin() });
    // The push service refuses, as it does on a machine that cannot reach it. The first refusal
    // (the app resuming notifications after sign-in, the permission being granted) comes late,
    // after the user's own press has failed: what the press ended in must stand.
    await context.addInitScript(() => {
      const scope = globalThis as unknown as { PushManager?: { prototype: { subscribe: unknown; getSubscription: unknown } }; lateRefusalDone?: boolean };
      const manager = scope.PushManager;
      if (!manager) return;
      let calls = 0;
      manager.prototype.getSubscription = async () => null;
      manager.prototype.subscribe = async () => {
        if (++calls === 1) {
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          scope.lateRefusalDone = true;
        }
        throw new DOMException("Registration failed - push service error", "AbortError");
      };
    });
    const { page } = await signUp(context, "Fiona Failed");
    await page.getByRole("button", { name: "Turn on notifications" }).click();
    await expect.poll(() => page.getByTestId("push-state").getAttribute("data-state"), { timeout: 20_000 }).toBe("failed");
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { lateRefusalDone?: boolean }).lateRefusalDone === true), { timeout: 20_000 })
      .toBe(true);
    expect(await page.getByTestId("push-state").getAttribute("data-state")).toBe("failed");
    const notice = (await page.getByRole("status").first().textContent()) ?? "";
    expect(notice).toContain("push service did not answer");
    expect(notice).toContain("Try again later");
    expect(notice).not.toContain("Registration failed");
    await checkScreen(page, "notifications-opt-in-failed");
    await context.close();
  }, 60_000);

  it("a ringing call plays the ringtone (Web Audio) until the caller gives up", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const { page } = await signUp(context, "Rita Ringer");
    const calleeId = (await callApiAsPage<{ user: { id: string } }>(page, "/v1/me")).body.user.id;
    expect(typeof calleeId).toBe("string");
    const caller = createPlatformClient({ baseUrl: server.url });
    await caller.register({ email: `caller-${Date.now()}@example.com`, password: `correct horse ${Math.random()}`, displayName: "Carl Caller" });
    const placed = await caller.api.v1.calls.$post({ json: { calleeId, type: "voice" } });
    expect(placed.status).toBe(201);
    const call = (await placed.json()) as { id: string };

    await expect.poll(() => page.getByTestId("incoming-call").count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(() =>
        page.evaluate(
          () => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset.ringtone,
        ),
      )
      .toBe("playing");
    const audio = await page.evaluate(() => {
      const ringtone = (globalThis as unknown as { edgePlatformRingtone: { playing: boolean; audioState(): string } }).edgePlatformRingtone;
      return { playing: ringtone.playing, state: ringtone.audioState() };
    });
    expect(audio).toEqual({ playing: true, state: "running" });
    await checkedShot(page, `${SHOTS}/incoming-call-ringing.png`);

    expect((await caller.api.v1.calls[":id"].end.$post({ param: { id: call.id } })).status).toBe(200);
    await expect.poll(() => page.getByTestId("incoming-call").count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(() =>
        page.evaluate(
          () => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset.ringtone,
        ),
      )
      .toBe("stopped");
    await context.close();
  }, 120_000);

  it("the chat header's bell sets the chat's level", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const { page } = await signUp(context, "Mia Muter");
    await page.locator('[data-chat-id="general"]').click();
    const bell = page.getByTestId("chat-bell");
    await expect.poll(() => bell.inputValue(), { timeout: 10_000 }).toBe("off");
    await bell.selectOption("all");
    await expect.poll(async () => (await callApiAsPage<{ level: string }>(page, "/v1/chats/general/notifications")).body.level).toBe("all");
    await checkedShot(page, `${SHOTS}/chat-bell.png`);
    await context.close();
  }, 60_000);
});
