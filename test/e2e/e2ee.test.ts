// End-to-end encrypted chats in Chromium (docs/e2ee.md, "What a user sees"): three pages, two
// people, one of them on two devices (two browser contexts signed in as the same user), talk in
// an encrypted group made in the web app: text, a reply with a mention, a reaction, an edit, a
// picture, a voice message recorded from Chromium's fake microphone. Then every store of the
// platform is read raw (D1, each Durable Object's SQLite, R2's blobs) and holds no word, picture
// byte or voice byte of it. A removed member's device cannot read what is sent after the removal;
// a new device reads from its joining on and says so.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, e2eeKeyPackagesUploaded, openDirectChat, registerAccount, signInToApp } from "./app";
import { launchChromium, screenshotPagesOnFailure } from "./browser";
import { landscapePng } from "./sample-picture";
import { checkScreen } from "./screens";

const PORT = testPort(8980);
const NAME = "e2ee-e2e";
// localhost: the name browsers treat as a secure context (getUserMedia, Web Crypto's subtle).
const appUrl = () => `http://localhost:${PORT}/app/`;
/** Where `wrangler dev` keeps this server's D1, Durable Objects and R2 (bench/lib/dev-server.mjs). */
const STATE = path.join(import.meta.dirname, "..", "..", ".wrangler", `state-${NAME}`);

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: NAME, vars: { STUN_URLS: "" } });
  browser = await launchChromium({ media: true });
}, 420_000);

screenshotPagesOnFailure(() => browser, "e2ee");

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

interface Device {
  account: Account;
  context: BrowserContext;
  page: Page;
}

/** A browser (its own context: its own IndexedDB, its own session, so its own MLS device) signed in as `account`, its key packages uploaded. */
async function device(account: Account, viewport: { width: number; height: number }, options: { bypassCSP?: boolean } = {}): Promise<Device> {
  const context = await browser.newContext({ viewport, permissions: ["microphone"], ...options });
  const page = await context.newPage();
  if (process.env.E2EE_DEBUG) page.on("console", (message) => console.log(`[${account.displayName} ${viewport.width}] ${message.type()}: ${message.text()}`));
  await signInToApp(page, appUrl(), account);
  await expect.poll(() => e2eeKeyPackagesUploaded(page), { timeout: 30_000 }).toBe(true);
  return { account, context, page };
}

/** The live MLS devices of `userId` (each signed-in browser registers one). */
async function devicesOf(viewer: Account, userId: string): Promise<{ id: string }[]> {
  return (await callApi<{ items: { id: string }[] }>(server.url, viewer, `/v1/e2ee/users/${userId}/devices`)).items;
}

const chatItem = (page: Page, chatId: string) => page.locator(`[data-chat-id="${chatId}"]`);
/** What each message row of the open chat says: its text, or the words for what this device cannot read. */
const rowTexts = (page: Page) =>
  page
    .locator('[data-testid="message"]')
    .evaluateAll((rows) =>
      rows.map((row) => (row.querySelector(".text, [data-testid='unreadable'], em") as { textContent: string | null } | null)?.textContent?.trim() ?? ""),
    );
/** The message row whose own text (not a quote of it) holds `text`. */
const messageRow = (page: Page, text: string | RegExp) =>
  page.locator('[data-testid="message"]').filter({ has: page.locator(".bubble > .text, .bubble > [data-testid='unreadable']", { hasText: text }) });

/** The message with a voice recording: sent without a caption, it shows no words of its own. */
const voiceRow = (page: Page) => page.locator('[data-testid="message"]').filter({ has: page.getByTestId("attachment-audio") });

async function openChat(page: Page, chatId: string): Promise<void> {
  await chatItem(page, chatId).click();
  await expect.poll(() => page.url()).toContain(`/app/chats/${encodeURIComponent(chatId)}`);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await expect.poll(() => messageRow(page, text).count(), { timeout: 30_000 }).toBe(1);
}

/** Two new people, each signed in on a browser of their own: the first on a laptop, the second on a phone, whose device the server lists. */
async function laptopAndPhone(laptopName: string, phoneName: string): Promise<[Device, Device]> {
  const [first, second] = [await registerAccount(server.url, laptopName), await registerAccount(server.url, phoneName)];
  const laptop = await device(first, { width: 1280, height: 800 });
  const phone = await device(second, { width: 390, height: 844 });
  await expect.poll(async () => (await devicesOf(second, second.id)).length, { timeout: 30_000 }).toBe(1);
  return [laptop, phone];
}

/** `from` starts an encrypted direct chat with `to` and sends `text` once the chat's group is set up; answers the chat's id once it shows in `to`'s list. */
async function firstMessage(from: Device, to: Device, text: string): Promise<string> {
  const direct = await openDirectChat(from.page, to.account.id);
  await expect.poll(() => from.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);
  await send(from.page, text);
  await expect.poll(() => chatItem(to.page, direct).count(), { timeout: 30_000 }).toBe(1);
  return direct;
}

/**
 * 48 bytes from the second half of a file that no other file holds by chance: a window with at
 * least 40 different byte values (a run of zeros or a repeated pattern, as silence in a recording
 * makes, would match empty pages of any database file).
 */
function distinctiveSlice(bytes: Buffer): Buffer {
  for (let at = Math.floor(bytes.length / 2); at + 48 <= bytes.length; at += 16) {
    const slice = bytes.subarray(at, at + 48);
    if (new Set(slice).size >= 40) return slice;
  }
  throw new Error("no distinctive slice in the file");
}

/**
 * The bytes of every file under `dir`, recursively, each read once. The dev server keeps running
 * while this reads: when a Durable Object goes idle, SQLite checkpoints its write-ahead log into the
 * database file and deletes the log and its index (`-wal`, `-shm`), so a file listed a moment ago
 * may be gone; what it held is then in the database file, which is read too.
 */
function filesUnder(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const visit = (current: string) => {
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      try {
        if (statSync(full).isDirectory()) visit(full);
        else found.set(full, readFileSync(full));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  };
  visit(dir);
  return found;
}

describe("end-to-end encrypted chats in the web app", () => {
  let alice: Account;
  let bob: Account;
  let laptop: Device;
  let phone: Device;
  let bobs: Device;
  let chatId: string;
  const picture = landscapePng(320, 200);
  let voiceBytes: Buffer;

  it("two people, one on two devices, talk in an encrypted group made in the app: text, a reply, a reaction, an edit, a picture, a voice message", async () => {
    [alice, bob] = [await registerAccount(server.url, "Alice Sealed"), await registerAccount(server.url, "Bob Sealed")];
    laptop = await device(alice, { width: 1280, height: 800 });
    phone = await device(alice, { width: 390, height: 844 });
    // Bob's page lets the test read a decrypted file back from its blob: URL (the app's CSP lets no script fetch one).
    bobs = await device(bob, { width: 1280, height: 800 }, { bypassCSP: true });
    // Every signed-in browser is an MLS device with key packages on the server.
    await expect.poll(async () => (await devicesOf(alice, alice.id)).length, { timeout: 30_000 }).toBe(2);
    await expect.poll(async () => (await devicesOf(bob, bob.id)).length, { timeout: 30_000 }).toBe(1);

    // Alice meets Bob by his id: a direct chat made in the app is encrypted.
    const direct = await openDirectChat(laptop.page, bob.id);
    expect((await callApi<{ encrypted: boolean }>(server.url, alice, `/v1/chats/${direct}`)).encrypted).toBe(true);

    // A new group: encrypted is the labelled choice, on unless unticked.
    await laptop.page.getByRole("button", { name: "+ New chat" }).click();
    await laptop.page.getByRole("button", { name: "New group" }).click();
    await laptop.page.getByLabel("Group name").fill("Family secrets");
    await laptop.page.getByLabel("Search people to add").pressSequentially("bob", { delay: 20 });
    await laptop.page.getByRole("checkbox", { name: "Bob Sealed" }).check();
    expect(await laptop.page.getByRole("checkbox", { name: /End-to-end encrypted/ }).isChecked()).toBe(true);
    await checkScreen(laptop.page, "e2ee-new-group");
    await laptop.page.getByRole("button", { name: /Create group/ }).click();
    await laptop.page.waitForURL((url) => url.pathname.startsWith("/app/chats/") && !url.pathname.endsWith(encodeURIComponent(direct)));
    chatId = decodeURIComponent(laptop.page.url().split("/app/chats/")[1]!);
    expect(chatId).not.toBe(direct);
    expect((await callApi<{ encrypted: boolean }>(server.url, alice, `/v1/chats/${chatId}`)).encrypted).toBe(true);
    await expect.poll(() => laptop.page.getByTestId("e2ee-chat-mark").textContent()).toContain("End-to-end encrypted");
    await expect.poll(() => laptop.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);

    // The others open it from their lists (lock mark there), join by their Welcomes and read from then on.
    for (const { page } of [bobs, phone]) {
      await expect.poll(() => chatItem(page, chatId).count(), { timeout: 30_000 }).toBe(1);
      expect(await chatItem(page, chatId).getByTestId("e2ee-list-mark").textContent()).toBe("End-to-end encrypted");
      await openChat(page, chatId);
      await expect.poll(() => page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);
    }

    await send(laptop.page, "The picnic is at the old oak at noon");
    for (const { page } of [bobs, phone]) await expect.poll(() => rowTexts(page), { timeout: 30_000 }).toEqual(["The picnic is at the old oak at noon"]);

    // Bob replies to it and mentions Alice: the quote shows the words, decrypted on each device.
    const original = messageRow(bobs.page, "The picnic is at the old oak at noon");
    await original.getByRole("button", { name: "Message actions" }).click();
    await bobs.page.getByRole("menuitem", { name: "Reply" }).click();
    const composer = bobs.page.getByLabel("Message", { exact: true });
    await composer.pressSequentially("@ali", { delay: 30 });
    await bobs.page.getByTestId("mention-suggestions").getByRole("button", { name: "@Alice Sealed" }).click();
    await composer.pressSequentially("I will bring the lemonade", { delay: 5 });
    await bobs.page.getByRole("button", { name: "Send" }).click();
    for (const { page } of [laptop, phone]) {
      const reply = messageRow(page, "I will bring the lemonade");
      await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(1);
      expect(await reply.getByTestId("quote").textContent()).toContain("The picnic is at the old oak at noon");
      expect(await reply.getByTestId("mention").textContent()).toBe("@Alice Sealed");
    }

    // Alice's phone reacts to the reply; her laptop edits the first message.
    const reply = messageRow(phone.page, "I will bring the lemonade");
    await reply.getByRole("button", { name: "Add a reaction" }).click();
    await phone.page.getByRole("button", { name: "React with 👍" }).click();
    await messageRow(laptop.page, "The picnic is at the old oak at noon").getByRole("button", { name: "Message actions" }).click();
    await laptop.page.getByRole("menuitem", { name: "Edit" }).click();
    await laptop.page.getByLabel("Message", { exact: true }).fill("The picnic is at the old oak at one");
    await laptop.page.getByRole("button", { name: "Send" }).click();
    for (const { page } of [laptop, phone, bobs]) {
      await expect
        .poll(() => messageRow(page, "I will bring the lemonade").getByTestId("reactions").getByRole("button").first().textContent(), { timeout: 30_000 })
        .toContain("👍 1");
      await expect.poll(() => messageRow(page, "The picnic is at the old oak at one").count(), { timeout: 30_000 }).toBe(1);
      expect(await messageRow(page, "The picnic is at the old oak at one").locator(".meta").textContent()).toContain("edited");
    }
    // The edit and the reaction are not messages of their own.
    expect((await rowTexts(bobs.page)).length).toBe(2);

    // Bob sends a picture: encrypted on his device, decrypted and shown on the others.
    const [chooser] = await Promise.all([bobs.page.waitForEvent("filechooser"), bobs.page.getByRole("button", { name: "Attach files" }).click()]);
    await chooser.setFiles({ name: "oak.png", mimeType: "image/png", buffer: picture });
    await expect.poll(() => bobs.page.getByTestId("draft").getAttribute("data-status"), { timeout: 30_000 }).toBe("done");
    await bobs.page.getByLabel("Message", { exact: true }).fill("Our oak in spring");
    await bobs.page.getByRole("button", { name: "Send" }).click();
    for (const { page } of [laptop, phone]) {
      const image = messageRow(page, "Our oak in spring").locator('[data-testid="attachment-image"] img');
      await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth).catch(() => 0), { timeout: 30_000 }).toBe(320);
      expect(await image.getAttribute("src")).toMatch(/^blob:/);
    }

    // Alice's phone records a voice message from the fake microphone.
    await phone.page.getByRole("button", { name: "Record a voice message" }).click();
    await expect.poll(() => phone.page.getByTestId("recording").count()).toBe(1);
    await phone.page.waitForTimeout(1500);
    await phone.page.getByRole("button", { name: "Stop recording" }).click();
    await expect.poll(() => phone.page.getByTestId("draft").getAttribute("data-status"), { timeout: 30_000 }).toBe("done");
    await phone.page.getByRole("button", { name: "Send" }).click();
    for (const { page } of [bobs, laptop]) {
      const audio = voiceRow(page).getByTestId("attachment-audio");
      await expect
        .poll(() => audio.evaluate((el) => (el as unknown as { readyState: number }).readyState).catch(() => 0), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(1);
      expect(await audio.getAttribute("src")).toMatch(/^blob:/);
      await expect.poll(() => voiceRow(page).getByTestId("voice-duration").textContent()).toMatch(/^0:0[1-9]$/);
    }
    // The recording's bytes as Bob's device decrypted them, to look for on the server.
    const src = (await voiceRow(bobs.page).getByTestId("attachment-audio").getAttribute("src"))!;
    voiceBytes = Buffer.from(await bobs.page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], src));
    expect(voiceBytes.length).toBeGreaterThan(1000);

    // Read receipts and pins work by seq and id.
    await expect.poll(() => laptop.page.getByTestId("seen").count(), { timeout: 30_000 }).toBe(1);
    await messageRow(bobs.page, "The picnic is at the old oak at one").getByRole("button", { name: "Message actions" }).click();
    await bobs.page.getByRole("menuitem", { name: "Pin" }).click();
    for (const { page } of [laptop, bobs])
      await expect.poll(() => page.getByTestId("pinned-bar").textContent(), { timeout: 30_000 }).toContain("The picnic is at the old oak at one");

    await checkScreen(bobs.page, "e2ee-chat");
    await checkScreen(phone.page, "e2ee-chat-phone");

    // Search runs on the device, over what it decrypted, and says so.
    await bobs.page.getByRole("button", { name: "Search messages" }).click();
    await bobs.page.getByLabel("Search this chat").fill("lemonade");
    await expect.poll(() => bobs.page.getByTestId("search-results").textContent(), { timeout: 10_000 }).toContain("I will bring the lemonade");
    expect(await bobs.page.getByTestId("on-device-search").textContent()).toContain("Searching on this device");
    await checkScreen(bobs.page, "e2ee-search");
    await bobs.page.getByRole("button", { name: "Close" }).click();

    // The chat list shows the last message as the device read it, with the lock.
    await expect.poll(() => chatItem(laptop.page, chatId).textContent(), { timeout: 10_000 }).toContain("Voice message");
    await checkScreen(laptop.page, "e2ee-chat-list");
  }, 600_000);

  it("a member removed cannot read what is sent after the removal: added back, their device shows the words, not the text", async () => {
    await laptop.page.getByRole("button", { name: "Group info" }).click();
    await laptop.page.getByRole("button", { name: "Remove Bob Sealed" }).click();
    await expect.poll(() => laptop.page.locator("[data-member-id]").count(), { timeout: 15_000 }).toBe(1);
    await laptop.page.getByRole("button", { name: "Close" }).click();
    // The next message waits for the commit removing Bob's device, then goes to the others only.
    await send(laptop.page, "The surprise is a cake with candles");
    await expect.poll(() => rowTexts(phone.page), { timeout: 30_000 }).toContain("The surprise is a cake with candles");
    expect(await rowTexts(bobs.page)).not.toContain("The surprise is a cake with candles");
    // What the room holds for Bob now: nothing (he is not a member), and his old group state opens nothing later.
    const refused = await fetch(`${server.url}/v1/chats/${chatId}/messages`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
    expect(refused.status).toBe(404);

    // Alice adds Bob back; his device joins the group anew, and what was sent while he was out stays locked on it.
    await laptop.page.getByRole("button", { name: "Group info" }).click();
    await laptop.page.getByRole("button", { name: "Add people" }).click();
    await laptop.page.getByRole("checkbox", { name: "Bob Sealed" }).check();
    await laptop.page
      .getByRole("dialog", { name: "Group info" })
      .getByRole("button", { name: /^Add \d/ })
      .click();
    await expect.poll(() => laptop.page.locator("[data-member-id]").count(), { timeout: 15_000 }).toBe(2);
    await laptop.page.getByRole("button", { name: "Close" }).click();
    await bobs.page.reload();
    await expect.poll(() => chatItem(bobs.page, chatId).count(), { timeout: 30_000 }).toBe(1);
    await openChat(bobs.page, chatId);
    await expect.poll(() => bobs.page.getByTestId("e2ee-status").count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => rowTexts(bobs.page), { timeout: 30_000 }).toContain("Sent before this device joined this chat");
    expect(await rowTexts(bobs.page)).not.toContain("The surprise is a cake with candles");
    // What he read before the removal stays on his device; what is sent now reaches him.
    expect((await rowTexts(bobs.page)).some((text) => text.endsWith("I will bring the lemonade"))).toBe(true);
    await send(laptop.page, "Welcome back, Bob");
    await expect.poll(() => rowTexts(bobs.page), { timeout: 30_000 }).toContain("Welcome back, Bob");
    await checkScreen(bobs.page, "e2ee-removed-and-back");
  }, 300_000);

  it("a new device of Bob joins: it reads from its joining on, and says what it will not see", async () => {
    const bobsPhone = await device(bob, { width: 390, height: 844 });
    await expect.poll(() => chatItem(bobsPhone.page, chatId).count(), { timeout: 30_000 }).toBe(1);
    await openChat(bobsPhone.page, chatId);
    // Not in the group yet: a member's device in the room hears it ask, and adds it.
    await expect.poll(() => bobsPhone.page.getByTestId("e2ee-status").count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => bobsPhone.page.getByTestId("e2ee-new-device").textContent(), { timeout: 30_000 }).toContain("This device joined this chat");
    expect(await bobsPhone.page.getByTestId("e2ee-new-device").textContent()).toContain("key backup");
    const earlier = await rowTexts(bobsPhone.page);
    expect(earlier.length).toBeGreaterThan(3);
    expect(new Set(earlier)).toEqual(new Set(["Sent before this device joined this chat"]));
    await send(laptop.page, "Hello to the new phone");
    await expect.poll(() => rowTexts(bobsPhone.page), { timeout: 30_000 }).toContain("Hello to the new phone");
    await checkScreen(bobsPhone.page, "e2ee-new-device");
  }, 300_000);

  it("a new device no member device can add yet (none is online) says so and waits, Send held back", async () => {
    for (const context of browser.contexts()) await context.close();
    const late = await device(bob, { width: 1280, height: 800 });
    await expect.poll(() => chatItem(late.page, chatId).count(), { timeout: 30_000 }).toBe(1);
    await openChat(late.page, chatId);
    await expect.poll(() => late.page.getByTestId("e2ee-status").getAttribute("data-status"), { timeout: 60_000 }).toBe("waiting");
    expect(await late.page.getByTestId("e2ee-status").textContent()).toContain("Another member's device adds it as soon as one is online");
    expect(await late.page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    expect(new Set(await rowTexts(late.page))).toEqual(new Set(["Sent before this device joined this chat"]));
    await checkScreen(late.page, "e2ee-waiting");
    await late.context.close();
  }, 300_000);

  it("no store of the platform holds a word, a picture byte or a voice byte of it", async () => {
    const secrets = ["picnic", "old oak", "lemonade", "Our oak in spring", "oak.png", "cake with candles", "Welcome back", "new phone"];
    const pictureSlice = distinctiveSlice(picture);
    const voiceSlice = distinctiveSlice(voiceBytes);

    // D1 through the dev server's own query: where a chat's words would land (the chat list's last
    // message, mentions, file names, uploads); the scan of its database file below reads every table.
    for (const table of ["chats", "chat_members", "chat_mentions", "files", "uploads", "blobs", "file_attachments"]) {
      const rows = JSON.stringify(server.query(`SELECT * FROM "${table}"`));
      for (const secret of secrets) expect(rows.includes(secret), `D1 table ${table} holds "${secret}"`).toBe(false);
    }
    const chatRow = server.query(`SELECT last_message FROM chats WHERE id = '${chatId}'`) as { last_message: string }[];
    expect(JSON.parse(chatRow[0]!.last_message)).toMatchObject({ text: "" });
    // The chat's files are opaque bytes to the server, under a neutral name.
    const files = server.query(`SELECT id, owner_id, name, content_type, purpose FROM files WHERE owner_id IN ('${alice.id}', '${bob.id}')`) as {
      id: string;
      owner_id: string;
      name: string;
      content_type: string;
      purpose: string;
    }[];
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const { name, content_type, purpose } of files)
      expect({ name, content_type, purpose }).toEqual({ name: "encrypted", content_type: "application/octet-stream", purpose: "encrypted-attachment" });
    // What R2 holds of Bob's picture: its ciphertext, as the owner downloads it.
    const bobsFile = files.find((file) => file.owner_id === bob.id)!;
    const ciphertext = Buffer.from(
      await (await fetch(`${server.url}/v1/files/${bobsFile.id}/content`, { headers: { authorization: `Bearer ${bob.accessToken}` } })).arrayBuffer(),
    );
    expect(ciphertext.length).toBe(picture.length + 16);

    // Every file the dev server keeps: D1's and each Durable Object's SQLite (with their write-ahead logs) and R2's blobs.
    const storedBytes = filesUnder(STATE);
    const stored = [...storedBytes.keys()];
    const durableObjects = stored.filter((file) => file.includes(`${path.sep}do${path.sep}`) && file.includes("ChatRoom"));
    const blobs = stored.filter((file) => file.includes(`${path.sep}r2${path.sep}`));
    expect(durableObjects.length).toBeGreaterThan(0);
    expect(blobs.length).toBeGreaterThan(0);
    const needles = [...secrets.map((secret) => Buffer.from(secret, "utf8")), pictureSlice, voiceSlice];
    const found: string[] = [];
    for (const [file, bytes] of storedBytes) {
      for (const needle of needles)
        if (bytes.includes(needle)) found.push(`${path.relative(STATE, file)}: ${needle.length === 48 ? "file bytes" : needle.toString()}`);
    }
    expect(found).toEqual([]);
    // The scan reads what is really there: a name stored in clear is found in D1's file, the picture's ciphertext among R2's blobs.
    const holding = (needle: Buffer) => stored.filter((file) => storedBytes.get(file)!.includes(needle)).map((file) => path.relative(STATE, file));
    expect(holding(Buffer.from(alice.displayName)).some((file) => file.startsWith(`v3${path.sep}d1${path.sep}`))).toBe(true);
    expect(holding(distinctiveSlice(ciphertext)).some((file) => file.startsWith(`v3${path.sep}r2${path.sep}`))).toBe(true);
  }, 300_000);
});

describe("an encrypted chat opened while the app reads it in the background", () => {
  it("shows its messages at once, though the background reader was still waiting for the room's answer", async () => {
    const [carols, dans] = await laptopAndPhone("Carol Quick", "Dan Waiting");

    // Dan's first socket to a chat (the app reading a new chat in the background, for its line in
    // the list) never gets the room's answer to "which Welcomes wait for me": it is still waiting
    // when Dan opens the chat. Every other frame, and every later socket, passes as it is.
    let chatSockets = 0;
    let held: () => void = () => undefined;
    const answerHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    await dans.context.routeWebSocket(/\/v1\/chats\/[^/?]+\/ws/, (page) => {
      const first = ++chatSockets === 1;
      const room = page.connectToServer();
      page.onMessage((frame) => room.send(frame));
      room.onMessage((frame) => {
        if (first && typeof frame === "string" && (JSON.parse(frame) as { type: string }).type === "mls.welcomes") return held();
        page.send(frame);
      });
    });

    const direct = await firstMessage(carols, dans, "Tea at five on the terrace");
    await answerHeld;
    await openChat(dans.page, direct);
    // The chat's screen sets the group up over its own socket at once: well before the 20 s the
    // background reader's unanswered request would take to time out, which held every frame of
    // the screen behind it.
    await expect.poll(() => rowTexts(dans.page), { timeout: 10_000 }).toEqual(["Tea at five on the terrace"]);
    expect(chatSockets).toBe(2);
    await carols.context.close();
    await dans.context.close();
  }, 180_000);
});

describe("an encrypted chat whose socket dropped as the device joined", () => {
  it("the device is in the group on the next connect and reads what was sent, not stuck waiting to be added", async () => {
    const [ivys, jons] = await laptopAndPhone("Ivy Steady", "Jon Dropped");

    // Jon's first socket to a chat closes right after it brought his Welcome: his device joins the
    // group (spending its key package) while its acknowledgement finds no socket to go out on.
    // Until 2026-11-26 that joined group was dropped, the next connect could not use the Welcome
    // again, and his device waited forever for a member to add a device already in the group.
    let dropped = false;
    await jons.context.routeWebSocket(/\/v1\/chats\/[^/?]+\/ws/, (page) => {
      const room = page.connectToServer();
      page.onMessage((frame) => room.send(frame));
      room.onMessage((frame) => {
        page.send(frame);
        if (dropped || typeof frame !== "string") return;
        const answer = JSON.parse(frame) as { type: string; items?: unknown[] };
        if (answer.type === "mls.welcomes" && (answer.items?.length ?? 0) > 0) {
          dropped = true;
          void page.close();
        }
      });
    });

    const direct = await firstMessage(ivys, jons, "Dinner is at seven");
    await expect.poll(() => dropped, { timeout: 30_000 }).toBe(true);
    await openChat(jons.page, direct);
    await expect.poll(() => rowTexts(jons.page), { timeout: 30_000 }).toEqual(["Dinner is at seven"]);
    expect(await jons.page.getByTestId("e2ee-status").count()).toBe(0);
    await send(jons.page, "See you there");
    await expect.poll(() => rowTexts(ivys.page), { timeout: 30_000 }).toEqual(["Dinner is at seven", "See you there"]);
    await ivys.context.close();
    await jons.context.close();
  }, 180_000);
});

describe("an encrypted chat with someone who has no device yet", () => {
  it("the sender's screen names them and says what stays locked, until their first device joins", async () => {
    const [erin, finn] = [await registerAccount(server.url, "Erin Early"), await registerAccount(server.url, "Finn Offline")];
    const erins = await device(erin, { width: 1280, height: 800 });
    const direct = await openDirectChat(erins.page, finn.id);
    // Finn's account exists, but he never opened the app: no device of his can be added to the chat's group.
    expect(await devicesOf(erin, finn.id)).toEqual([]);
    const notice = erins.page.getByTestId("e2ee-members-without-device");
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain("Finn Offline has no device that can read this chat yet");
    expect(await notice.textContent()).toContain("Messages sent now stay locked for them");
    await checkScreen(erins.page, "e2ee-member-without-device");
    await send(erins.page, "Call me when you land");

    // Finn opens the app: Erin's device, in the room, adds his new device; the notice goes, and he reads what comes next.
    const finns = await device(finn, { width: 390, height: 844 });
    await expect.poll(() => chatItem(finns.page, direct).count(), { timeout: 30_000 }).toBe(1);
    await openChat(finns.page, direct);
    await expect.poll(() => finns.page.getByTestId("e2ee-status").count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => notice.count(), { timeout: 30_000 }).toBe(0);
    expect(await rowTexts(finns.page)).toEqual(["Sent before this device joined this chat"]);
    await send(erins.page, "Landed yet?");
    await expect.poll(() => rowTexts(finns.page), { timeout: 30_000 }).toEqual(["Sent before this device joined this chat", "Landed yet?"]);
    await erins.context.close();
    await finns.context.close();
  }, 240_000);
});

describe("an encrypted chat after a quiet spell", () => {
  it("sends both ways after its room was evicted and woke again", async () => {
    const [gails, hanks] = await laptopAndPhone("Gail Patient", "Hank Later");
    const direct = await firstMessage(gails, hanks, "Before the quiet");
    await openChat(hanks.page, direct);
    await expect.poll(() => rowTexts(hanks.page), { timeout: 30_000 }).toEqual(["Before the quiet"]);

    // Both leave the app: with no socket left, the runtime evicts the chat's room once it has
    // nothing more to do, and opening the chat again wakes a new object from the room's storage.
    // Measured under wrangler dev: after 15 s it had not yet been evicted, after 45 s it had (until
    // 2026-11-26 the woken room was an epoch behind and refused this send).
    for (const { page } of [gails, hanks]) await page.goto("about:blank");
    await gails.page.waitForTimeout(45_000);
    for (const { page } of [gails, hanks]) {
      await page.goto(`${appUrl()}chats/${encodeURIComponent(direct)}`);
      await expect.poll(() => rowTexts(page), { timeout: 30_000 }).toEqual(["Before the quiet"]);
      await expect.poll(() => page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);
    }
    await send(gails.page, "After the quiet");
    await expect.poll(() => rowTexts(hanks.page), { timeout: 30_000 }).toEqual(["Before the quiet", "After the quiet"]);
    await send(hanks.page, "Still here");
    await expect.poll(() => rowTexts(gails.page), { timeout: 30_000 }).toEqual(["Before the quiet", "After the quiet", "Still here"]);
    for (const { page } of [gails, hanks]) expect(await page.getByTestId("pending-message").count()).toBe(0);
    await gails.context.close();
    await hanks.context.close();
  }, 180_000);
});

describe("an encrypted chat sent to before its room answered", () => {
  it("keeps the message as Sending… while the chat sets up, however long, then seals and sends it", async () => {
    const [kims, lous] = await laptopAndPhone("Kim Quick", "Lou Reading");
    const direct = await firstMessage(kims, lous, "Are you there?");
    await openChat(lous.page, direct);
    await expect.poll(() => rowTexts(lous.page), { timeout: 30_000 }).toEqual(["Are you there?"]);

    // Kim's next chat socket opens but gets nothing from the room until longer than a send waits
    // for its answer (10 s): the chat is on screen and its encryption still being set up, as on a
    // slow network or a busy machine. Until 2026-11-27 a message sent then turned "Not sent" at
    // 10 s, and the hello that came after did not send it again (the e2ee-conversion test's
    // first sealed message, which never showed once in CI).
    await kims.page.goto("about:blank");
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let heldSockets = 0;
    await kims.context.routeWebSocket(/\/v1\/chats\/[^/?]+\/ws/, (page) => {
      heldSockets++;
      const room = page.connectToServer();
      page.onMessage((frame) => room.send(frame));
      room.onMessage((frame) => void released.then(() => page.send(frame)));
    });
    await kims.page.goto(`${appUrl()}chats/${encodeURIComponent(direct)}`);
    await expect.poll(() => heldSockets, { timeout: 30_000 }).toBeGreaterThan(0);
    await kims.page.getByLabel("Message", { exact: true }).fill("On my way");
    await kims.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => kims.page.getByTestId("pending-message").textContent()).toContain("Sending…");
    await kims.page.waitForTimeout(11_000);
    expect(await kims.page.getByTestId("pending-message").textContent()).toContain("Sending…");
    release();

    await expect.poll(() => rowTexts(kims.page), { timeout: 30_000 }).toEqual(["Are you there?", "On my way"]);
    await expect.poll(() => rowTexts(lous.page), { timeout: 30_000 }).toEqual(["Are you there?", "On my way"]);
    expect(await kims.page.getByTestId("pending-message").count()).toBe(0);
    await kims.context.close();
    await lous.context.close();
  }, 180_000);
});
