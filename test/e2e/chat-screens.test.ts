// The family chat's own screens a new person meets (issue 48): the first-run panel, pictures for
// empty and failed states, the chat list saying which chats are groups, and the call history with
// group calls and a way to remove a call. Each is checked at 390 and 1280 px (test/e2e/screens.ts).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, cutShort, DESKTOP, NARROW_PHONE, PHONE } from "./screens";

const PORT = testPort(8940);

let server: DevServer;
let browser: Browser;
const appUrl = () => `http://localhost:${PORT}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "chat-screens-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** Joins the group call from the signed-in page (its socket, as the call screen opens it) and leaves again. */
async function takePartInGroupCall(page: Page, account: Account, callId: string): Promise<void> {
  const { ticket } = await callApi<{ ticket: string }>(server.url, account, "/v1/realtime/tickets", {});
  await page.evaluate(
    async ({ port, id, ticket }) => {
      const socket = new WebSocket(`ws://localhost:${port}/v1/group-calls/${id}/ws?ticket=${ticket}`);
      await new Promise((resolve) => socket.addEventListener("message", resolve, { once: true }));
      socket.send(JSON.stringify({ type: "leave" }));
      await new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    },
    { port: PORT, id: callId, ticket },
  );
}

describe("a new person's first screens", () => {
  it("the first-run panel says what the app holds, offers notifications and invites, and stays dismissed", async () => {
    const newcomer = await registerAccount(server.url, "Ines Newcomer");
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), newcomer);
    const panel = page.getByTestId("first-run");
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.getByRole("heading").textContent()).toBe("Welcome to Edge Platform");
    expect(await panel.getByRole("button", { name: "Turn on notifications" }).count()).toBe(1);
    // A newcomer's only chat is everyone's chat, marked as such.
    await expect.poll(() => page.locator("[data-chat-id]").getByRole("img", { name: "Everyone's chat" }).count()).toBe(1);
    await checkScreen(page, "first-run");
    await panel.getByRole("button", { name: "Invite family" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(1);
    expect(await page.getByRole("dialog").getByRole("button", { name: "Invite someone to join" }).count()).toBe(1);
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
    await panel.getByRole("button", { name: "Got it" }).click();
    await expect.poll(() => panel.count()).toBe(0);
    // The notifications control is back in its usual place, once.
    expect(await page.getByTestId("push-state").count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(newcomer.displayName);
    expect(await page.getByTestId("first-run").count()).toBe(0);
    await page.close();
  }, 120_000);

  it("an empty conversation and an empty call history show their pictures", async () => {
    const [ana, ben] = await Promise.all([registerAccount(server.url, "Ana Empty"), registerAccount(server.url, "Ben Empty")]);
    const chat = await callApi(server.url, ana, "/v1/chats", { type: "direct", userId: ben.id });
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), ana);
    await page.getByTestId("first-run").getByRole("button", { name: "Got it" }).click();
    await page.goto(`${appUrl()}chats/${chat.id}`);
    await expect.poll(() => page.getByTestId("conversation-empty").isVisible()).toBe(true);
    expect(await page.getByTestId("conversation-empty").textContent()).toContain("Say hello");
    await checkScreen(page, "conversation-empty");
    await page.goto(`${appUrl()}calls`);
    await expect.poll(() => page.getByTestId("calls-empty").isVisible()).toBe(true);
    expect(await page.getByTestId("calls-empty").locator("svg[data-illustration='calls']").count()).toBe(1);
    // Calls is a section of the phone's bar, beside Chats: no arrow "back" to another section.
    expect(await page.getByRole("button", { name: "Back to chats" }).count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Sections" }).isVisible()).toBe(true);
    await checkScreen(page, "calls-empty");
    await page.close();
  }, 120_000);

  it("a screen that fails to draw shows words and a way out, never the exception", async () => {
    const person = await registerAccount(server.url, "Cleo Trouble");
    const page = await browser.newPage({ viewport: PHONE });
    // A chat list the app cannot draw (a running call without its participants).
    await page.route("**/v1/chats?*", async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.items = body.items.map((chat: Record<string, unknown>) => ({ ...chat, activeCall: { id: "x", type: "video" } }));
      await route.fulfill({ response, json: body });
    });
    await signInToApp(page, appUrl(), person).catch(() => undefined);
    await expect.poll(() => page.getByTestId("app-error").isVisible(), { timeout: 20_000 }).toBe(true);
    const text = await page.getByTestId("app-error").textContent();
    expect(text).toContain("Something went wrong on this screen");
    expect(text).not.toMatch(/TypeError|undefined|Cannot read/);
    expect(await page.getByTestId("app-error").locator("svg[data-illustration='trouble']").count()).toBe(1);
    await checkScreen(page, "app-error");
    await page.close();
  }, 120_000);
});

describe("the chat list and the call history", () => {
  it("marks groups, direct chats and everyone's chat with named icons", async () => {
    const [mum, dad, kid] = (await Promise.all(["Mum Marks", "Dad Marks", "Kid Marks"].map((name) => registerAccount(server.url, name)))) as [
      Account,
      Account,
      Account,
    ];
    await callApi(server.url, mum, "/v1/chats", { type: "direct", userId: dad.id });
    await callApi(server.url, mum, "/v1/chats", { type: "group", title: "The whole family", memberIds: [dad.id, kid.id] });
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), mum);
    await page.getByTestId("first-run").getByRole("button", { name: "Got it" }).click();
    const row = (title: string) => page.locator("[data-chat-id]").filter({ has: page.locator(".chat-item-title", { hasText: title }) });
    await expect.poll(() => row("The whole family").count()).toBe(1);
    expect(await row("The whole family").getByRole("img", { name: "Group" }).count()).toBe(1);
    expect(await row("Dad Marks").getByRole("img", { name: "Direct chat" }).count()).toBe(1);
    await checkScreen(page, "chat-list-kinds");
    await page.close();
  }, 120_000);

  it("lists group calls beside two-party calls, and removes one from the history", async () => {
    const [mum, dad, kid] = (await Promise.all(["Mum Calls", "Dad Calls", "Kid Calls"].map((name) => registerAccount(server.url, name)))) as [
      Account,
      Account,
      Account,
    ];
    const group = await callApi(server.url, mum, "/v1/chats", { type: "group", title: "Sunday call", memberIds: [dad.id, kid.id] });
    // A two-party call Dad placed and hung up before Mum answered: missed.
    const direct = await callApi(server.url, dad, "/v1/calls", { calleeId: mum.id, type: "voice" });
    await callApi(server.url, dad, `/v1/calls/${direct.id}/end`, {});
    const page = await browser.newPage({ viewport: PHONE });
    await signInToApp(page, appUrl(), mum);
    await page.getByTestId("first-run").getByRole("button", { name: "Got it" }).click();
    // Mum starts the group's call and takes part in it.
    const call = await callApi(server.url, mum, "/v1/calls", { chatId: group.id, type: "voice" });
    await takePartInGroupCall(page, mum, call.id);
    await page.goto(`${appUrl()}calls`);
    const items = page.getByTestId("call-history-item");
    await expect.poll(() => items.count()).toBe(2);
    const groupRow = page.locator("[data-testid='call-history-item'][data-kind='group']");
    expect(await groupRow.textContent()).toContain("Sunday call");
    expect(await groupRow.textContent()).toContain("Group voice call");
    expect(await groupRow.getByRole("img", { name: "Group" }).count()).toBe(1);
    expect(await page.locator("[data-testid='call-history-item'][data-kind='direct']").getAttribute("data-status")).toBe("missed");
    await checkScreen(page, "call-history-group");
    // How each call went is read whole on a phone ("Nobody else joined" was cut to "Nobody…").
    for (const line of await page.locator(".call-item .chat-item-preview").all()) expect(await cutShort(line), (await line.textContent()) ?? "").toBe(false);
    // On the narrowest phone each call keeps its name whole beside its two buttons (it was "Su…").
    await page.setViewportSize(NARROW_PHONE);
    for (const line of await page.locator(".call-item .chat-item-title, .call-item .chat-item-preview").all())
      expect(await cutShort(line), `${(await line.textContent()) ?? ""} at 320 px`).toBe(false);
    await page.setViewportSize(PHONE);
    await groupRow.getByRole("button", { name: "Remove the group call in Sunday call from your history" }).click();
    await expect.poll(() => items.count()).toBe(1);
    await page.reload();
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.getAttribute("data-kind")).toBe("direct");
    // Dad never joined the group call; Mum's removal leaves the record to the others.
    const history = await callApi(server.url, mum, "/v1/group-calls/history");
    expect(history.items).toEqual([]);
    await page.close();
  }, 120_000);
});

describe("dialogs", () => {
  /** Whether the focus is in the open dialog called `name`. */
  const focusIn = (page: Page, name: string) => page.getByRole("dialog", { name }).evaluate((dialog) => dialog.contains(dialog.ownerDocument.activeElement));
  /** The accessible name of what has the focus: a button by its words. */
  const focusedText = (page: Page) =>
    page.evaluate(() => {
      type Focused = { getAttribute(name: string): string | null; textContent: string | null } | null;
      const focused = (globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement;
      return focused?.getAttribute("aria-label") ?? focused?.textContent?.trim();
    });

  it("take the focus, keep Tab inside, close on Escape and give the focus back to what opened them", async () => {
    const [mia, leo] = await Promise.all([registerAccount(server.url, "Mia Keys"), registerAccount(server.url, "Leo Keys")]);
    await callApi(server.url, mia, "/v1/chats", { type: "group", title: "Key holders", memberIds: [leo.id] });
    const page = await browser.newPage({ viewport: DESKTOP });
    await signInToApp(page, appUrl(), mia);
    await page.getByTestId("first-run").getByRole("button", { name: "Got it" }).click();

    // New chat: the dialog holds the focus however far Tab goes, and Escape closes it.
    await page.getByRole("button", { name: "+ New chat" }).click();
    await expect.poll(() => focusIn(page, "New chat")).toBe(true);
    for (let press = 0; press < 12; press++) {
      await page.keyboard.press(press % 4 === 3 ? "Shift+Tab" : "Tab");
      expect(await focusIn(page, "New chat"), `after ${press + 1} presses`).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await focusedText(page)).toBe("+ New chat");

    // A dialog opened from a dialog: Escape closes the one on top, then the one under it.
    await page.getByRole("button", { name: "+ New chat" }).click();
    await page.getByRole("dialog", { name: "New chat" }).getByRole("button", { name: "New group" }).click();
    await expect.poll(() => focusIn(page, "New group")).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);

    // The profile, and its account security.
    await page.getByRole("button", { name: "Your profile" }).click();
    await expect.poll(() => focusIn(page, "Your profile")).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await focusedText(page)).toBe("Your profile");
    await page.getByRole("button", { name: "Your profile" }).click();
    await page.getByRole("button", { name: "Security" }).click();
    await expect.poll(() => focusIn(page, "Account security")).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);

    // A group's info, and a member's card opened from it: Escape steps back one dialog at a time.
    await page.locator("[data-chat-id]").filter({ hasText: "Key holders" }).click();
    await page.getByRole("button", { name: "Group info" }).click();
    await expect.poll(() => focusIn(page, "Group info")).toBe(true);
    await page.getByRole("button", { name: "Verify Leo Keys" }).click();
    await expect.poll(() => focusIn(page, "Leo Keys")).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => focusIn(page, "Group info")).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await page.close();
  }, 120_000);
});
