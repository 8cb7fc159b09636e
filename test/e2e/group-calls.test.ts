// A mesh group call in a real browser: three Chromium pages with fake cameras and microphones join
// a group chat's call; each receives audio and video from the two others; one leaves and the other
// two keep talking. The app is served by `wrangler dev` at /app (docs/calls.md, "Group calls").
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { callApiAsPage } from "./app";
import { launchChromium } from "./browser";
import { checkedShot } from "./screens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";

const PORT = testPort(8912);
const SHOTS = "test-results/group-calls";
/** The shots the docs show (docs/chat.md, docs/calls.md): taken again on every run, so they stay the app as it is. */
const DOC_SHOTS = "docs/screenshots";
const METRICS_TOKEN = "group-calls-e2e-metrics";

/** The value of a series in /metrics (the sum of every line that starts with `prefix`). */
async function scraped(prefix: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

let server: DevServer;
let browser: Browser;
// localhost, not 127.0.0.1: the name browsers treat as a secure context for getUserMedia.
const appUrl = () => `http://localhost:${PORT}/app/`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Peers on one machine need no STUN server (and the test must not reach the internet).
  server = await startDevServer({
    port: PORT,
    name: "group-calls-e2e",
    vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60", METRICS_TOKEN: METRICS_TOKEN },
  });
  browser = await launchChromium({ media: true });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

let counter = 0;

async function signUp(context: BrowserContext, name: string): Promise<{ page: Page; id: string }> {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(`${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}-${counter++}@example.com`);
  await page.getByLabel("Password").fill(`correct horse ${Math.random()}`);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
  await page.getByRole("button", { name: "+ New chat" }).click();
  const id = (await page.getByTestId("my-id").textContent())!.trim();
  await page.getByRole("button", { name: "Close" }).click();
  return { page, id };
}

/** The page's own globals, for the functions below that run in it (this file is compiled without the DOM lib). */
interface InPage {
  location: { hash: string };
  edgePlatformGroupCall?: {
    peerConnections: Map<string, { getStats(): Promise<Map<string, { type: string; kind?: string; bytesReceived?: number }>> }>;
  };
}

/** Creates a group chat as the page's user, through the API with the page's own session. */
async function createGroup(page: Page, title: string, memberIds: string[]): Promise<string> {
  return (await callApiAsPage<{ id: string }>(page, "/v1/chats", { type: "group", title, memberIds })).body.id;
}

const openChat = (page: Page, chatId: string) => page.evaluate((id) => ((globalThis as unknown as InPage).location.hash = `#/chats/${id}`), chatId);

/** Bytes received so far from each other participant, by their user id: audio and video. */
function inboundBytes(page: Page): Promise<Record<string, { audio: number; video: number }>> {
  return page.evaluate(async () => {
    const call = (globalThis as unknown as InPage).edgePlatformGroupCall;
    const out: Record<string, { audio: number; video: number }> = {};
    for (const [userId, pc] of call?.peerConnections ?? []) {
      const totals = { audio: 0, video: 0 };
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && (report.kind === "audio" || report.kind === "video")) totals[report.kind] += report.bytesReceived ?? 0;
      });
      out[userId] = totals;
    }
    return out;
  });
}

/** Audio and video bytes from each of `from` keep arriving on `page`. */
async function receivingFrom(page: Page, from: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const bytes = await inboundBytes(page);
        return from.every((id) => (bytes[id]?.audio ?? 0) > 0 && (bytes[id]?.video ?? 0) > 0);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const before = await inboundBytes(page);
  await expect
    .poll(
      async () => {
        const after = await inboundBytes(page);
        return from.every((id) => after[id]!.audio > before[id]!.audio && after[id]!.video > before[id]!.video);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
}

const tileNames = (page: Page) => page.locator('[data-testid="group-tile"] .tile-name').allTextContents();

describe("a mesh group call in Chromium", () => {
  it("three people join from a group chat, each hears and sees the two others; one leaves and the other two keep talking", async () => {
    const media = { permissions: ["microphone", "camera"] };
    const contextA = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...media });
    const contextB = await browser.newContext({ viewport: { width: 390, height: 844 }, ...media });
    const contextC = await browser.newContext({ viewport: { width: 1100, height: 720 }, ...media });
    const a = await signUp(contextA, "Mara Mother");
    const b = await signUp(contextB, "Ben Brother");
    const c = await signUp(contextC, "Cleo Cousin");
    const chatId = await createGroup(a.page, "Family", [b.id, c.id]);
    expect(chatId).toMatch(/\S/);
    // The creator's own list learns of the group from the next load (the app adds it when made in its own dialog).
    await a.page.reload();
    for (const { page } of [a, b, c]) {
      await expect.poll(() => page.locator(`[data-chat-id="${chatId}"]`).count(), { timeout: 10_000 }).toBe(1);
      await openChat(page, chatId);
    }

    // Mara starts a video call from the chat header; Ben's phone rings and he joins from the ring.
    await a.page.getByRole("button", { name: "Start a group video call" }).click();
    await expect.poll(() => a.page.getByTestId("group-call").getAttribute("data-phase"), { timeout: 15_000 }).toBe("in-call");
    await expect.poll(() => b.page.getByTestId("group-ringing").count(), { timeout: 15_000 }).toBe(1);
    await checkedShot(b.page, `${DOC_SHOTS}/group-call-ringing-phone.png`);
    await b.page.getByRole("button", { name: "Join", exact: true }).click();

    // Cleo, late, sees in the chat list that a call runs and in the chat header who is in it (by name), and joins from there.
    const join = c.page.getByTestId("join-group-call");
    await expect.poll(() => join.textContent(), { timeout: 15_000 }).toBe("Join call · 2");
    const listed = c.page.locator(`[data-chat-id="${chatId}"]`).getByTestId("call-badge");
    await expect.poll(() => listed.textContent()).toBe("Call · 2");
    expect(await listed.getAttribute("title")).toBe("In the call: Mara Mother, Ben Brother");
    expect(await join.getAttribute("title")).toBe("In the call: Mara Mother, Ben Brother");
    expect(await join.getAttribute("aria-label")).toBe("Join call · 2: Mara Mother, Ben Brother");
    await checkedShot(c.page, `${DOC_SHOTS}/group-call-join-header.png`);
    await join.click();

    for (const { page } of [a, b, c]) await expect.poll(() => page.getByTestId("group-tile").count(), { timeout: 15_000 }).toBe(3);
    expect(await tileNames(a.page)).toEqual(["Mara Mother (you)", "Ben Brother", "Cleo Cousin"]);
    await receivingFrom(a.page, [b.id, c.id]);
    await receivingFrom(b.page, [a.id, c.id]);
    await receivingFrom(c.page, [a.id, b.id]);
    // The fake microphone beeps, 20 ms every half second: the analyser on each received stream hears
    // it, so each of the two others is marked as speaking on Mara's screen (a window shorter than the
    // meter's reads missed the beeps, often every time).
    for (const other of [b, c]) {
      const tile = a.page.locator(`[data-testid="group-tile"][data-user-id="${other.id}"]`);
      await expect.poll(() => tile.getAttribute("data-speaking"), { timeout: 10_000 }).toBe("true");
    }

    // Ben mutes: every tile of his shows it.
    await b.page.getByRole("button", { name: "Mute", exact: true }).click();
    await expect.poll(() => a.page.locator(`[data-testid="group-tile"][data-user-id="${b.id}"]`).getAttribute("data-muted"), { timeout: 10_000 }).toBe("true");
    await checkedShot(a.page, `${DOC_SHOTS}/group-call-desktop.png`);
    await checkedShot(b.page, `${DOC_SHOTS}/group-call-phone.png`);

    // Ben leaves; Mara and Cleo keep talking.
    await b.page.getByRole("button", { name: "Leave call" }).click();
    for (const { page } of [a, c]) await expect.poll(() => page.getByTestId("group-tile").count(), { timeout: 15_000 }).toBe(2);
    await receivingFrom(a.page, [c.id]);
    await receivingFrom(c.page, [a.id]);
    expect(Object.keys(await inboundBytes(a.page))).toEqual([c.id]);
    await checkedShot(a.page, `${SHOTS}/group-call-two-left.png`);

    // The last two leave: the call is over, and the header offers a new one.
    await a.page.getByRole("button", { name: "Leave call" }).click();
    await c.page.getByRole("button", { name: "Leave call" }).click();
    await expect.poll(() => b.page.getByRole("button", { name: "Start a group video call" }).count(), { timeout: 15_000 }).toBe(1);
    // Each browser reported what it measured: on one machine, host candidates and a setup time.
    await expect.poll(() => scraped('call_quality_reports_total{candidate_type="host",kind="group"}'), { timeout: 20_000 }).toBe(3);
    expect(await scraped('call_setup_seconds_count{kind="group"}')).toBe(3);
    for (const context of [contextA, contextB, contextC]) await context.close();
  }, 420_000);
});
