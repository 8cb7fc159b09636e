// Forwarding a message, as a person does it at 390 and 1280 px: "Forward" in a message's menu opens
// a picker of their chats; the message lands in the chosen chat with "Forwarded from <name>", and
// the other members of that chat see it arrive.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen } from "./screens";

const PORT = testPort(8977);

let server: DevServer;
let browser: Browser;
const appUrl = () => `${server.url}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "forward-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

describe("forwarding a message", () => {
  it("Forward opens a chat picker; the copy says whom it is from, in the chosen chat and on the other member's screen", async () => {
    const [ann, ben, cleo] = await Promise.all([
      registerAccount(server.url, "Ann Forward"),
      registerAccount(server.url, "Ben Writer"),
      registerAccount(server.url, "Cleo Reader"),
    ]);
    const source = await callApi<{ id: string }>(server.url, ben, "/v1/chats", { type: "group", title: "Recipes", memberIds: [ann.id] });
    const target = await callApi<{ id: string }>(server.url, ann, "/v1/chats", { type: "group", title: "Family", memberIds: [cleo.id] });
    await callApi(server.url, ben, `/v1/chats/${source.id}/messages`, { clientId: "soup-1", text: "Grandma's soup: leeks, potatoes, an hour." });

    const reader = await browser.newPage();
    await signInToApp(reader, appUrl(), cleo);
    await reader.goto(`${server.url}/app/chats/${target.id}`);

    const page = await browser.newPage();
    await signInToApp(page, appUrl(), ann);
    await page.goto(`${server.url}/app/chats/${source.id}`);
    const original = page.locator('[data-testid="message"]', { hasText: "Grandma's soup" });
    await expect.poll(() => original.count()).toBe(1);
    // The message's menu closes as a menu does: on Escape, the focus back on its button, and on a
    // press elsewhere in the chat.
    const actions = original.getByRole("button", { name: "Message actions" });
    await actions.click();
    await expect.poll(() => page.getByRole("menu").count()).toBe(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("menu").count()).toBe(0);
    expect(await actions.evaluate((button) => button.ownerDocument.activeElement === button)).toBe(true);
    await actions.click();
    await page.getByPlaceholder("Message").click();
    await expect.poll(() => page.getByRole("menu").count()).toBe(0);
    await actions.click();
    await page.getByRole("menuitem", { name: "Forward" }).click();
    const dialog = page.getByTestId("forward-dialog");
    await expect.poll(() => dialog.locator(`[data-chat-id="${target.id}"]`).count()).toBe(1);
    await checkScreen(page, "forward-picker");
    await dialog.getByLabel("Search your chats").fill("fam");
    await expect.poll(() => dialog.locator("[data-chat-id]").count()).toBe(1);
    await dialog.locator(`[data-chat-id="${target.id}"]`).click();

    await expect.poll(() => page.url()).toContain(`/app/chats/${target.id}`);
    const copy = page.locator('[data-testid="message"]', { hasText: "Grandma's soup" });
    await expect.poll(() => copy.getByTestId("forwarded-from").textContent(), { timeout: 15_000 }).toBe("Forwarded from Ben Writer");
    await checkScreen(page, "forwarded-message");

    const arrived = reader.locator('[data-testid="message"]', { hasText: "Grandma's soup" });
    await expect.poll(() => arrived.getByTestId("forwarded-from").textContent(), { timeout: 15_000 }).toBe("Forwarded from Ben Writer");
    const { items } = await callApi<{ items: { senderId: string; forwardedFrom?: { senderId: string; chatId: string } }[] }>(
      server.url,
      cleo,
      `/v1/chats/${target.id}/messages`,
    );
    expect(items[0]).toMatchObject({ senderId: ann.id, forwardedFrom: { senderId: ben.id, chatId: source.id } });
    await page.close();
    await reader.close();
  }, 420_000);
});
