// Trust in end-to-end encryption, in Chromium (docs/e2ee.md, "Secure backup" and "Verification"):
// a person sets up the secure backup and sees their recovery key once; a second browser of the
// same person restores the earlier messages with the key (a wrong key gets words, not an error);
// two browsers storing at once merge their histories; two people compare the same safety number
// and its QR code, one marks the other verified, and a new device of the other turns that into a
// "devices changed" warning. Every screen at 390 and 1280 px.
//
// Devices: every signed-in browser registers its own MLS device; a person's further devices (a
// session and an Ed25519 key each) are registered through the API, and the assertions compare what
// both sides see, never a fixed number of devices. History: the app's own store on the device
// (web/src/e2ee/history-store.ts), reached through the HistoryArchive interface the backup uses.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { renderSVG } from "uqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { decryptBackup, newRecoveryKey } from "../../client/e2ee/backup";
import { safetyQrPayload } from "../../client/e2ee/safety-number";
import { type ArchivedMessage, decodeHistoryArchive, encodeHistoryArchive } from "../../web/src/e2ee/key-backup-archive";
import { type Account, callApi, newE2eeDevice, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, computedStyle, DESKTOP, lineCount, PHONE, shareInView } from "./screens";

const PORT = testPort(8987);

let server: DevServer;
let browser: Browser;
const appUrl = () => `${server.url}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "e2ee-trust-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** A browser of `account`: a context of its own (its own storage, so its own device), signed in to the app. */
async function browserOf(account: Account): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signInToApp(page, appUrl(), account);
  return { context, page };
}

const newDevice = (account: Account) => newE2eeDevice(server.url, account);

async function openEncryptionPanel(page: Page): Promise<void> {
  await page.goto(`${server.url}/app/account/encryption`);
  await expect.poll(() => page.locator("#account-encryption").count()).toBe(1);
}

const backupState = (page: Page) => page.getByTestId("key-backup-state").textContent();

/** The app's history on this device, through the HistoryArchive interface the backup uses. */
async function historyTexts(page: Page): Promise<string[]> {
  const bytes = await page.evaluate(async () => [...(await (globalThis as any).edgePlatformHistoryArchive.exportHistory())] as number[]);
  return decodeHistoryArchive(Uint8Array.from(bytes)).map((m) => m.text);
}

async function addHistory(page: Page, messages: ArchivedMessage[]): Promise<void> {
  await page.evaluate((bytes) => (globalThis as any).edgePlatformHistoryArchive.importHistory(Uint8Array.from(bytes)), [...encodeHistoryArchive(messages)]);
}

const message = (seq: number, text: string): ArchivedMessage => ({
  chatId: "family",
  id: `family-${seq}`,
  seq,
  senderId: "someone",
  createdAt: new Date(Date.UTC(2026, 4, 1, 9, seq)).toISOString(),
  text,
});

describe("the secure backup", () => {
  it("set up with a recovery key shown once, restored on a second browser with it (a wrong key gets words), two browsers merge, then deleted", async () => {
    const ann = await registerAccount(server.url, "Ann Backup");
    const laptop = await browserOf(ann);
    await openEncryptionPanel(laptop.page);
    await expect.poll(() => backupState(laptop.page)).toContain("No secure backup");
    await addHistory(laptop.page, [message(1, "the spare key is under the blue pot"), message(2, "dinner at eight"), message(3, "bring the photos")]);
    await checkScreen(laptop.page, "e2ee-backup-none");

    await laptop.page.getByRole("button", { name: "Set up secure backup" }).click();
    const recoveryKey = (await laptop.page.getByTestId("recovery-key").textContent())!.trim();
    expect(recoveryKey).toMatch(/^([A-Za-z0-9_-]{4} ){10}[A-Za-z0-9_-]{3}$/);
    expect(await laptop.page.getByText("It is shown only now").count()).toBe(1);
    const turnOn = laptop.page.getByRole("button", { name: "Turn on backup" });
    expect(await turnOn.isDisabled()).toBe(true);
    await checkScreen(laptop.page, "e2ee-backup-recovery-key");
    await laptop.page.getByLabel("I have saved my recovery key somewhere safe").check();
    await turnOn.click();
    await expect.poll(() => laptop.page.getByTestId("key-backup-notice").textContent()).toBe("Backed up 3 messages.");
    await expect.poll(() => backupState(laptop.page)).toContain("Secure backup is on");
    expect(await laptop.page.getByTestId("recovery-key").count()).toBe(0);
    await checkScreen(laptop.page, "e2ee-backup-on");

    // The server holds ciphertext only; the recovery key opens it (here, in the test, as a device would).
    const stored = await callApi<{ version: number; blob: string }>(server.url, ann, "/v1/e2ee/key-backup");
    expect(stored.version).toBe(1);
    expect(Buffer.from(stored.blob, "base64url").toString("latin1")).not.toContain("blue pot");
    expect(decodeHistoryArchive(await decryptBackup(recoveryKey, stored.blob)).map((m) => m.text)).toContain("the spare key is under the blue pot");

    // A second browser of Ann: it sees messages from its joining on, and restores the earlier ones.
    const phone = await browserOf(ann);
    await openEncryptionPanel(phone.page);
    await expect.poll(() => backupState(phone.page)).toContain("You have a secure backup");
    const keyField = phone.page.getByLabel("Recovery key");
    await keyField.fill("this is not it");
    await phone.page.getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => phone.page.getByTestId("key-backup-error").textContent()).toContain("That is not a recovery key");
    await keyField.fill(newRecoveryKey());
    await phone.page.getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => phone.page.getByTestId("key-backup-error").textContent()).toContain("does not open your backup");
    expect(await phone.page.locator("form").filter({ has: keyField }).getByTestId("key-backup-error").count(), "the refusal stands in the key's form").toBe(1);
    // The refusal stands under the key it refers to, so the shot shows the two together at each width.
    await checkScreen(phone.page, "e2ee-backup-wrong-key", { settle: (page) => page.getByTestId("key-backup-error").scrollIntoViewIfNeeded() });
    await keyField.fill(recoveryKey.replace(/ /g, "\n"));
    await phone.page.getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => phone.page.getByTestId("key-backup-notice").textContent()).toBe("Restored 3 messages from your backup.");
    expect(await historyTexts(phone.page)).toEqual(["the spare key is under the blue pot", "dinner at eight", "bring the photos"]);
    await expect.poll(() => backupState(phone.page)).toContain("Secure backup is on");
    await checkScreen(phone.page, "e2ee-backup-restored");

    // Both browsers' histories grow apart and both store: the second to store gets 409, merges by message, stores the merge.
    await addHistory(phone.page, [message(4, "phone: landed safely")]);
    await addHistory(laptop.page, [message(5, "laptop: see you tomorrow")]);
    await phone.page.getByRole("button", { name: "Back up now" }).click();
    await expect.poll(() => phone.page.getByTestId("key-backup-notice").textContent()).toBe("Backed up 4 messages.");
    await laptop.page.getByRole("button", { name: "Back up now" }).click();
    await expect.poll(() => laptop.page.getByTestId("key-backup-notice").textContent()).toBe("Backed up 5 messages.");
    const merged = await callApi<{ version: number; blob: string }>(server.url, ann, "/v1/e2ee/key-backup");
    expect(merged.version).toBe(3);
    expect(decodeHistoryArchive(await decryptBackup(recoveryKey, merged.blob)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await historyTexts(laptop.page)).toContain("phone: landed safely");

    laptop.page.once("dialog", (dialog) => void dialog.accept());
    await laptop.page.getByRole("button", { name: "Delete backup" }).click();
    await expect.poll(() => backupState(laptop.page)).toContain("No secure backup");
    expect((await fetch(`${server.url}/v1/e2ee/key-backup`, { headers: { authorization: `Bearer ${ann.accessToken}` } })).status).toBe(404);
    for (const side of [laptop, phone]) await side.context.close();
  }, 240_000);
});

describe("verification", () => {
  it("two people see the same safety number and QR code; one verifies the other; the other's new device shows as a change and undoes it", async () => {
    const [ann, bob] = [await registerAccount(server.url, "Ann Verify"), await registerAccount(server.url, "Bob Verify")];
    await Promise.all([newDevice(ann), newDevice(bob)]);
    const group = await callApi<{ id: string }>(server.url, ann, "/v1/chats", { type: "group", title: "Verify family", memberIds: [bob.id] });
    const annSide = await browserOf(ann);
    const bobSide = await browserOf(bob);

    // Ann, from the group's member list: Bob's card, then comparing with him.
    await annSide.page.locator(`[data-chat-id="${group.id}"]`).click();
    await annSide.page.getByRole("button", { name: "Group info" }).click();
    await expect.poll(() => annSide.page.getByRole("button", { name: "Verify Bob Verify" }).count()).toBe(1);
    await checkScreen(annSide.page, "e2ee-group-info");
    await annSide.page.getByRole("button", { name: "Verify Bob Verify" }).click();
    await expect.poll(() => annSide.page.getByTestId("person-dialog").count()).toBe(1);
    await expect.poll(() => annSide.page.getByTestId("person-dialog").textContent()).toContain("Not verified");
    await checkScreen(annSide.page, "e2ee-person");
    await annSide.page.getByTestId("person-dialog").getByRole("button", { name: "Verify Bob Verify" }).click();
    await expect.poll(() => annSide.page.getByTestId("safety-number").count()).toBe(1);

    // Bob, from his own profile: encryption and devices, the people he talks to, Ann.
    await bobSide.page.getByRole("button", { name: "Your profile" }).click();
    await checkScreen(bobSide.page, "e2ee-profile-dialog");
    await bobSide.page.getByRole("button", { name: "Encryption and devices" }).click();
    await expect.poll(() => bobSide.page.locator("#account-encryption").count()).toBe(1);
    await expect.poll(() => bobSide.page.getByTestId("e2ee-device").count()).toBeGreaterThan(0);
    await bobSide.page.getByRole("button", { name: "Verify Ann Verify" }).click();
    await expect.poll(() => bobSide.page.getByTestId("safety-number").count()).toBe(1);

    const digits = async (page: Page) => ((await page.getByTestId("safety-number").textContent()) ?? "").replace(/\D/g, "");
    const annSees = await digits(annSide.page);
    expect(annSees).toMatch(/^\d{60}$/);
    expect(await digits(bobSide.page)).toBe(annSees);
    expect(await annSide.page.getByTestId("safety-number").locator("span:not(.visually-hidden)").count()).toBe(12);
    // The QR code both show holds that number: the same code this test draws from it.
    const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(safetyQrPayload(annSees), { ecc: "M", border: 2 }))}`;
    for (const side of [annSide, bobSide]) expect(await side.page.getByTestId("safety-qr").getAttribute("src")).toBe(qr);
    await checkScreen(annSide.page, "e2ee-verification");
    await annSide.page.setViewportSize(PHONE);
    expect(await lineCount(annSide.page.getByRole("button", { name: "They match: mark as verified" })), "the verifying button on a phone").toBe(1);
    // The dialog scrolls on a phone; its actions stay at its foot, in view (Close was below the fold).
    const verification = annSide.page.getByTestId("verification");
    for (const name of ["They match: mark as verified", "Close"])
      expect(await shareInView(verification.getByRole("button", { name, exact: true })), `${name} on a phone`).toBe(1);
    await annSide.page.setViewportSize(DESKTOP);
    const theirDevices = verification.getByRole("heading", { name: "Bob Verify's devices" });
    const headingSize = await computedStyle(theirDevices, "font-size");

    await annSide.page.getByRole("button", { name: "They match: mark as verified" }).click();
    await expect.poll(() => annSide.page.getByTestId("verification").locator(".tag").textContent()).toBe("Verified");
    await checkScreen(annSide.page, "e2ee-verified");

    // Bob signs in on a new device: Ann's app sees it next time it looks, and warns.
    await newDevice(bob);
    await openEncryptionPanel(annSide.page);
    await expect.poll(() => annSide.page.getByTestId("device-change-notice").textContent(), { timeout: 20_000 }).toContain("Bob Verify's devices changed");
    await expect.poll(() => annSide.page.locator('[data-testid="person-trust"]', { hasText: "Bob Verify" }).textContent()).toContain("Devices changed");
    await checkScreen(annSide.page, "e2ee-device-change");
    await annSide.page.getByRole("button", { name: "Review" }).click();
    await expect.poll(() => annSide.page.getByTestId("device-change").textContent()).toContain("a new device");
    expect(await digits(annSide.page)).not.toBe(annSees);
    // Opened from the account's panel, the dialog looks as it does from a chat: the panel's own
    // headings' size reached into it, and "Bob Verify's devices" read smaller than each device.
    expect(await computedStyle(theirDevices, "font-size")).toBe(headingSize);
    await checkScreen(annSide.page, "e2ee-device-change-review");
    // On a phone, each of Bob's devices reads with the minute it was added, and its fingerprint
    // breaks, if at all, between its two halves: never one group alone on a line.
    await annSide.page.setViewportSize(PHONE);
    const listed = await annSide.page.getByTestId("verification").getByTestId("e2ee-device").all();
    expect(listed.length).toBeGreaterThanOrEqual(3);
    for (const device of listed) {
      const name = device.locator("strong");
      expect(await name.textContent()).toMatch(/^(This browser|Added .*\d:\d\d)/);
      const halves = await device.locator(".fingerprint-half").all();
      expect(halves.length).toBe(2);
      for (const line of [name, ...halves]) expect(await lineCount(line), (await line.textContent()) ?? "").toBe(1);
    }
    await annSide.page.setViewportSize(DESKTOP);
    await annSide.page.getByRole("button", { name: "I've seen the change" }).click();
    // Verified before, unverified now: the number changed with Bob's devices.
    await expect.poll(() => annSide.page.getByTestId("verification").locator(".tag").textContent()).toBe("Not verified");
    expect(await annSide.page.getByTestId("device-change-notice").count()).toBe(0);
    for (const side of [annSide, bobSide]) await side.context.close();
  }, 240_000);
});
