// An existing chat turns on end-to-end encryption in Chromium (docs/e2ee.md, "An existing chat
// converts"): a plain direct chat with a plain message; one member turns encryption on from the
// chat's header; both see the line from where messages are encrypted, the earlier message still
// readable above it and the next one sealed (the server holds only its ciphertext). Then the other
// person's new device makes the chat's header warn that their devices changed. Screens at 390 and
// 1280 px.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, newE2eeDevice, registerAccount, signInToApp } from "./app";
import { launchChromium, screenshotPagesOnFailure } from "./browser";
import { checkScreen, cutShort, DESKTOP } from "./screens";

const PORT = testPort(8991);
// localhost: the name browsers treat as a secure context (Web Crypto's subtle).
const appUrl = () => `http://localhost:${PORT}/app/`;

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "e2ee-conversion-e2e" });
  browser = await launchChromium();
}, 420_000);

screenshotPagesOnFailure(() => browser, "e2ee-conversion");

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

async function pageOf(account: Account, viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await signInToApp(page, appUrl(), account);
  return page;
}

async function openChat(page: Page, chatId: string): Promise<void> {
  await page.locator(`[data-chat-id="${chatId}"]`).click();
  await expect.poll(() => page.url()).toContain(`/app/chats/${encodeURIComponent(chatId)}`);
}

/** The message row whose own text holds `text`. */
const messageRow = (page: Page, text: string) => page.locator('[data-testid="message"]').filter({ has: page.locator(".bubble > .text", { hasText: text }) });

interface StoredMessage {
  seq: number;
  text: string;
  mls?: string;
}

describe("an existing chat turns on end-to-end encryption", () => {
  it("from the chat's header: earlier messages stay readable above the line, later ones are sealed; a new device of the other person is flagged", async () => {
    const alice = await registerAccount(server.url, "Alice Convert");
    const bob = await registerAccount(server.url, "Bob Convert");
    // A plain chat, as API clients (and the app before encryption) made them, with a plain message.
    const chat = await callApi<{ id: string; encrypted: boolean }>(server.url, alice, "/v1/chats", { type: "direct", userId: bob.id, encrypted: false });
    expect(chat.encrypted).toBe(false);
    await callApi(server.url, alice, `/v1/chats/${chat.id}/messages`, { clientId: "before-1", text: "the plain part of our chat" });

    const alicePage = await pageOf(alice, DESKTOP);
    // Bob's phone is signed in (so it has its MLS device) when Alice turns encryption on: her device adds it to the chat's group then.
    const bobPage = await pageOf(bob, { width: 390, height: 800 });
    await openChat(alicePage, chat.id);
    await expect.poll(() => messageRow(alicePage, "the plain part of our chat").count()).toBe(1);
    await expect.poll(() => alicePage.getByTestId("e2ee-chat-mark").count()).toBe(0);

    alicePage.once("dialog", (dialog) => void dialog.accept());
    await alicePage.getByTestId("turn-on-encryption").click();
    await expect.poll(() => alicePage.getByTestId("e2ee-chat-mark").count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => alicePage.getByTestId("e2ee-encrypted-from").count()).toBe(1);
    await expect.poll(() => alicePage.getByTestId("turn-on-encryption").count()).toBe(0);

    // Once this device is in the chat's group, a message is sealed.
    await alicePage.getByLabel("Message", { exact: true }).fill("the sealed part of our chat");
    await alicePage.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => messageRow(alicePage, "the sealed part of our chat").count(), { timeout: 60_000 }).toBe(1);
    await checkScreen(alicePage, "e2ee-converted-chat");

    // The server holds the first message as it was and only the second one's ciphertext.
    const stored = (await callApi<{ items: StoredMessage[] }>(server.url, bob, `/v1/chats/${chat.id}/messages?limit=10`)).items;
    const plain = stored.find((m) => m.text === "the plain part of our chat");
    const sealed = stored.filter((m) => m.mls);
    expect(plain).toBeDefined();
    expect(sealed).toHaveLength(1);
    expect(sealed[0]!.text).toBe("");
    expect(JSON.stringify(stored)).not.toContain("the sealed part");

    // Bob, on his phone, reads both: the earlier one as it was, the later one decrypted, the line between.
    await openChat(bobPage, chat.id);
    await expect.poll(() => messageRow(bobPage, "the plain part of our chat").count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => messageRow(bobPage, "the sealed part of our chat").count(), { timeout: 60_000 }).toBe(1);
    const order = await bobPage
      .locator('[data-testid="message"] .bubble > .text, [data-testid="e2ee-encrypted-from"]')
      .evaluateAll((nodes) => nodes.map((node) => (node.getAttribute("data-testid") === "e2ee-encrypted-from" ? "line" : (node.textContent ?? "").trim())));
    expect(order).toEqual(["the plain part of our chat", "line", "the sealed part of our chat"]);
    // The header beside the call buttons: the lock and Alice's presence, whole. "End-to-end
    // encrypted" was cut to "End-to-end encry…" there, and the presence with it. The words stay
    // for a screen reader.
    const statusLine = bobPage.locator(".chat-status-line");
    await expect.poll(() => bobPage.getByTestId("chat-status").textContent()).toMatch(/^(online|last seen)/);
    expect(await cutShort(statusLine), "the header's status line is cut short").toBe(false);
    expect(await bobPage.getByTestId("e2ee-chat-mark").textContent()).toContain("End-to-end encrypted");
    await checkScreen(bobPage, "e2ee-converted-chat-phone");

    // Bob signs in on another device: Alice's chat header says his devices changed.
    await newE2eeDevice(server.url, bob);
    // Alice comes back to the window (the header looks again whenever the window gets the focus).
    await alicePage.evaluate(() => (globalThis as any).dispatchEvent(new Event("focus")));
    await expect.poll(() => alicePage.getByTestId("device-change-notice").count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => alicePage.getByTestId("device-change-notice").textContent()).toContain("Bob Convert's devices changed");
    await checkScreen(alicePage, "e2ee-chat-device-change");
  }, 300_000);
});
