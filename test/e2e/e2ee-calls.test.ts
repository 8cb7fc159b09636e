// End-to-end encrypted calls in Chromium (docs/e2ee.md, "Calls (SFrame)"): two people in an
// encrypted chat call each other in the web app; every frame goes through the SFrame worker under
// the chat's MLS keys, which the app's own encrypted-chat code hands the call (no test script in
// the pages). The caller has the chat open; the callee is on the chat list, so the app joins the
// chat's group for the call in the background. Each side decodes video, and gets sound, that its
// SFrame worker opened (the callee's camera reached the caller's decoder only once the caller's
// receivers were protected before the answer; the caller's sound went through the callee's worker
// only once the callee's receivers were protected in the task that made them). A third person,
// outside the chat, receives the caller's camera sealed by the call's own worker and decodes
// nothing; a new device of the callee joining the chat mid-call moves the group to a new epoch,
// both sides re-key without a gap the decoder notices, and the outsider's receiver, handed that
// epoch's key, decodes the very stream it could not before. A browser that cannot transform
// encoded frames neither answers nor places the encrypted chat's call.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, liveE2eeDevices, registerAccount, signedInBrowser } from "./app";
import { launchChromium, WITHOUT_ENCODED_TRANSFORMS } from "./browser";
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

const person = (account: Account, viewport: { width: number; height: number }, initScript?: string) =>
  signedInBrowser(browser, `${origin()}/app/`, account, viewport, initScript);

const liveDevices = (viewer: Account, userId: string) => liveE2eeDevices(server.url, viewer, userId);

/**
 * The keyless third receiver. On the caller's page, a second peer connection sends the camera
 * track the call sends (the same MediaStreamTrack as the call's video sender) through the call's
 * own SFrame worker: the same keyring, KID and frame counter as the frames the callee gets, so
 * what goes out is sealed exactly as the call's media is, and TURN or an SFU forwarding the call
 * would carry just such frames. (The very packets the callee receives cannot be copied out:
 * DTLS-SRTP keys them to that one connection, and the sealed frames exist only inside the
 * caller's worker.) The other end is a page of someone outside the chat, whose receiver runs
 * through the app's own SFrame worker holding the keys her device does have: the MLS exporter key
 * of an encrypted chat of her own, at the same epoch number, so every frame's KID names a key she
 * holds and each frame is really tried, and fails, under it. Her receiver gets its transform as
 * soon as it exists (right after the offer is applied), so frames do reach it: the check counts
 * them, and a receiver that saw none would fail it.
 */
async function connectOutsider(caller: Page, outsider: Page, outsiderChatPeerId: string): Promise<void> {
  const offer = await caller.evaluate(async () => {
    const page = globalThis as any;
    const call = page.edgePlatformCall;
    const camera = call.peerConnection.getSenders().find((sender: any) => sender.track?.kind === "video")?.track;
    if (!camera || !call.encryption) throw new Error("no encrypted video call on this page");
    const tap = new page.RTCPeerConnection();
    const transceiver = tap.addTransceiver(camera, { direction: "sendonly" });
    call.encryption.protectSender(transceiver.sender, "video");
    // VP8 first, as the app does for an encrypted call: its packetizer reads only the clear prefix.
    const codecs: { mimeType: string }[] = page.RTCRtpReceiver.getCapabilities("video")?.codecs ?? [];
    transceiver.setCodecPreferences([...codecs.filter((c) => c.mimeType === "video/VP8"), ...codecs.filter((c) => c.mimeType !== "video/VP8")]);
    await tap.setLocalDescription(await tap.createOffer());
    await new Promise<void>((resolve) => {
      if (tap.iceGatheringState === "complete") resolve();
      tap.addEventListener("icegatheringstatechange", () => tap.iceGatheringState === "complete" && resolve());
    });
    page.outsiderTap = tap;
    return tap.localDescription!.sdp;
  });
  const answer = await outsider.evaluate(
    async ({ offer, peerId }) => {
      const page = globalThis as any;
      // The only keys this device has are those of its own chats: here its encrypted chat with `peerId`.
      const ownKeys = await page.edgePlatformCallKeys.keysFor({ kind: "direct", peerId, callId: "outsider" });
      if (!ownKeys) throw new Error("the outsider's own chat has no MLS group");
      const worker = new page.Worker("/app/sframe-worker.js", { type: "module", name: "sframe" });
      const ownKey = await ownKeys.current();
      worker.postMessage({ type: "epoch", key: ownKey });
      const pc = new page.RTCPeerConnection();
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      const [transceiver] = pc.getTransceivers() as any[];
      if (!transceiver) throw new Error("the offer made no transceiver");
      transceiver.receiver.transform = new page.RTCRtpScriptTransform(worker, { side: "receive", kind: "video", context: 1 });
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === "complete") resolve();
        pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
      });
      let statsIds = 0;
      page.outsider = {
        pc,
        epoch: String(ownKey.epoch),
        handKey: (key: unknown) => worker.postMessage({ type: "epoch", key }),
        stats: () =>
          new Promise((resolve) => {
            const id = ++statsIds;
            const listener = (event: { data: { type: string; id: number; stats: unknown } }) => {
              if (event.data.type !== "stats" || event.data.id !== id) return;
              worker.removeEventListener("message", listener);
              resolve(event.data.stats);
            };
            worker.addEventListener("message", listener);
            worker.postMessage({ type: "stats", id });
          }),
      };
      return pc.localDescription!.sdp;
    },
    { offer, peerId: outsiderChatPeerId },
  );
  await caller.evaluate((sdp) => (globalThis as any).outsiderTap.setRemoteDescription({ type: "answer", sdp }), answer);
}

/** What the outsider's receiver got: RTP packets, frames its SFrame worker opened or failed, frames decoded. */
async function outsiderStats(page: Page) {
  return page.evaluate(async () => {
    const outsider = (globalThis as any).outsider;
    const video = [...(await outsider.pc.getStats()).values()].find((s: any) => s.type === "inbound-rtp" && s.kind === "video");
    return {
      ice: outsider.pc.iceConnectionState as string,
      ownEpoch: outsider.epoch as string,
      packetsReceived: (video?.packetsReceived ?? 0) as number,
      framesDecoded: (video?.framesDecoded ?? 0) as number,
      sframe: await outsider.stats(),
    };
  });
}

/** What the page's current call shows in its statistics and its SFrame worker. */
async function callStats(page: Page) {
  return page.evaluate(async () => {
    const call = (globalThis as any).edgePlatformCall;
    const inbound = [...(await call.peerConnection.getStats()).values()].filter((s: any) => s.type === "inbound-rtp");
    const video = inbound.find((s: any) => s.kind === "video");
    const audio = inbound.find((s: any) => s.kind === "audio");
    return {
      framesDecoded: video?.framesDecoded ?? 0,
      packetsReceived: video?.packetsReceived ?? 0,
      // One Opus frame a packet: the sound that reached this side, to hold against what its worker opened.
      audioPacketsReceived: audio?.packetsReceived ?? 0,
      sframe: await call.encryption?.stats(),
    };
  });
}

/**
 * The other side's sound reaches this side only through its SFrame worker: the worker opened
 * about as many audio frames as audio packets had arrived (the packets are counted first; a
 * fifth of slack for frames still in the worker's queue). A receiver whose transform is out of
 * the path (as the answering side's was, protected only at `ontrack`) opens none.
 */
async function expectSoundOpened(page: Page): Promise<void> {
  await expect.poll(async () => (await callStats(page)).audioPacketsReceived, { timeout: 30_000 }).toBeGreaterThan(50);
  const { audioPacketsReceived, sframe } = await callStats(page);
  expect(sframe.openedByKind.audio).toBeGreaterThanOrEqual(Math.floor(audioPacketsReceived * 0.8));
}

describe("end-to-end encrypted calls (SFrame under the chat's MLS keys)", () => {
  it("a video call between two pages is sealed end to end through the app's own keys: each side decodes what its SFrame worker opened, an outsider receiving the same sealed camera decodes nothing, a new device re-keys", async () => {
    const [aliceAccount, bobAccount, eveAccount] = [
      await registerAccount(origin(), "Alice Sealed"),
      await registerAccount(origin(), "Bob Sealed"),
      await registerAccount(origin(), "Eve Outside"),
    ];
    // An encrypted direct chat, as the app makes one; it exists before the pages load, so it is in their lists.
    const chat = await callApi<{ id: string; encrypted: boolean }>(origin(), aliceAccount, "/v1/chats", {
      type: "direct",
      userId: bobAccount.id,
      encrypted: true,
    });
    expect(chat.encrypted).toBe(true);
    // Eve knows Alice too: an encrypted chat of their own, so Eve's device holds real MLS keys, none of Alice and Bob's chat.
    const eveChat = await callApi<{ id: string }>(origin(), eveAccount, "/v1/chats", { type: "direct", userId: aliceAccount.id, encrypted: true });
    const alice = await person(aliceAccount, { width: 1100, height: 720 });
    const bob = await person(bobAccount, { width: 1100, height: 720 });
    const eve = await person(eveAccount, { width: 1100, height: 720 });
    await expect.poll(() => liveDevices(aliceAccount, bobAccount.id), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => liveDevices(aliceAccount, aliceAccount.id), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => liveDevices(eveAccount, eveAccount.id), { timeout: 30_000 }).toBe(1);
    // Eve is no member of Alice and Bob's chat: the server shows her nothing of it.
    const eveLooks = await fetch(`${origin()}/v1/chats/${chat.id}`, { headers: { authorization: `Bearer ${eveAccount.accessToken}` } });
    expect(eveLooks.status).toBe(404);
    // Eve opens her chat with Alice: her device starts its group and adds Alice's device.
    await eve.page.locator(`[data-chat-id="${eveChat.id}"]`).click();
    await expect.poll(() => eve.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);

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
    // And the sound, both ways.
    for (const { page } of [alice, bob]) await expectSoundOpened(page);

    // Eve, outside the chat, receives Alice's camera sealed by the call's worker (connectOutsider says how).
    await connectOutsider(alice.page, eve.page, aliceAccount.id);
    // Her own key has the call's epoch number, so each frame's KID leads to a key and is tried under it.
    expect((await outsiderStats(eve.page)).ownEpoch).toBe((await callStats(alice.page)).sframe.epoch);
    await expect.poll(async () => (await outsiderStats(eve.page)).sframe.failed, { timeout: 30_000 }).toBeGreaterThan(30);
    const eveSaw = await outsiderStats(eve.page);
    expect(eveSaw.ice).toMatch(/^(connected|completed)$/);
    expect(eveSaw.packetsReceived).toBeGreaterThan(30);
    expect(eveSaw.sframe.opened).toBe(0);
    expect(eveSaw.framesDecoded).toBe(0);
    // Meanwhile Bob, in the chat, decodes the same camera.
    const bobBefore = (await callStats(bob.page)).framesDecoded;
    await expect.poll(async () => (await callStats(bob.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(bobBefore + 20);

    // Bob signs in on a second browser and opens the chat: Alice's device adds the new device, a
    // commit the room orders, and both calls move to the new epoch's key while Bob keeps decoding.
    const bobPhone = await person(bobAccount, { width: 390, height: 844 });
    await bobPhone.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => bobPhone.page.getByTestId("e2ee-status").count(), { timeout: 60_000 }).toBe(0);
    for (const { page } of [alice, bob]) await expect.poll(async () => (await callStats(page)).sframe.epoch, { timeout: 30_000 }).toBe("2");
    const before = (await callStats(bob.page)).framesDecoded;
    await expect.poll(async () => (await callStats(bob.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(before + 20);
    const eveAfterRekey = await outsiderStats(eve.page);
    expect(eveAfterRekey.sframe.opened).toBe(0);
    expect(eveAfterRekey.framesDecoded).toBe(0);

    // The control: Eve's receiver, handed the chat's key of this epoch (as a member's device has it),
    // opens and decodes that very stream. What kept her out was the key, and nothing else on her path.
    const chatKey = await alice.page.evaluate(async (peerId) => {
      const key = await (await (globalThis as any).edgePlatformCallKeys.keysFor({ kind: "direct", peerId, callId: "control" })).current();
      return { epoch: String(key.epoch), baseKey: [...key.baseKey], senderIndex: key.senderIndex, indexBits: key.indexBits };
    }, bobAccount.id);
    expect(chatKey.epoch).toBe("2");
    await eve.page.evaluate((key) => {
      (globalThis as any).outsider.handKey({ ...key, epoch: BigInt(key.epoch), baseKey: new Uint8Array(key.baseKey) });
    }, chatKey);
    await expect.poll(async () => (await outsiderStats(eve.page)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(10);
    expect((await outsiderStats(eve.page)).sframe.opened).toBeGreaterThan(10);

    await checkScreen(bob.page, "e2ee-call");
    await alice.page.getByRole("button", { name: "Hang up" }).click();
    for (const p of [alice, bob, bobPhone, eve]) await p.context.close();
  }, 300_000);

  it("a browser that cannot encrypt call media neither answers nor places an encrypted chat's call, and says why", async () => {
    const [fayAccount, gusAccount] = [await registerAccount(origin(), "Fay Sealed"), await registerAccount(origin(), "Gus Unsealable")];
    const chat = await callApi<{ id: string }>(origin(), fayAccount, "/v1/chats", { type: "direct", userId: gusAccount.id, encrypted: true });
    const fay = await person(fayAccount, { width: 1100, height: 720 });
    const gus = await person(gusAccount, { width: 390, height: 844 }, WITHOUT_ENCODED_TRANSFORMS);
    await expect.poll(() => liveDevices(fayAccount, gusAccount.id), { timeout: 30_000 }).toBe(1);
    await fay.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await expect.poll(() => fay.page.getByTestId("e2ee-status").count(), { timeout: 30_000 }).toBe(0);
    const activeCalls = async (account: Account) => (await callApi<{ items: { status: string }[] }>(origin(), account, "/v1/calls/active")).items;
    const refusal = gus.page.getByRole("status").filter({ hasText: "cannot encrypt" });

    // Fay calls; Gus's phone rings, and his Accept is refused on this browser: the call is not answered here.
    await fay.page.getByRole("button", { name: "Video call" }).click();
    await expect.poll(() => gus.page.getByTestId("incoming-call").count(), { timeout: 20_000 }).toBe(1);
    await gus.page.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => refusal.count(), { timeout: 30_000 }).toBe(1);
    expect((await activeCalls(fayAccount)).map((call) => call.status)).toEqual(["ringing"]);
    expect(await gus.page.getByTestId("active-call").count()).toBe(0);
    await fay.page.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await activeCalls(fayAccount)).length, { timeout: 15_000 }).toBe(0);

    // Gus calls from the chat: no call is placed, so Fay's phone never rings.
    await refusal.click();
    await gus.page.locator(`[data-chat-id="${chat.id}"]`).click();
    await gus.page.getByRole("button", { name: "Video call" }).click();
    await expect.poll(() => refusal.count(), { timeout: 30_000 }).toBe(1);
    expect(await activeCalls(gusAccount)).toEqual([]);
    expect(await fay.page.getByTestId("incoming-call").count()).toBe(0);
    // Nothing of Gus's microphone or camera went anywhere: his page made no peer connection at all.
    expect(await gus.page.evaluate(() => (globalThis as any).peerConnectionsMade)).toBe(0);
    await checkScreen(gus.page, "e2ee-call-refused", {
      // Above the open chat it is about, at both widths (on a desktop it used to stand over the chat list).
      settle: async (page) => expect(await page.locator("main").getByRole("status").filter({ hasText: "cannot encrypt" }).isVisible()).toBe(true),
    });
    for (const p of [fay, gus]) await p.context.close();
  }, 300_000);
});
