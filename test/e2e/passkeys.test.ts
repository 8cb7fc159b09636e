// Passkeys in a real browser: Chromium's virtual authenticator (DevTools protocol WebAuthn domain)
// stands in for a phone or a laptop's fingerprint reader. A passkey is added on the account
// security page and then signs in on its own, and finishes a password sign-in as the second step.
import { mkdirSync } from "node:fs";
import { Secret, TOTP } from "otpauth";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { checkedShot, checkScreen } from "./screens";

const PORT = testPort(8906);
const SHOTS = "docs/screenshots";

let server: DevServer;
let browser: Browser;
// The relying-party id is the host of APP_BASE_URL: the page must be opened on that name.
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDevServer({ port: PORT, name: "passkeys-e2e", vars: { APP_BASE_URL: origin() } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** A platform authenticator with a fingerprint reader that always says yes. */
async function withVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

let counter = 0;

async function signUp(page: Page, name: string): Promise<{ email: string; password: string }> {
  const email = `${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}-${counter++}@example.com`;
  const password = `correct horse ${Math.random()}`;
  await page.goto(appUrl());
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
  return { email, password };
}

async function openSecurity(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Your profile" }).click();
  await page.getByRole("button", { name: "Security" }).click();
  await expect.poll(() => page.getByRole("dialog", { name: "Account security" }).count()).toBe(1);
}

async function addPasskey(page: Page, name: string, password: string): Promise<void> {
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Create passkey" }).click();
  await expect.poll(() => page.getByTestId("passkey").filter({ hasText: name }).count()).toBe(1);
}

async function signOut(page: Page): Promise<void> {
  if (await page.getByRole("dialog").count()) await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Sign in with a passkey" }).count()).toBe(1);
}

/**
 * From the next load on, the page runs as in a browser without conditional UI: the virtual
 * authenticator answers a conditional request at once, which would sign in before a button is pressed.
 */
async function withoutAutofill(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const credential = (globalThis as unknown as { PublicKeyCredential?: { isConditionalMediationAvailable?: () => Promise<boolean> } }).PublicKeyCredential;
    if (credential) credential.isConditionalMediationAvailable = async () => false;
  });
}

describe("passkeys in Chromium", () => {
  it("a passkey added on the account security page signs in without the password: from the e-mail field's suggestions and from the button", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await withVirtualAuthenticator(context, page);
    const { password } = await signUp(page, "Paula Passkey");
    await openSecurity(page);
    await expect.poll(() => page.getByTestId("session").filter({ hasText: "This device" }).count()).toBe(1);
    await addPasskey(page, "This laptop", password);
    await expect.poll(() => page.getByTestId("security-event").filter({ hasText: "Passkey added" }).count()).toBe(0);
    await checkedShot(page, `${SHOTS}/account-security.png`, { fullPage: true });

    await signOut(page);
    await checkedShot(page, `${SHOTS}/sign-in-passkey.png`);
    // Conditional UI: the e-mail field offers the passkey and the (virtual) person picks it, no button pressed.
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Paula Passkey");

    // Reloaded before signing out: the page that signs out must already lack conditional UI, or its
    // sign-in screen would ask the authenticator at once and be signed in again before the button.
    await withoutAutofill(page);
    await page.reload();
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Paula Passkey");

    // The sign-in is on the record, and the passkey shows it was used.
    await openSecurity(page);
    await expect.poll(() => page.getByTestId("security-event").filter({ hasText: "Passkey added" }).count()).toBe(1);
    await expect.poll(() => page.getByTestId("passkey").filter({ hasText: "last used never" }).count()).toBe(0);

    // Renamed, then deleted: it no longer signs in.
    await page.getByRole("button", { name: "Rename This laptop" }).click();
    await page.getByLabel("New name for This laptop").fill("Old laptop");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("passkey").filter({ hasText: "Old laptop" }).count()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete Old laptop" }).click();
    await expect.poll(() => page.getByTestId("passkey").count()).toBe(0);
    await context.close();
  }, 90_000);

  it("turning on 2FA: the code step's field is a new, empty one-time-code field, not the password typed a step before", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const { password } = await signUp(page, "Olga Onetime");
    await openSecurity(page);
    await page.getByRole("button", { name: "Turn on two-step verification" }).click();
    await page.getByLabel("Your password").pressSequentially(password);
    await page.getByRole("button", { name: "Continue" }).click();
    const code = page.getByLabel("Code");
    await expect.poll(() => code.count()).toBe(1);
    expect(await code.inputValue()).toBe("");
    expect(await code.getAttribute("type")).not.toBe("password");
    expect(await code.getAttribute("inputmode")).toBe("numeric");
    expect(await code.getAttribute("autocomplete")).toBe("one-time-code");
    await checkScreen(page, "account-2fa-setup");
    // The key in groups of four, typed into the authenticator as shown (the app drops the spaces).
    const shown = (await page.getByTestId("totp-key").textContent())!;
    expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4})+$/);
    const secret = shown.replaceAll(" ", "");
    const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
    // Typed key by key into the field as it is, as a person does: nothing left in it is sent along.
    await code.pressSequentially(totp.generate());
    await page.getByRole("button", { name: "Turn on", exact: true }).click();
    await expect.poll(() => page.getByTestId("backup-codes").locator("li").count()).toBe(10);
    await context.close();
  }, 90_000);

  it("the security page fits a phone, and a passkey finishes a 2FA sign-in instead of the code", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await withVirtualAuthenticator(context, page);
    const { email, password } = await signUp(page, "Tom Twostep");
    await openSecurity(page);
    await addPasskey(page, "Phone", password);
    await page.getByRole("button", { name: "Turn on two-step verification" }).click();
    await page.getByLabel("Your password").fill(password);
    await page.getByRole("button", { name: "Continue" }).click();
    const secret = (await page.getByTestId("totp-key").textContent())!.replaceAll(" ", "");
    const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
    await page.getByLabel("Code").fill(totp.generate());
    await page.getByRole("button", { name: "Turn on", exact: true }).click();
    await expect.poll(() => page.getByTestId("backup-codes").locator("li").count()).toBe(10);
    await expect.poll(() => page.getByTestId("totp-status").textContent()).toContain("10 backup codes left");
    await checkedShot(page, `${SHOTS}/account-security-phone.png`);
    const width = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
    );
    expect(width).toBeLessThanOrEqual(390);

    // As above: no conditional UI on the page that signs out, or the passkey signs in at once.
    await withoutAutofill(page);
    await page.reload();
    await signOut(page);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).last().click();
    await expect.poll(() => page.getByRole("button", { name: "Use a passkey instead" }).count()).toBe(1);
    await page.getByRole("button", { name: "Use a passkey instead" }).click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe("Tom Twostep");
    await context.close();
  }, 90_000);
});
