// The family chat on a phone after ordinary use: long names, long last messages, unread badges,
// an admin who sees every section. Every screen must fit 390 px with its controls reachable, and
// pass the screen check (test/e2e/screens.ts) at both widths.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, middleY, PHONE } from "./screens";

const PORT = testPort(8914);
const ADMIN_EMAIL = "layout-admin@example.com";

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

const LONG_MESSAGE =
  "Grandma says the Sunday lunch moves to one o'clock because the bakery on Maximilianstraße closes early this week, and could somebody please bring the big folding table from the garage";

let admin: Account;
let friends: Account[];

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "phone-layout-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, RATE_LIMIT_CHAT_MESSAGES: "1000/1" } });
  browser = await launchChromium();
  admin = await registerAccount(server.url, "Alexandra Konstantinopolskaya-Wiśniewska", ADMIN_EMAIL);
  friends = await Promise.all(
    ["Maximilian Bartholomew Featherstonehaugh", "Wilhelmina Oyelaran-Vasquez", "Guðmundur Þórðarson"].map((name) => registerAccount(server.url, name)),
  );
  for (const [index, friend] of friends.entries()) {
    const chat = await callApi(server.url, friend, "/v1/chats", { type: "direct", userId: admin.id });
    for (let i = 0; i <= index * 7; i++)
      await callApi(server.url, friend, `/v1/chats/${chat.id}/messages`, { clientId: crypto.randomUUID(), text: `${LONG_MESSAGE} (${i})` });
  }
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** Whether the element's whole box is inside the viewport (a control a person can reach without scrolling sideways). */
async function insideViewport(page: Page, selector: ReturnType<Page["getByRole"]>): Promise<boolean> {
  const box = await selector.boundingBox();
  const width = page.viewportSize()!.width;
  return box !== null && box.x >= 0 && box.x + box.width <= width + 1;
}

describe("the family chat on a phone", () => {
  it("the chat list keeps times, badges, New chat and Sign out on screen with long previews and names", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), admin);
    await expect.poll(() => page.locator("[data-chat-id]").count()).toBeGreaterThanOrEqual(4);
    await checkScreen(page, "chats-long-previews");
    // Today's times read as the browser's language writes them: "2:11 PM", not "02:11 PM".
    for (const time of await page.locator(".chat-item-time").allTextContents()) expect(time).toMatch(/^[1-9]\d?:\d\d [AP]M$/);
    for (const name of ["+ New chat", "Sign out"]) expect(await insideViewport(page, page.getByRole("button", { name })), name).toBe(true);
    // The admin's bottom bar fits without scrolling: its first sections and "More", every label whole.
    const bar = await page.evaluate(() => {
      type Box = { left: number; right: number };
      type El = { getBoundingClientRect(): Box; scrollWidth: number; clientWidth: number; textContent: string; offsetParent: unknown };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El>; querySelector(s: string): El } }).document;
      const items = Array.from(doc.querySelectorAll(".app-nav > .nav-item")).filter((item) => item.offsetParent !== null);
      const nav = doc.querySelector(".app-nav");
      return {
        labels: items.map((item) => item.textContent.trim()),
        outside: items.filter((item) => item.getBoundingClientRect().right > 391 || item.getBoundingClientRect().left < -1).map((item) => item.textContent),
        cut: Array.from(doc.querySelectorAll(".app-nav .nav-item span:not(.badge)"))
          .filter((label) => label.scrollWidth > label.clientWidth + 1)
          .map((l) => l.textContent),
        scrolls: nav.scrollWidth > nav.clientWidth + 1,
      };
    });
    expect(bar.outside).toEqual([]);
    expect(bar.cut).toEqual([]);
    expect(bar.scrolls).toBe(false);
    expect(bar.labels.at(-1)).toBe("More");
    await page.getByRole("button", { name: "More" }).click();
    await checkScreen(page, "nav-more-sections");
    await page.locator(".nav-more-sheet").getByRole("link", { name: "Moderation" }).click();
    await page.waitForURL(/\/app\/moderation/);
    await page.close();
  }, 120_000);

  it("the profile dialog opens on screen with Security, Save and Close reachable", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), admin);
    await page.getByRole("button", { name: "Your profile" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.count()).toBe(1);
    await checkScreen(page, "profile-dialog");
    for (const name of ["Security", "Save", "Close"]) expect(await insideViewport(page, dialog.getByRole("button", { name, exact: true })), name).toBe(true);
    // Close and Save are the dialog's answer, on one line; the ways on to other settings are a line
    // of links above them (the five were one wrapped run of buttons, three lines of them on a phone).
    const save = await middleY(dialog.getByRole("button", { name: "Save", exact: true }));
    expect(await middleY(dialog.getByRole("button", { name: "Close", exact: true }))).toBe(save);
    const more = dialog.getByRole("navigation", { name: "More settings" });
    expect(await more.getByRole("button").allTextContents()).toEqual(["Security", "Encryption and devices", "All settings"]);
    const links = (await more.boundingBox())!;
    expect(links.y + links.height).toBeLessThan(save);
    await page.close();
  }, 120_000);

  it("in a chat the contact's name stays readable beside the header's buttons", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), admin);
    await page
      .locator("[data-chat-id]")
      .filter({ has: page.locator(".chat-item-title", { hasText: "Maximilian Bartholomew" }) })
      .click();
    await page.waitForURL(/\/app\/chats\//);
    // The screenshot shows the chat as a person reads it: its messages loaded, not the moment before.
    await expect.poll(() => page.getByTestId("message").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("chat-status").textContent()).not.toBe("Connecting…");
    await checkScreen(page, "chat-long-name");
    const title = page.getByTestId("chat-title");
    const box = await title.boundingBox();
    expect(box!.width, "the name is squeezed to a letter").toBeGreaterThan(100);
    // The header's "More actions" closes as a menu does: on Escape (the focus back on its button)
    // and on a press beside it.
    const moreActions = page.getByRole("button", { name: "More actions" });
    await moreActions.click();
    expect(await moreActions.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    await expect.poll(() => moreActions.getAttribute("aria-expanded")).toBe("false");
    expect(await moreActions.evaluate((button) => button.ownerDocument.activeElement === button)).toBe(true);
    await moreActions.click();
    await page.getByTestId("message").first().click();
    await expect.poll(() => moreActions.getAttribute("aria-expanded")).toBe("false");
    // So do the sections behind the bottom bar's "More", on the chat list.
    await page.getByRole("button", { name: "Back to chats" }).click();
    const moreSections = page.getByRole("button", { name: "More", exact: true });
    await moreSections.click();
    await expect.poll(() => page.locator(".nav-more-sheet").count()).toBe(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".nav-more-sheet").count()).toBe(0);
    await moreSections.click();
    await page.getByRole("heading", { name: "Chats" }).click();
    await expect.poll(() => page.locator(".nav-more-sheet").count()).toBe(0);
    await page.close();
  }, 120_000);
});
