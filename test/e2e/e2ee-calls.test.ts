// End-to-end encrypted calls in Chromium (docs/e2ee.md, "Calls (SFrame)"): two people in an
// encrypted chat call each other in the web app; every frame goes through the SFrame worker under
// the chat's MLS keys, which the app's own encrypted-chat code hands the call (no test script in
// the pages). The caller has the chat open; the callee is on the chat list, so the app joins the
// chat's group for the call in the background. Each side decodes video that its SFrame worker
// opened (the callee's camera reached the caller's decoder only once the caller's receivers were
// protected before the answer); a new device of the callee joining the chat mid-call moves the group to a new epoch, and
// both sides re-key without a gap the decoder notices. (A keyless third receiver of the same sealed
// frames is not proved here: its connection came up and packets arrived, but no frame reached its
// transform, so "decodes none" would prove nothing.)
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, signInToApp, registerAccount } from "./app";
import { launchChromium } from "./browser";
import { checkScreen } from "./screens";

const PORT = testPort(8975);
// localhost: the name browsers treat as a secure context for getUserMedia and workers.
const origin = () => `http://localhost:${PORT}`;

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "e2ee-calls-e2e", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60" } });
  browser = await launchChromium({ media: true });
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

/** A browser signed in to the app as `account`: the app opens its MLS device and uploads its key packages. */
async function person(account: Account, viewport: { width: number; height: number }): Promise<Person> {
  const context = await browser.newContext({ viewport, permissions: ["microphone", "camera"] });
  const page = await context.newPage();
  await signInToApp(page, `${origin()}/app/`, account);
  return { account, context, page };
}

const liveDevices = async (viewer: Account, userId: string) =>
  (await callApi<{ items: unknown[] }>(server.url, viewer, `/v1/e2ee/users/${userId}/devices`)).items.length;

/** What the page's current call shows in its statistics and its SFrame worker. */
async function callStats(page: Page) {
  return page.evaluate(async () => {
    const call = (globalThis as any).edgePlatformCall;
    const video = [...(await call.peerConnection.getStats()).values()].find((s: any) => s.type === "inbound-rtp" && s.kind === "video");
    return { framesDecoded: video?.framesDecoded ?? 0, packetsReceived: video?.packetsReceived ?? 0, sframe: await call.encryption?.stats() };
  });
}

describe("end-to-end encrypted calls (SFrame under the chat's MLS keys)", () => {
  it("a video call between two pages is sealed end to end through the app's own keys: each side decodes what its SFrame worker opened, a new device re-keys", async () => {
    const [aliceAccount, bobAccount] = [await registerAccount(origin(), "Alice Sealed"), await registerAccount(origin(), "Bob Sealed")];
    // An encrypted direct chat, as the app makes one; it exists before the pages load, so it is in their lists.
    const chat = await callApi<{ id: string; encrypted: boolean }>(origin(), aliceAccount, "/v1/chats", {
      type: "direct",
      userId: bobAccount.id,
      encrypted: true,
    });
    expect(chat.encrypted).toBe(true);
    const alice = await person(aliceAccount, { width: 1100, height: 720 });
    const bob = await person(bobAccount, { width: 1100, height: 720 });
    await expect.poll(() => liveDevices(aliceAccount, bobAccount.id), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => liveDevices(aliceAccount, aliceAccount.id), { timeout: 30_000 }).toBe(1);

    // Alice opens the chat: her device starts its group and adds Bob's (a key package claimed from the server).
    await alice.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => alice.page.getByTestId("e2ee-chat-mark").count()).toBe(1);
    await expect.poll(() => alice.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);

    // Bob stays on his chat list: the incoming call makes his device join the chat's group for it.
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
    // And the other way: Alice, who offered, decodes Bob's camera, sealed by Bob's worker.
    await expect.poll(async () => (await callStats(alice.page)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(10);
    expect((await callStats(alice.page)).sframe.opened).toBeGreaterThan(10);

    // Bob signs in on a second browser and opens the chat: Alice's device adds the new device, a
    // commit the room orders, and both calls move to the new epoch's key while Bob keeps decoding.
    const bobPhone = await person(bobAccount, { width: 390, height: 844 });
    await bobPhone.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => bobPhone.page.getByTestId("e2ee-status").count(), { timeout: 60_000 }).toBe(0);
    for (const { page } of [alice, bob]) await expect.poll(async () => (await callStats(page)).sframe.epoch, { timeout: 30_000 }).toBe("2");
    const before = (await callStats(bob.page)).framesDecoded;
    await expect.poll(async () => (await callStats(bob.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(before + 20);

    await checkScreen(bob.page, "e2ee-call");
    await alice.page.getByRole("button", { name: "Hang up" }).click();
    for (const p of [alice, bob, bobPhone]) await p.context.close();
  }, 300_000);
});
