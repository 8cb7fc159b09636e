// An end-to-end encrypted group call in Chromium (docs/e2ee.md, "Calls (SFrame)"): three people in
// an encrypted group chat start a video call from it in the web app, on the mesh path (the default
// topology without an SFU app: one peer connection per pair). The keys are the app's own: each
// device's call asks the chat's MLS group for its epoch key. The one who starts the call and the
// one who joins from the chat header have the chat open; the third joins from the ring on the chat
// list, so the app joins the chat's group for the call in the background. Every participant
// decodes both others' video and gets both others' sound only through its SFrame worker: every
// receiver carries its transform, the worker opened frames sealed by each of the two other
// members' leaves (and none by its own), and as many audio frames as audio packets arrived. A
// fourth member whose browser cannot transform encoded frames does not join the call in the clear.
// (The SFU path is not here: it needs Cloudflare's Realtime SFU, and the local fake of its API,
// test/kit/fake-sfu.ts, answers with SDP that carries no media; docs/calls.md says so.)
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, liveE2eeDevices, registerAccount, type SignedInBrowser, signedInBrowser } from "./app";
import { launchChromium, screenshotPagesOnFailure, WITHOUT_ENCODED_TRANSFORMS } from "./browser";
import { checkScreen } from "./screens";

const PORT = testPort(8983);
// localhost: the name browsers treat as a secure context for getUserMedia and workers.
const origin = () => `http://localhost:${PORT}`;

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  // Peers on one machine need no STUN server (and the test must not reach the internet).
  server = await startDevServer({ port: PORT, name: "e2ee-group-calls-e2e", vars: { STUN_URLS: "", CALL_RING_TIMEOUT_SECONDS: "60" } });
  browser = await launchChromium({ media: true });
}, 420_000);

screenshotPagesOnFailure(() => browser, "e2ee-group-calls");

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

const person = (account: Account, viewport: { width: number; height: number }, initScript?: string) =>
  signedInBrowser(browser, `${origin()}/app/`, account, viewport, initScript);

const liveDevices = (viewer: Account, userId: string) => liveE2eeDevices(server.url, viewer, userId);

interface GroupCallStats {
  /** By the other participant's user id: what arrived on the pair's connection, and whether its receivers run through a transform. */
  pairs: Record<string, { framesDecoded: number; audioPackets: number; receivers: number; transformed: number }>;
  /** This device's leaf index in the chat's MLS group (the one its own frames carry in their KID). */
  ownLeaf: number;
  sframe: {
    sealed: number;
    opened: number;
    failed: number;
    openedByKind: { audio: number; video: number };
    openedFrom: Record<string, number>;
    epoch: string | null;
  };
}

/** The page's group call: each pair's statistics and receivers, its own leaf, and its SFrame worker's counts. */
async function groupCallStats(page: Page, chatId: string): Promise<GroupCallStats> {
  return page.evaluate(async (chatId) => {
    const app = globalThis as any;
    const call = app.edgePlatformGroupCall;
    const pairs: GroupCallStats["pairs"] = {};
    for (const [userId, pc] of call.peerConnections as Map<string, any>) {
      const inbound = [...(await pc.getStats()).values()].filter((s: any) => s.type === "inbound-rtp");
      const receivers = pc.getReceivers() as any[];
      pairs[userId] = {
        framesDecoded: inbound.find((s: any) => s.kind === "video")?.framesDecoded ?? 0,
        audioPackets: inbound.find((s: any) => s.kind === "audio")?.packetsReceived ?? 0,
        receivers: receivers.length,
        transformed: receivers.filter((receiver) => receiver.transform instanceof app.RTCRtpScriptTransform).length,
      };
    }
    const keys = await app.edgePlatformCallKeys.keysFor({ kind: "group", chatId, callId: "stats" });
    return { pairs, ownLeaf: (await keys.current()).senderIndex, sframe: await call.encryption?.stats() };
  }, chatId);
}

describe("an end-to-end encrypted group call in Chromium", () => {
  let mara: SignedInBrowser;
  let ben: SignedInBrowser;
  let cleo: SignedInBrowser;
  let dan: SignedInBrowser;
  let chat: { id: string; encrypted: boolean };

  it("three people in an encrypted group call each other on the mesh: each decodes the two others' video and sound through its SFrame worker", async () => {
    const [maraAccount, benAccount, cleoAccount, danAccount] = [
      await registerAccount(origin(), "Mara Sealed"),
      await registerAccount(origin(), "Ben Sealed"),
      await registerAccount(origin(), "Cleo Sealed"),
      await registerAccount(origin(), "Dan Sealed"),
    ];
    // An encrypted group, as the app makes one; it exists before the pages load, so it is in their lists.
    chat = await callApi<{ id: string; encrypted: boolean }>(origin(), maraAccount, "/v1/chats", {
      type: "group",
      title: "Sealed family",
      memberIds: [benAccount.id, cleoAccount.id, danAccount.id],
      encrypted: true,
    });
    expect(chat.encrypted).toBe(true);
    mara = await person(maraAccount, { width: 1280, height: 800 });
    ben = await person(benAccount, { width: 390, height: 844 });
    cleo = await person(cleoAccount, { width: 1100, height: 720 });
    // Dan's browser cannot encrypt call media (the next test): his device is in the chat's group all the same.
    dan = await person(danAccount, { width: 1100, height: 720 }, WITHOUT_ENCODED_TRANSFORMS);
    for (const { account } of [mara, ben, cleo, dan]) await expect.poll(() => liveDevices(maraAccount, account.id), { timeout: 30_000 }).toBe(1);

    // Mara opens the group: her device starts its MLS group and adds the others' devices.
    await mara.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => mara.page.getByTestId("e2ee-chat-mark").count()).toBe(1);
    await expect.poll(() => mara.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);
    // Cleo opens it too (her device joins by its Welcome); Ben stays on his chat list.
    await cleo.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => cleo.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);

    // Mara starts a video call from the chat header; Ben joins from the ring, Cleo from her chat's header.
    await mara.page.getByRole("button", { name: "Start a group video call" }).click();
    await expect.poll(() => mara.page.getByTestId("group-call").getAttribute("data-phase"), { timeout: 30_000 }).toBe("in-call");
    await expect.poll(() => ben.page.getByTestId("group-ringing").count(), { timeout: 20_000 }).toBe(1);
    await ben.page.getByRole("button", { name: "Join", exact: true }).click();
    const join = cleo.page.getByTestId("join-group-call");
    await expect.poll(() => join.count(), { timeout: 20_000 }).toBe(1);
    await join.click();

    const everyone = [mara, ben, cleo];
    for (const { page } of everyone) {
      await expect.poll(() => page.getByTestId("group-call").getAttribute("data-phase"), { timeout: 30_000 }).toBe("in-call");
      await expect.poll(() => page.getByTestId("group-tile").count(), { timeout: 30_000 }).toBe(3);
      expect(await page.getByTestId("e2ee-mark").textContent()).toContain("End-to-end encrypted");
    }

    for (const { account, page } of everyone) {
      const others = everyone.filter((other) => other.account.id !== account.id).map((other) => other.account.id);
      // Both others' video is decoded here, and every receiver of both pairs runs through the call's SFrame transform.
      await expect
        .poll(
          async () => {
            const { pairs } = await groupCallStats(page, chat.id);
            return others.every((id) => (pairs[id]?.framesDecoded ?? 0) > 10);
          },
          { timeout: 45_000, message: `${account.displayName} decodes both others' video` },
        )
        .toBe(true);
      const stats = await groupCallStats(page, chat.id);
      expect(Object.keys(stats.pairs).sort()).toEqual([...others].sort());
      for (const id of others) {
        expect(stats.pairs[id]!.receivers).toBe(2);
        expect(stats.pairs[id]!.transformed, `${account.displayName}'s receivers from ${id} have the SFrame transform`).toBe(2);
      }
      // What the worker opened was sealed by two other leaves of the chat's group, never by this device's own.
      const senders = Object.entries(stats.sframe.openedFrom).filter(([, frames]) => frames > 10);
      expect(senders, `${account.displayName} opened frames from two members`).toHaveLength(2);
      expect(stats.sframe.openedFrom[stats.ownLeaf] ?? 0).toBe(0);
      expect(stats.sframe.openedByKind.video).toBeGreaterThan(20);
      // The sound of both others went through the worker too: about as many audio frames opened as audio packets arrived before.
      const audioPackets = others.reduce((sum, id) => sum + stats.pairs[id]!.audioPackets, 0);
      expect(audioPackets).toBeGreaterThan(50);
      expect(stats.sframe.openedByKind.audio).toBeGreaterThanOrEqual(Math.floor(audioPackets * 0.8));
      expect(stats.sframe.sealed).toBeGreaterThan(20);
    }
    // One key for the call: every device seals under the same epoch of the chat's group.
    const epochs = await Promise.all(everyone.map(async ({ page }) => (await groupCallStats(page, chat.id)).sframe.epoch));
    expect(new Set(epochs).size).toBe(1);
    expect(epochs[0]).not.toBeNull();

    await checkScreen(mara.page, "e2ee-group-call");
  }, 420_000);

  it("a browser that cannot encrypt call media stays out of the encrypted chat's call and says why, rather than joining it in the clear", async () => {
    await dan.page.locator(`[data-chat-id="${chat.id}"]`).click();
    const join = dan.page.getByTestId("join-group-call");
    await expect.poll(() => join.count(), { timeout: 20_000 }).toBe(1);
    await join.click();
    await expect.poll(() => dan.page.getByRole("status").filter({ hasText: "cannot encrypt" }).count(), { timeout: 30_000 }).toBe(1);
    // Nothing of Dan's microphone or camera went anywhere: the page made no peer connection at all.
    expect(await dan.page.evaluate(() => (globalThis as any).peerConnectionsMade)).toBe(0);
    expect(await dan.page.getByTestId("group-call").count()).toBe(0);
    // The reason answers the ring: Dan is not offered the same Join again beside it.
    expect(await dan.page.getByTestId("group-ringing").count()).toBe(0);
    // The call goes on as it was: three in it.
    for (const { page } of [mara, ben, cleo]) expect(await page.getByTestId("group-tile").count()).toBe(3);
    // The reason shows at both widths (on a phone the chat list, where notices used to be, is hidden while a chat is open).
    await checkScreen(dan.page, "e2ee-group-call-refused", {
      settle: async (page) => expect(await page.getByRole("status").filter({ hasText: "cannot encrypt" }).isVisible()).toBe(true),
    });

    for (const { page } of [mara, ben, cleo]) await page.getByRole("button", { name: "Leave call" }).click();
    for (const { context } of [mara, ben, cleo, dan]) await context.close();
  }, 300_000);
});
