// The web client in a real browser: Debian's Chromium driven by playwright-core (never
// `playwright install`), two users in two contexts, the app served by `wrangler dev` at /app.
import { mkdirSync } from "node:fs";
import { Secret, TOTP } from "otpauth";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { callApiAsPage, e2eeKeyPackagesUploaded, openDirectChat } from "./app";
import { launchChromium, screenshotPagesOnFailure } from "./browser";
import { brightness, checkedShot, checkScreen, computedStyle, cutShort, NARROW_PHONE, PHONE, shareInView } from "./screens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { createPlatformClient } from "../../client";
import { padded, samples } from "../media/samples";
import { landscapePng } from "./sample-picture";

const PORT = testPort(8902);
const SHOTS = "test-results/web-app";
/** The shots the docs show (docs/chat.md, docs/calls.md): taken again on every run, so they stay the app as it is. */
const DOC_SHOTS = "docs/screenshots";

let server: DevServer;
let browser: Browser;
// localhost, not 127.0.0.1 in the address bar: the name browsers treat as a secure context for getUserMedia.
const appUrl = () => `http://localhost:${PORT}/app/`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Peers on one machine need no STUN server (and the test must not reach the internet).
  server = await startDevServer({ port: PORT, name: "web-app-e2e", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60" } });
  browser = await launchChromium({ media: true });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

let counter = 0;
screenshotPagesOnFailure(() => browser, "web-app");

async function signUp(context: BrowserContext, name: string): Promise<{ page: Page; id: string }> {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  if (counter === 0) await checkedShot(page, `${SHOTS}/sign-up.png`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(`${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}-${counter++}@example.com`);
  await page.getByLabel("Password").fill(`correct horse ${Math.random()}`);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
  await page.getByRole("button", { name: "+ New chat" }).click();
  const id = (await page.getByTestId("my-id").textContent())!.trim();
  await page.getByRole("button", { name: "Close" }).click();
  // The app registers this browser's E2EE device and its key packages once its hub says hello. A
  // chat started with this person before that is sealed to a group without them: their device
  // joins later and, as in any MLS group, cannot open what came before. A person is met once their
  // app is set up.
  await expect.poll(() => e2eeKeyPackagesUploaded(page), { timeout: 15_000 }).toBe(true);
  return { page, id };
}

/**
 * A plain (not encrypted) direct chat, as an API client that does not speak MLS makes one
 * (E2EE_ENCRYPTED_CHATS_DEFAULT is off; the app itself makes encrypted ones): created with the
 * page's own session, then opened from the chat list. The plain chat's paths (server-side file
 * checks, signed download links) are tested on it.
 */
async function openPlainDirectChat(page: Page, otherId: string): Promise<string> {
  const chatId = (await callApiAsPage<{ id: string }>(page, "/v1/chats", { type: "direct", userId: otherId })).body.id;
  await chatItem(page, chatId).click();
  await page.waitForURL(/\/app\/chats\//);
  return chatId;
}

/** Opens a group's info: from the header on a wide screen, through its More menu on a phone. */
async function openGroupInfo(page: Page): Promise<void> {
  const more = page.getByRole("button", { name: "More actions" });
  if (await more.isVisible()) await more.click();
  await page.getByRole("button", { name: "Group info" }).click();
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

interface PickedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The page's own classes, for the functions below that run in it (this file is compiled without the DOM lib). */
interface InPage {
  DataTransfer: new () => { items: { add(file: File): void } };
  ClipboardEvent: new (type: string, init: object) => Event;
  DragEvent: new (type: string, init: object) => Event;
  document: { querySelector(selector: string): unknown };
  requestAnimationFrame(callback: () => void): void;
}

/** What a user does with a copied picture or file: paste it into the message box. */
async function paste(page: Page, file: PickedFile): Promise<void> {
  await page.getByLabel("Message", { exact: true }).evaluate(
    (textarea, { name, mimeType, base64 }) => {
      const page = globalThis as unknown as InPage;
      const data = new page.DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: mimeType }));
      textarea.dispatchEvent(new page.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    { name: file.name, mimeType: file.mimeType, base64: file.buffer.toString("base64") },
  );
}

/** Drags a file over the open chat and drops it there; returns whether the drop zone showed while dragging. */
async function dropOnChat(page: Page, file: PickedFile): Promise<boolean> {
  return page.locator(".messages").evaluate(
    async (target, { name, mimeType, base64 }) => {
      const page = globalThis as unknown as InPage;
      const data = new page.DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: mimeType }));
      target.dispatchEvent(new page.DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new page.DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      await new Promise<void>((r) => page.requestAnimationFrame(r));
      const shown = page.document.querySelector('[data-testid="drop-overlay"]') !== null;
      target.dispatchEvent(new page.DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      return shown;
    },
    { name: file.name, mimeType: file.mimeType, base64: file.buffer.toString("base64") },
  );
}

const draftStatuses = (page: Page) => page.getByTestId("draft").evaluateAll((drafts) => drafts.map((d) => d.getAttribute("data-status")));
/** naturalWidth of every picture in the chat's messages (0 until one has loaded and decoded). */
const loadedImageWidths = (page: Page) =>
  page
    .locator('[data-testid="message"] [data-testid="attachment-image"] img')
    .evaluateAll((images) => images.map((i) => (i as { naturalWidth: number }).naturalWidth));

const messageTexts = (page: Page) => page.locator('[data-testid="message"] .text').allTextContents();
const messageCount = (page: Page) => page.locator('[data-testid="message"]').count();
const chatItem = (page: Page, chatId: string) => page.locator(`[data-chat-id="${chatId}"]`);

describe("the web client in Chromium", () => {
  it("signs in with the 2FA step and restores the session on reload", async () => {
    const email = `totp-${Date.now()}@example.com`;
    const password = `correct horse ${Math.random()}`;
    const platform = createPlatformClient({ baseUrl: server.url });
    const { accessToken } = await platform.register({ email, password, displayName: "Tess Totp" });
    const authed = (path: string, body: object) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const { secret } = (await (await authed("/v1/auth/2fa/totp/setup", { password })).json()) as { secret: string };
    const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
    expect((await authed("/v1/auth/2fa/totp/enable", { code: totp.generate() })).status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const page = await context.newPage();
    await page.goto(appUrl());
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).last().click();
    await expect.poll(() => page.getByRole("heading", { name: "Two-step verification" }).count()).toBe(1);
    await checkedShot(page, `${SHOTS}/sign-in-2fa.png`);
    // The code that turned 2FA on was spent: sign in with the next period's (the server accepts ±1 period).
    await page.getByLabel("Code").fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Tess Totp");

    await page.reload();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Tess Totp");
    expect(await page.getByLabel("Password").count()).toBe(0);
    await context.close();
  }, 60_000);

  it("two users chat both ways with typing and unread badges, and one that was offline sees every message once", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } }); // a phone
    const a = await signUp(contextA, "Alice Archer");
    const b = await signUp(contextB, "Bob Baker");
    await checkedShot(a.page, `${SHOTS}/empty-desktop.png`);

    const chatId = await openDirectChat(a.page, b.id);
    await send(a.page, "Hi Bob! Are you there?");
    await expect.poll(() => messageTexts(a.page), { timeout: 10_000 }).toEqual(["Hi Bob! Are you there?"]);

    // Bob is on his chat list: the new chat shows up with an unread badge and the last message.
    await expect
      .poll(
        () =>
          chatItem(b.page, chatId)
            .locator(".badge")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("1");
    // The chat made in the app is end-to-end encrypted: Bob's device reads the message for the preview (the server has ciphertext).
    await expect.poll(() => chatItem(b.page, chatId).locator(".chat-item-preview").textContent(), { timeout: 20_000 }).toBe("Hi Bob! Are you there?");
    // People show by the names they chose, never by an id.
    expect(await chatItem(b.page, chatId).locator(".chat-item-title").textContent()).toBe("Alice Archer");
    await checkedShot(b.page, `${SHOTS}/chat-list-phone.png`);
    await chatItem(b.page, chatId).click();
    await expect.poll(() => messageTexts(b.page), { timeout: 10_000 }).toEqual(["Hi Bob! Are you there?"]);
    // The day's separator, and where the unread messages begin.
    expect(await b.page.getByTestId("day-separator").allTextContents()).toEqual(["Today"]);
    expect(await b.page.getByTestId("new-messages").count()).toBe(1);
    // Alice has the app open: Bob's header says she is online.
    await expect.poll(() => b.page.getByTestId("chat-status").textContent(), { timeout: 10_000 }).toBe("online");

    // Bob types: Alice sees it; Bob answers; Alice's message shows as seen.
    await b.page.getByLabel("Message", { exact: true }).pressSequentially("Yes, here", { delay: 30 });
    await expect.poll(() => a.page.getByTestId("chat-status").textContent(), { timeout: 10_000 }).toMatch(/typing/);
    await b.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => messageTexts(a.page), { timeout: 10_000 }).toEqual(["Hi Bob! Are you there?", "Yes, here"]);
    await expect.poll(() => a.page.getByTestId("seen").count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => b.page.locator(".badge").count()).toBe(0);

    // Bob loses his connection: Alice keeps writing, Bob writes one too.
    await contextB.setOffline(true);
    await expect.poll(() => b.page.getByTestId("offline-banner").count(), { timeout: 20_000 }).toBe(1);
    const whileAway = ["One", "Two", "Three", "Four"].map((n) => `${n} while you were away`);
    for (const text of whileAway) await send(a.page, text);
    await send(b.page, "Written on the train");
    expect(await b.page.getByTestId("pending-message").count()).toBe(1);
    await checkedShot(b.page, `${SHOTS}/chat-offline-phone.png`);

    await contextB.setOffline(false);
    const everything = ["Hi Bob! Are you there?", "Yes, here", ...whileAway, "Written on the train"];
    await expect.poll(() => messageTexts(b.page), { timeout: 30_000 }).toEqual(everything);
    await expect.poll(() => messageTexts(a.page), { timeout: 15_000 }).toEqual(everything);
    expect(await b.page.getByTestId("pending-message").count()).toBe(0);
    // Exactly once, also after the live socket and the catch-up page both delivered around the reconnect.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await messageTexts(b.page)).toEqual(everything);
    await checkedShot(a.page, `${SHOTS}/chat-desktop.png`);
    await checkedShot(b.page, `${SHOTS}/chat-phone.png`);

    // Bob reacts to Alice's first message; Alice sees it. Alice finds a message by a word in it.
    const first = b.page.locator('[data-testid="message"]').first();
    await first.hover();
    await first.getByRole("button", { name: "Add a reaction" }).click();
    await first.getByRole("button", { name: "React with 👍" }).click();
    await expect
      .poll(() => a.page.locator('[data-testid="message"]').first().locator(".reaction:not(.add)").allTextContents(), { timeout: 10_000 })
      .toEqual(["👍 1"]);
    await a.page.getByRole("button", { name: "Search messages" }).click();
    await a.page.getByLabel("Search this chat").pressSequentially("train", { delay: 20 });
    await expect
      .poll(() => a.page.locator('[data-testid="search-results"] .found-text').allTextContents(), { timeout: 10_000 })
      .toEqual(["Written on the train"]);
    // Beside the notification menu and four buttons, the header's line says "Encrypted" and when Bob
    // was last seen, whole ("End-to-end encrypted · last seen just n…" before).
    expect(await cutShort(a.page.locator(".chat-status-line")), "the header's status line is cut short").toBe(false);
    await checkedShot(a.page, `${DOC_SHOTS}/reactions-and-search.png`);
    // Another chat opens without this chat's search and its results.
    await chatItem(a.page, "general").click();
    await a.page.waitForURL(/\/app\/chats\/general/);
    await expect.poll(() => a.page.getByTestId("search-results").count()).toBe(0);
    expect(await a.page.getByLabel("Search this chat").count()).toBe(0);
    await chatItem(a.page, chatId).click();
    await a.page.waitForURL(new RegExp(`/app/chats/${chatId}`));

    // Alice finds Bob by name in the new-chat picker (the people she shares a chat with): it opens their chat.
    await a.page.getByRole("button", { name: "+ New chat" }).click();
    await a.page.getByLabel("Search people by name").pressSequentially("bob", { delay: 20 });
    await expect.poll(() => a.page.locator(".person-item > span:last-child").allTextContents(), { timeout: 10_000 }).toEqual(["Bob Baker"]);
    await checkedShot(a.page, `${DOC_SHOTS}/people-picker.png`);
    await a.page.locator(".person-item").first().click();
    await a.page.waitForURL(new RegExp(`/app/chats/${chatId}`));
    await contextA.close();
    await contextB.close();
  }, 120_000);

  it("the profile: a new name and picture reach the people one chats with at once", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const a = await signUp(contextA, "Otto Old");
    const b = await signUp(contextB, "Pia Peer");
    const chatId = await openDirectChat(a.page, b.id);
    await send(a.page, "Hello Pia");
    await expect
      .poll(
        () =>
          chatItem(b.page, chatId)
            .locator(".chat-item-title")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("Otto Old");

    await a.page.getByRole("button", { name: "Your profile" }).click();
    await a.page.getByTestId("avatar-input").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: landscapePng() });
    await expect.poll(() => a.page.locator(".sidebar-header img.avatar").count(), { timeout: 15_000 }).toBe(1);
    await a.page.getByLabel("Your name").fill("Otto New");
    await a.page.getByLabel("About you").fill("Grandpa, gardener");
    await a.page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => a.page.getByTestId("me-name").textContent()).toBe("Otto New");
    // The picture shows: its 256x256 variant loaded and decoded.
    await expect
      .poll(() => a.page.locator(".sidebar-header img.avatar").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 15_000,
      })
      .toBe(256);
    await checkedShot(a.page, `${DOC_SHOTS}/profile.png`);
    // Pia's list follows the rename without a reload (person.updated on her hub).
    await expect.poll(() => chatItem(b.page, chatId).locator(".chat-item-title").textContent(), { timeout: 10_000 }).toBe("Otto New");
    await contextA.close();
    await contextB.close();
  }, 60_000);

  it("the page at / points people to the app and developers to the docs", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const page = await context.newPage();
    const response = await page.goto(`http://localhost:${PORT}/`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("link", { name: "/docs" }).getAttribute("href")).toBe("/docs");
    await checkedShot(page, `${SHOTS}/landing-phone.png`);
    await page.getByRole("link", { name: "Open the app" }).click();
    await expect.poll(() => page.getByRole("tab", { name: "Create account" }).count(), { timeout: 10_000 }).toBe(1);
    await context.close();
  }, 60_000);

  it("the e-mailed links land on real pages: an address is confirmed, a password reset", async () => {
    const base = `http://localhost:${PORT}`;
    const email = `links-${Date.now()}@example.com`;
    const password = `correct horse ${Math.random()}`;
    const registered = await fetch(`${base}/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, displayName: "Lena Links" }),
    });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as { accessToken: string };
    expect((await fetch(`${base}/v1/auth/email/verification`, { method: "POST", headers: { authorization: `Bearer ${accessToken}` } })).status).toBeLessThan(
      300,
    );
    /** The token of the newest mail to `email` whose subject matches, as the link in it carries it. */
    const tokenFrom = async (subject: RegExp) => {
      let token: string | undefined;
      await expect
        .poll(
          async () => {
            const { items } = (await (await fetch(`${base}/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as {
              items: { subject: string; text: string }[];
            };
            token = items.filter((mail) => subject.test(mail.subject)).map((mail) => /[?&]token=([^\s&"]+)/.exec(mail.text)?.[1])[0];
            return token !== undefined;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      return decodeURIComponent(token!);
    };
    const context = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const page = await context.newPage();

    await page.goto(`${base}/verify-email?token=${encodeURIComponent(await tokenFrom(/Confirm/))}`);
    await expect.poll(() => page.getByTestId("verified").count(), { timeout: 10_000 }).toBe(1);
    // The way on is drawn as a button: inside the sentence it looked like the sentence's own words.
    const openApp = page.getByRole("link", { name: "Open the app" });
    expect(await computedStyle(openApp, "background-color")).not.toBe("rgba(0, 0, 0, 0)");
    expect(await openApp.getAttribute("href")).toBe("/app/");
    await checkedShot(page, `${SHOTS}/verify-email.png`);
    // The same link again: used already.
    await page.reload();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 10_000 }).toMatch(/no longer valid/);

    // Forgot password, from the sign-in screen.
    await page.goto(`${base}/app/`);
    await page.getByRole("button", { name: "Forgot password?" }).click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByRole("button", { name: "Send link" }).click();
    await expect.poll(() => page.getByTestId("forgot-note").textContent(), { timeout: 10_000 }).toMatch(/on its way/);
    await page.goto(`${base}/reset-password?token=${encodeURIComponent(await tokenFrom(/password/i))}`);
    const fresh = `a brand new secret ${Math.random()}`;
    await page.getByLabel("New password").fill(fresh);
    await page.getByLabel("The same again").fill(fresh);
    await checkedShot(page, `${SHOTS}/reset-password.png`);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByTestId("password-reset").count(), { timeout: 10_000 }).toBe(1);
    const signIn = page.getByRole("link", { name: "Sign in" });
    expect(await computedStyle(signIn, "background-color"), "Sign in drawn as a button").not.toBe("rgba(0, 0, 0, 0)");
    await checkedShot(page, `${SHOTS}/reset-password-done.png`);
    const login = await fetch(`${base}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: fresh }),
    });
    expect(login.status).toBe(200);
    await context.close();
  }, 60_000);

  it("follows the system's dark theme", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 }, colorScheme: "dark" });
    const { page } = await signUp(context, "Nora Night");
    await page.getByRole("button", { name: "+ New chat" }).click();
    expect(await brightness(page.locator(".dialog"), "background-color")).toBeLessThan(80);
    await checkedShot(page, `${DOC_SHOTS}/dark-phone.png`);
    // An error is dark too, its words light: it was a pale pink box in the dark dialog.
    await page.getByText("Meet someone new by ID").click();
    await page.getByLabel("Their ID").fill("nobody-with-this-id");
    await page.getByRole("button", { name: "Start chat" }).click();
    const refusal = page.getByRole("dialog", { name: "New chat" }).getByRole("alert");
    await refusal.waitFor();
    expect(await brightness(refusal, "background-color"), "an error's ground in the dark theme").toBeLessThan(80);
    expect(await brightness(refusal, "color"), "an error's words in the dark theme").toBeGreaterThan(150);
    await checkedShot(page, `${DOC_SHOTS}/dark-phone-error.png`);
    await context.close();
  }, 60_000);

  it("a member's invite link opens the sign-up with the code filled in, and signs a third person up", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const a = await signUp(contextA, "Ines Inviter");
    await a.page.getByRole("button", { name: "+ New chat" }).click();
    await a.page.getByRole("button", { name: "Invite someone to join" }).click();
    const link = (await a.page.getByTestId("invite-url").textContent({ timeout: 10_000 }))!.trim();
    expect(link).toMatch(/\/app\/\?invite=/);
    await checkedShot(a.page, `${SHOTS}/invite-link.png`);
    const code = new URL(link).searchParams.get("invite")!;

    const contextC = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const page = await contextC.newPage();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, `http://localhost:${PORT}`));
    await expect.poll(() => page.getByTestId("invited").count()).toBe(1);
    expect(await page.getByLabel(/Invite code/).inputValue()).toBe(code);
    await page.getByLabel("Your name").fill("Carla Cousin");
    await page.getByLabel("E-mail").fill(`carla-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill(`correct horse ${Math.random()}`);
    await checkedShot(page, `${DOC_SHOTS}/sign-up-invited.png`);
    await page.getByRole("button", { name: "Create account" }).last().click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Carla Cousin");
    // The code leaves the address bar once used.
    expect(new URL(page.url()).search).toBe("");
    await contextA.close();
    await contextC.close();
  }, 60_000);

  it("a recorded voice message plays on the other side, and a Word document arrives as a download", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 }, permissions: ["microphone"] });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const a = await signUp(contextA, "Vera Voice");
    const b = await signUp(contextB, "Walt Word");
    const chatId = await openDirectChat(a.page, b.id);

    // The fake microphone (--use-fake-device-for-media-stream) plays a beep: record about 1.5 s of it.
    await a.page.getByRole("button", { name: "Record a voice message" }).click();
    await expect.poll(() => a.page.getByTestId("recording").count()).toBe(1);
    await a.page.waitForTimeout(1500);
    await checkedShot(a.page, `${SHOTS}/voice-recording.png`);
    await a.page.getByRole("button", { name: "Stop recording" }).click();
    await expect.poll(() => draftStatuses(a.page), { timeout: 15_000 }).toEqual(["done"]);
    await a.page.getByRole("button", { name: "Send" }).click();

    // A Word document (recognised by its zip structure) goes as a file.
    const { zipSync, strToU8 } = await import("fflate");
    const docx = zipSync({
      "[Content_Types].xml": strToU8(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      "word/document.xml": strToU8("<w:document/>"),
    });
    const [chooser] = await Promise.all([a.page.waitForEvent("filechooser"), a.page.getByRole("button", { name: "Attach files" }).click()]);
    await chooser.setFiles({
      name: "Recipes.docx",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      buffer: Buffer.from(docx),
    });
    await expect.poll(() => draftStatuses(a.page), { timeout: 15_000 }).toEqual(["done"]);
    await a.page.getByRole("button", { name: "Send" }).click();

    await chatItem(b.page, chatId).click();
    await expect.poll(() => messageCount(b.page), { timeout: 15_000 }).toBe(2);
    // Sent without a caption: the bubbles show the recording and the document, not their names again.
    expect(await messageTexts(b.page)).toEqual([]);
    // The voice message plays inline: the player loads the recording's metadata.
    // The recorder's measure of it arrives with the message: a waveform and its length.
    await expect.poll(() => b.page.getByTestId("waveform").locator("rect").count(), { timeout: 15_000 }).toBe(48);
    await expect.poll(() => b.page.getByTestId("voice-duration").textContent()).toMatch(/^0:0[1-9]$/);
    const audio = b.page.getByTestId("attachment-audio");
    await expect.poll(() => audio.evaluate((el) => (el as unknown as { readyState: number }).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await checkedShot(b.page, `${DOC_SHOTS}/voice-and-document-phone.png`);
    // The document is a download, never rendered. The chat made in the app is end-to-end encrypted:
    // Bob's device decrypted the file and offers it from a blob: URL under its name (the plain
    // path, served by the server with content-disposition, is the files test's below).
    const link = b.page.getByTestId("attachment-file");
    await expect.poll(() => link.getAttribute("href"), { timeout: 15_000 }).toMatch(/^blob:/);
    expect(await link.getAttribute("download")).toBe("Recipes.docx");
    await contextA.close();
    await contextB.close();
  }, 90_000);

  it("Send during a voice recording stops it and sends it; the discard control drops one; both controls are labelled", async () => {
    const contextA = await browser.newContext({ viewport: PHONE, permissions: ["microphone"] });
    const contextB = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const a = await signUp(contextA, "Rita Recorder");
    const b = await signUp(contextB, "Lars Listener");
    const chatId = await openDirectChat(a.page, b.id);

    // A recording discarded: nothing is attached, nothing is sent.
    await a.page.getByRole("button", { name: "Record a voice message" }).click();
    await expect.poll(() => a.page.getByRole("button", { name: "Stop recording" }).count()).toBe(1);
    await a.page.waitForTimeout(600);
    await checkScreen(a.page, "voice-recording");
    // On the narrowest phone the recording's controls take the place of the empty message field and
    // of the attach button (the field was squeezed to two letters beside them), and all are in view.
    await a.page.setViewportSize(NARROW_PHONE);
    expect(await a.page.getByRole("textbox", { name: "Message" }).isVisible()).toBe(false);
    expect(await a.page.getByRole("button", { name: "Attach files" }).isVisible()).toBe(false);
    for (const control of [
      a.page.getByRole("button", { name: "Discard the recording" }),
      a.page.getByRole("timer"),
      a.page.getByRole("button", { name: "Stop recording" }),
      a.page.getByRole("button", { name: "Send" }),
    ])
      expect(await shareInView(control)).toBe(1);
    await a.page.setViewportSize(PHONE);
    await a.page.getByRole("button", { name: "Discard the recording" }).click();
    await expect.poll(() => a.page.getByRole("button", { name: "Record a voice message" }).count()).toBe(1);
    expect(await a.page.getByRole("textbox", { name: "Message" }).isVisible()).toBe(true);
    expect(await a.page.getByTestId("draft").count()).toBe(0);

    // Recording, then Send straight away: it stops, uploads and goes out as one voice message.
    await a.page.getByRole("button", { name: "Record a voice message" }).click();
    await expect.poll(() => a.page.getByRole("timer").count()).toBe(1);
    await a.page.waitForTimeout(1200);
    await a.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => messageCount(a.page), { timeout: 15_000 }).toBe(1);
    await chatItem(b.page, chatId).click();
    await expect.poll(() => messageCount(b.page), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => b.page.getByTestId("voice-duration").textContent(), { timeout: 15_000 }).toMatch(/^0:0[1-9]$/);
    await contextA.close();
    await contextB.close();
  }, 90_000);

  it("a group made from people picked by name: renamed, a member added and removed, then left", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const a = await signUp(contextA, "Gina Group");
    const b = await signUp(contextB, "Hugo Member");
    const contextC = await browser.newContext();
    const c = await signUp(contextC, "Ivy Later");
    // Gina has met both (a direct chat each), so the picker finds them by name.
    await openDirectChat(a.page, b.id);
    await openDirectChat(a.page, c.id);

    await a.page.getByRole("button", { name: "+ New chat" }).click();
    await a.page.getByRole("button", { name: "New group" }).click();
    await a.page.getByLabel("Group name").fill("Cousins");
    await a.page.getByLabel("Search people to add").pressSequentially("hugo", { delay: 20 });
    // By name: the dialog has the "End-to-end encrypted" choice too, and the search results come a moment later.
    await a.page.getByRole("checkbox", { name: "Hugo Member" }).check();
    await checkedShot(a.page, `${SHOTS}/group-new.png`);
    await a.page.getByRole("button", { name: /Create group/ }).click();
    await expect.poll(() => a.page.locator(".chat-header h2").textContent(), { timeout: 10_000 }).toBe("Cousins");
    const groupId = decodeURIComponent(a.page.url().split("/app/chats/")[1]!);
    await send(a.page, "Welcome, cousins");
    await expect
      .poll(
        () =>
          chatItem(b.page, groupId)
            .locator(".chat-item-title")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("Cousins");

    // The owner renames it and adds Ivy; the members show by name.
    await openGroupInfo(a.page);
    await a.page.getByLabel("Group name", { exact: true }).fill("The Cousins");
    await a.page.getByRole("button", { name: "Rename" }).click();
    await a.page.getByRole("button", { name: "Add people" }).click();
    await a.page.getByLabel("Search people to add").pressSequentially("ivy", { delay: 20 });
    await a.page.getByRole("checkbox", { name: "Ivy Later" }).check();
    await a.page
      .getByRole("dialog", { name: "Group info" })
      .getByRole("button", { name: /^Add \d+$/ })
      .click();
    await expect
      .poll(() => a.page.locator("[data-member-id] .grow").allTextContents(), { timeout: 10_000 })
      .toEqual(["Gina Group (you) · owner", "Hugo Member", "Ivy Later"]);
    await checkedShot(a.page, `${DOC_SHOTS}/group-info.png`);
    await expect
      .poll(
        () =>
          chatItem(b.page, groupId)
            .locator(".chat-item-title")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("The Cousins");

    // Ivy is removed again; Hugo leaves on his own.
    await a.page.getByRole("button", { name: "Remove Ivy Later" }).click();
    await expect.poll(() => a.page.locator("[data-member-id]").count(), { timeout: 10_000 }).toBe(2);
    await a.page.getByRole("button", { name: "Close" }).click();
    await chatItem(b.page, groupId).click();
    await openGroupInfo(b.page);
    await expect.poll(() => b.page.locator("[data-member-id]").count(), { timeout: 10_000 }).toBe(2);
    await checkedShot(b.page, `${SHOTS}/group-info-phone.png`);
    await b.page.getByRole("button", { name: "Leave group" }).click();
    await expect.poll(() => chatItem(b.page, groupId).count(), { timeout: 10_000 }).toBe(0);

    // Gina deletes the group, after confirming: it leaves her list.
    await openGroupInfo(a.page);
    a.page.once("dialog", (dialog) => void dialog.accept());
    await a.page.getByRole("button", { name: "Delete group" }).click();
    await expect.poll(() => chatItem(a.page, groupId).count(), { timeout: 10_000 }).toBe(0);
    await contextA.close();
    await contextB.close();
    await contextC.close();
  }, 90_000);

  it("a reply, a mention and a pin: the quote follows an edit, the mention is marked and counted, the pin shows on both sides", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } });
    const a = await signUp(contextA, "Ann Reply");
    const b = await signUp(contextB, "Ben Mention");
    await openDirectChat(a.page, b.id);
    await a.page.getByRole("button", { name: "+ New chat" }).click();
    await a.page.getByRole("button", { name: "New group" }).click();
    await a.page.getByLabel("Group name").fill("Sunday lunch");
    await a.page.getByLabel("Search people to add").pressSequentially("ben", { delay: 20 });
    await a.page.getByRole("checkbox", { name: "Ben Mention" }).check();
    await a.page.getByRole("button", { name: /Create group/ }).click();
    await expect.poll(() => a.page.locator(".chat-header h2").textContent(), { timeout: 10_000 }).toBe("Sunday lunch");
    const groupId = decodeURIComponent(a.page.url().split("/app/chats/")[1]!);
    await send(a.page, "Lunch at one on Sunday?");
    // Ann steps away to her calls: the chat list beside them shows what comes in.
    await a.page.locator('[data-section="calls"]').click();
    await expect.poll(() => a.page.url()).toContain("/app/calls");

    // Ben replies to it and mentions Ann, picked from the suggestions after "@".
    await chatItem(b.page, groupId).click();
    const original = b.page.locator('[data-testid="message"]', { hasText: "Lunch at one on Sunday?" });
    await original.getByRole("button", { name: "Message actions" }).click();
    await b.page.getByRole("menuitem", { name: "Reply" }).click();
    await expect.poll(() => b.page.getByTestId("reply-banner").textContent()).toContain("Lunch at one on Sunday?");
    const box = b.page.getByLabel("Message", { exact: true });
    await box.pressSequentially("Yes! @an", { delay: 20 });
    await expect.poll(() => b.page.getByTestId("mention-suggestions").textContent()).toContain("@Ann Reply");
    await checkedShot(b.page, `${DOC_SHOTS}/mention-suggestions-phone.png`);
    await box.press("Enter");
    await expect.poll(() => box.inputValue()).toBe("Yes! @Ann Reply ");
    await box.pressSequentially("we will bring dessert", { delay: 5 });
    await b.page.getByRole("button", { name: "Send" }).click();
    const reply = b.page.locator('[data-testid="message"]', { hasText: "we will bring dessert" });
    await expect.poll(() => reply.getByTestId("quote").textContent(), { timeout: 10_000 }).toContain("Lunch at one on Sunday?");

    // Ann's list counts the mention; in the chat, the reply shows its quote and her name marked.
    await expect.poll(() => chatItem(a.page, groupId).getByTestId("mention-badge").count(), { timeout: 10_000 }).toBe(1);
    await checkedShot(a.page, `${SHOTS}/mention-badge.png`);
    await chatItem(a.page, groupId).click();
    const replySeen = a.page.locator('[data-testid="message"]', { hasText: "we will bring dessert" });
    await expect.poll(() => replySeen.locator(".mention.mention-me").textContent(), { timeout: 10_000 }).toBe("@Ann Reply");
    await expect.poll(() => replySeen.getByTestId("quote").textContent()).toContain("Lunch at one on Sunday?");
    await expect.poll(() => chatItem(a.page, groupId).getByTestId("mention-badge").count(), { timeout: 10_000 }).toBe(0);

    // Ann edits her question: the quote in Ben's reply follows on both sides.
    const mine = a.page.locator('[data-testid="message"]', { hasText: "Lunch at one on Sunday?" }).first();
    await mine.getByRole("button", { name: "Message actions" }).click();
    await a.page.getByRole("menuitem", { name: "Edit" }).click();
    const annBox = a.page.getByLabel("Message", { exact: true });
    await annBox.fill("Lunch at two on Sunday?");
    await annBox.press("Enter");
    await expect.poll(() => reply.getByTestId("quote").textContent(), { timeout: 10_000 }).toContain("Lunch at two on Sunday?");
    await expect.poll(() => replySeen.getByTestId("quote").textContent(), { timeout: 10_000 }).toContain("Lunch at two on Sunday?");

    // Ann pins Ben's reply: both see it in the pinned bar; a click on the quote finds the original.
    await replySeen.getByRole("button", { name: "Message actions" }).click();
    await a.page.getByRole("menuitem", { name: "Pin" }).click();
    await expect.poll(() => a.page.getByTestId("pinned-bar").textContent(), { timeout: 10_000 }).toContain("we will bring dessert");
    await expect.poll(() => b.page.getByTestId("pinned-bar").textContent(), { timeout: 10_000 }).toContain("we will bring dessert");
    await checkedShot(a.page, `${DOC_SHOTS}/reply-mention-pin.png`);
    await checkedShot(b.page, `${SHOTS}/reply-mention-pin-phone.png`);
    // After a reload the pin is still there (it is stored, not only sent).
    await b.page.reload();
    await expect.poll(() => b.page.getByTestId("pinned-bar").textContent(), { timeout: 15_000 }).toContain("we will bring dessert");
    await b.page.getByRole("button", { name: "Unpin" }).click();
    await expect.poll(() => a.page.getByTestId("pinned-bar").count(), { timeout: 10_000 }).toBe(0);
    await contextA.close();
    await contextB.close();
  }, 120_000);

  it("files in a chat: a pasted picture and a picked PDF upload with progress, arrive as a thumbnail and a download link; a dropped picture goes back", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 } }); // a phone
    const a = await signUp(contextA, "Erin Ellis");
    const b = await signUp(contextB, "Finn Foster");
    const chatId = await openPlainDirectChat(a.page, b.id);
    await chatItem(b.page, chatId)
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);

    // Alice pastes a picture and picks a PDF with the attach button.
    const picture = { name: "hills.png", mimeType: "image/png", buffer: landscapePng() };
    const plan = { name: "trip-plan.pdf", mimeType: "application/pdf", buffer: Buffer.from(padded(samples.pdf, 150_000)) };
    await paste(a.page, picture);
    await expect.poll(() => draftStatuses(a.page), { timeout: 15_000 }).toEqual(["done"]);
    // A slow uplink (DevTools throttling, 64 kB/s): the PDF's progress bar moves while it uploads.
    const devtools = await contextA.newCDPSession(a.page);
    await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const [chooser] = await Promise.all([a.page.waitForEvent("filechooser"), a.page.getByRole("button", { name: "Attach files" }).click()]);
    await chooser.setFiles(plan);
    const progressSeen = new Set<number>();
    const progressBar = a.page.getByRole("progressbar", { name: "Uploading trip-plan.pdf" });
    while ((await draftStatuses(a.page)).includes("uploading")) {
      const now = await progressBar.getAttribute("aria-valuenow", { timeout: 1000 }).catch(() => null);
      if (now !== null) progressSeen.add(Number(now));
      if (progressSeen.size === 2) await checkedShot(a.page, `${SHOTS}/attachments-uploading.png`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect.poll(() => draftStatuses(a.page), { timeout: 15_000 }).toEqual(["done", "done"]);
    expect([...progressSeen].filter((percent) => percent > 0 && percent < 100).length, `progress seen: ${[...progressSeen]}`).toBeGreaterThan(1);
    await a.page.getByLabel("Message", { exact: true }).fill("Photos from the hike, and the plan");
    await checkedShot(a.page, `${SHOTS}/attachments-composer.png`);

    // A file the chat does not take is refused by the server; the message cannot go until it is removed.
    // (Text is taken now, as a document: an unknown binary file is not.)
    await paste(a.page, {
      name: "tool.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.from([0x7f, 0x00, 0x01, 0x02, 0xfe, 0xff, 0x00, 0x13, 0x37]),
    });
    await expect.poll(() => draftStatuses(a.page), { timeout: 15_000 }).toEqual(["done", "done", "failed"]);
    expect(await a.page.getByTestId("draft").last().textContent()).toContain("This type of file cannot be sent");
    expect(await a.page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await a.page.getByRole("button", { name: "Remove tool.bin" }).click();
    await a.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => a.page.getByTestId("draft").count()).toBe(0);
    await expect.poll(() => messageTexts(a.page), { timeout: 15_000 }).toEqual(["Photos from the hike, and the plan"]);
    expect(await a.page.getByTestId("pending-message").count()).toBe(0);

    // Bob opens the chat on his phone: the picture is shown (loaded and decoded), the PDF is a download link that works.
    await chatItem(b.page, chatId).click();
    await expect.poll(() => messageTexts(b.page), { timeout: 15_000 }).toEqual(["Photos from the hike, and the plan"]);
    await expect.poll(() => loadedImageWidths(b.page), { timeout: 20_000 }).toEqual([480]);
    const link = b.page.locator('[data-testid="message"] [data-testid="attachment-file"]');
    await expect.poll(() => link.getAttribute("href"), { timeout: 10_000 }).toMatch(/\/v1\/files\/[^/]+\/content\?.*sig=/);
    expect(await link.getAttribute("download")).toBe("trip-plan.pdf");
    expect((await link.textContent())?.replace(/\s+/g, " ")).toContain("trip-plan.pdf146 KB");
    const downloaded = await b.page.evaluate(
      async (href) => {
        const response = await fetch(href);
        return { status: response.status, type: response.headers.get("content-type"), size: (await response.arrayBuffer()).byteLength };
      },
      (await link.getAttribute("href"))!,
    );
    expect(downloaded).toEqual({ status: 200, type: "application/pdf", size: 150_000 });
    await checkedShot(b.page, `${SHOTS}/attachments-phone.png`);

    // Bob drops a picture on the chat and sends it without a caption: Alice sees it.
    const dropShown = await dropOnChat(b.page, { name: "reply.png", mimeType: "image/png", buffer: landscapePng(320, 240) });
    expect(dropShown).toBe(true);
    await expect.poll(() => draftStatuses(b.page), { timeout: 15_000 }).toEqual(["done"]);
    await b.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => messageCount(a.page), { timeout: 15_000 }).toBe(2);
    expect(await messageTexts(a.page)).toEqual(["Photos from the hike, and the plan"]);
    await expect.poll(() => loadedImageWidths(a.page), { timeout: 20_000 }).toEqual([480, 320]);
    await checkedShot(a.page, `${SHOTS}/attachments-desktop.png`);
    await contextA.close();
    await contextB.close();
  }, 120_000);

  it("a video call shows each side's camera to the other, and a voice call turns into video when one side turns the camera on", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 }, permissions: ["microphone", "camera"] });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 780 }, permissions: ["microphone", "camera"] });
    const a = await signUp(contextA, "Erin Eyes");
    const b = await signUp(contextB, "Finn Face");
    await openDirectChat(a.page, b.id);
    /** Frames the remote video tile has shown so far. */
    const remoteFrames = (page: Page) =>
      page
        .getByTestId("remote-video")
        .evaluate((video) => (video as unknown as { getVideoPlaybackQuality(): { totalVideoFrames: number } }).getVideoPlaybackQuality().totalVideoFrames)
        .catch(() => 0);
    const framesGrow = async (page: Page) => {
      await expect.poll(() => remoteFrames(page), { timeout: 30_000 }).toBeGreaterThan(0);
      const before = await remoteFrames(page);
      await expect.poll(() => remoteFrames(page), { timeout: 10_000 }).toBeGreaterThan(before + 5);
    };
    const answer = async () => {
      await expect.poll(() => b.page.getByTestId("incoming-call").count(), { timeout: 15_000 }).toBe(1);
      await b.page.getByRole("button", { name: "Accept" }).click();
    };

    // A video call: both cameras on from the start, each side sees the other's frames.
    await a.page.getByRole("button", { name: "Video call" }).click();
    await answer();
    await framesGrow(a.page);
    await framesGrow(b.page);
    await checkedShot(a.page, `${SHOTS}/video-call-desktop.png`);
    await checkedShot(b.page, `${DOC_SHOTS}/video-call-phone.png`);
    await a.page.getByRole("button", { name: "Hang up" }).click();
    await expect
      .poll(
        () =>
          b.page
            .getByTestId("active-call")
            .getAttribute("data-phase")
            .catch(() => "gone"),
        { timeout: 15_000 },
      )
      .toMatch(/^(ended|gone)$/);
    await expect.poll(() => a.page.getByTestId("active-call").count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => b.page.getByTestId("active-call").count(), { timeout: 10_000 }).toBe(0);

    // A voice call: no video until Finn turns his camera on; then Erin sees him, with no new offer.
    await a.page.getByRole("button", { name: "Voice call" }).click();
    await answer();
    await expect.poll(() => b.page.getByTestId("active-call").getAttribute("data-ice"), { timeout: 30_000 }).toMatch(/^(connected|completed)$/);
    expect(await a.page.getByTestId("self-video").count()).toBe(0);
    await b.page.getByRole("button", { name: "Turn camera on" }).click();
    await framesGrow(a.page);
    await checkedShot(a.page, `${SHOTS}/voice-to-video-desktop.png`);
    await a.page.getByRole("button", { name: "Hang up" }).click();
    await contextA.close();
    await contextB.close();
  }, 120_000);

  it("a call rings on both of the callee's tabs, connects with audio both ways, and ends in the history of both", async () => {
    const contextA = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const contextB = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const a = await signUp(contextA, "Carol Caller");
    const b = await signUp(contextB, "Dan Callee");
    const secondTab = await contextB.newPage();
    await secondTab.goto(appUrl()); // same session (shared storage), its own hub socket
    await expect.poll(() => secondTab.getByTestId("me-name").textContent()).toBe("Dan Callee");

    await openDirectChat(a.page, b.id);
    await a.page.getByRole("button", { name: "Voice call" }).click();
    await expect.poll(() => b.page.getByTestId("incoming-call").count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => secondTab.getByTestId("incoming-call").count(), { timeout: 15_000 }).toBe(1);
    await checkedShot(b.page, `${SHOTS}/call-incoming.png`);

    await secondTab.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => b.page.getByTestId("incoming-call").count(), { timeout: 10_000 }).toBe(0);
    expect(await b.page.getByTestId("active-call").count()).toBe(0);

    const ice = (page: Page) => page.getByTestId("active-call").getAttribute("data-ice");
    await expect.poll(() => ice(a.page), { timeout: 30_000 }).toMatch(/^(connected|completed)$/);
    await expect.poll(() => ice(secondTab), { timeout: 30_000 }).toMatch(/^(connected|completed)$/);

    const inboundAudioBytes = (page: Page) =>
      page.evaluate(async () => {
        // The web client exposes the current call's RTCPeerConnection for diagnostics.
        const call = (
          globalThis as unknown as {
            edgePlatformCall: { peerConnection: { getStats(): Promise<Map<string, { type: string; kind?: string; bytesReceived?: number }>> } };
          }
        ).edgePlatformCall;
        const stats = await call.peerConnection.getStats();
        let bytes = 0;
        stats.forEach((report) => {
          if (report.type === "inbound-rtp" && report.kind === "audio") bytes += report.bytesReceived ?? 0;
        });
        return bytes;
      });
    const before = [await inboundAudioBytes(a.page), await inboundAudioBytes(secondTab)];
    await new Promise((r) => setTimeout(r, 2500));
    const after = [await inboundAudioBytes(a.page), await inboundAudioBytes(secondTab)];
    expect(after[0]).toBeGreaterThan(before[0]!);
    expect(after[1]).toBeGreaterThan(before[1]!);
    await expect.poll(() => a.page.getByTestId("call-status").textContent()).toMatch(/^\d+:\d\d$/);
    await a.page.getByRole("button", { name: "Mute" }).click();
    expect(await a.page.getByRole("button", { name: "Unmute" }).count()).toBe(1);
    await checkedShot(a.page, `${SHOTS}/call-active.png`);

    await a.page.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(() => a.page.getByTestId("active-call").getAttribute("data-phase")).toBe("ended");
    await expect.poll(() => secondTab.getByTestId("active-call").getAttribute("data-phase"), { timeout: 10_000 }).toBe("ended");
    expect(await secondTab.getByTestId("call-status").textContent()).toMatch(/^Call ended/);
    await checkedShot(secondTab, `${SHOTS}/call-ended.png`);

    for (const page of [a.page, secondTab]) {
      await page.getByRole("button", { name: "Close" }).click();
      await page.goto(`${appUrl()}calls`);
      await expect.poll(() => page.locator('[data-testid="call-history-item"]').first().getAttribute("data-status"), { timeout: 10_000 }).toBe("ended");
    }
    await checkedShot(a.page, `${SHOTS}/call-history.png`);
    await contextA.close();
    await contextB.close();
  }, 420_000);
});
