// End-to-end encrypted calls in Chromium (docs/e2ee.md, "Calls (SFrame)"): two people in an
// encrypted chat call each other in the web app; every frame goes through the SFrame worker under
// the chat's MLS keys. The receiver decodes video that its SFrame worker opened; an epoch change
// mid-call re-keys without a gap the decoder notices. (A keyless third receiver of the same sealed
// frames is not proved here: its connection came up and packets arrived, but no frame reached its
// transform, so "decodes none" would prove nothing.)
import path from "node:path";
import { build } from "esbuild";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen } from "./screens";

const PORT = testPort(8975);
// localhost: the name browsers treat as a secure context for getUserMedia and workers.
const origin = () => `http://localhost:${PORT}`;

let server: DevServer;
let browser: Browser;
let pageScript: string;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "e2ee-calls-e2e", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60" } });
  browser = await launchChromium({ media: true });
  const bundled = await build({
    entryPoints: [path.join(import.meta.dirname, "pages", "e2ee-call-keys.ts")],
    bundle: true,
    format: "iife",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  pageScript = bundled.outputFiles[0]!.text;
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

interface Person {
  account: Account;
  context: BrowserContext;
  page: Page;
}

async function person(account: Account, viewport: { width: number; height: number }): Promise<Person> {
  const context = await browser.newContext({ viewport, permissions: ["microphone", "camera"] });
  await context.addInitScript({ content: pageScript });
  const page = await context.newPage();
  await signInToApp(page, `${origin()}/app/`, account);
  await page.evaluate((a) => (globalThis as any).e2eeCallTest.openDevice(a), { email: account.email, password: account.password, userId: account.id });
  return { account, context, page };
}

/** What the page's current call shows in its statistics and its SFrame worker. */
async function callStats(page: Page) {
  return page.evaluate(async () => {
    const call = (globalThis as any).edgePlatformCall;
    const video = [...(await call.peerConnection.getStats()).values()].find((s: any) => s.type === "inbound-rtp" && s.kind === "video");
    return { framesDecoded: video?.framesDecoded ?? 0, packetsReceived: video?.packetsReceived ?? 0, sframe: await call.encryption?.stats() };
  });
}

describe("end-to-end encrypted calls (SFrame under the chat's MLS keys)", () => {
  it("a video call between two pages is sealed end to end: the callee decodes what its SFrame worker opened, an epoch change re-keys", async () => {
    const [aliceAccount, bobAccount] = [await registerAccount(origin(), "Alice Sealed"), await registerAccount(origin(), "Bob Sealed")];
    // The chat exists before the pages load, so it is in their chat lists.
    const chat = await callApi<{ id: string }>(origin(), aliceAccount, "/v1/chats", { type: "direct", userId: bobAccount.id });
    const alice = await person(aliceAccount, { width: 1100, height: 720 });
    const bob = await person(bobAccount, { width: 1100, height: 720 });

    // The chat's MLS group: Alice's device starts it and adds Bob's (a key package claimed from the server).
    const welcome = await alice.page.evaluate(([chatId, bobId]) => (globalThis as any).e2eeCallTest.createGroup(chatId, [bobId]), [chat.id, bob.account.id]);
    expect(welcome).toEqual(expect.any(String));
    await bob.page.evaluate((w) => (globalThis as any).e2eeCallTest.joinGroup(w), welcome);

    // Opened from the chat list, inside the app: loading the page anew would drop the MLS device and
    // group this page holds only in memory.
    await alice.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await alice.page.getByRole("button", { name: "Video call" }).click();
    await expect.poll(() => bob.page.getByTestId("incoming-call").count(), { timeout: 20_000 }).toBe(1);
    await bob.page.getByRole("button", { name: "Accept" }).click();
    for (const { page } of [alice, bob]) {
      await expect.poll(() => page.getByTestId("active-call").getAttribute("data-ice"), { timeout: 30_000 }).toMatch(/^(connected|completed)$/);
      expect(await page.getByTestId("e2ee-mark").textContent()).toContain("End-to-end encrypted");
    }

    // Bob decodes Alice's camera: every frame he got was opened by his SFrame worker.
    await expect.poll(async () => (await callStats(bob.page)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(10);
    const bobStats = await callStats(bob.page);
    expect(bobStats.sframe.opened).toBeGreaterThan(10);
    expect(bobStats.sframe.epoch).toBe("1");
    expect((await callStats(alice.page)).sframe.sealed).toBeGreaterThan(10);

    // A new epoch (a commit the room would order): both workers move to its key and Bob keeps decoding.
    const commit = await alice.page.evaluate(() => (globalThis as any).e2eeCallTest.commitUpdate());
    await bob.page.evaluate((c) => (globalThis as any).e2eeCallTest.processCommit(c), commit);
    for (const { page } of [alice, bob]) await expect.poll(async () => (await callStats(page)).sframe.epoch, { timeout: 10_000 }).toBe("2");
    const before = (await callStats(bob.page)).framesDecoded;
    await expect.poll(async () => (await callStats(bob.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(before + 20);

    await checkScreen(bob.page, "e2ee-call");
    await alice.page.getByRole("button", { name: "Hang up" }).click();
    for (const p of [alice, bob]) await p.context.close();
  }, 240_000);
});
