// Phone numbers in a real browser: a number added on the account security page with the code the
// server "texted" (read from the dev SMS outbox), then signing in with a text message, and choosing
// a new password through the phone after forgetting it. The screen check runs at 390 and 1280 px.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { signUpInApp } from "./app";
import { launchChromium } from "./browser";
import { uniquePhone } from "../kit/phone-numbers";
import { checkScreen, PHONE, shareInView } from "./screens";

const PORT = testPort(8965);

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "phone-e2e", vars: { PHONE_SIGN_IN: "true" } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** The code of the `count`th text to `phone` (codes go out through the JOBS queue). */
async function textedCode(phone: string, count: number): Promise<string> {
  let body = "";
  await expect
    .poll(
      async () => {
        const answer = (await (await fetch(`${origin()}/dev/sms-outbox?to=${encodeURIComponent(phone)}`)).json()) as { items: { body: string }[] };
        body = answer.items[0]?.body ?? "";
        return answer.items.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  const code = /\b(\d{6})\b/.exec(body)?.[1];
  if (!code) throw new Error(`no code in "${body}"`);
  return code;
}

async function openSecurity(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Your profile" }).click();
  await page.getByRole("button", { name: "Security" }).click();
  await expect.poll(() => page.getByRole("dialog", { name: "Account security" }).count()).toBe(1);
}

async function signOut(page: Page): Promise<void> {
  if (await page.getByRole("dialog").count()) await page.getByRole("button", { name: "Close" }).first().click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Forgot password?" }).count()).toBe(1);
}

describe("phone numbers in Chromium", () => {
  it("a number added with the texted code signs in by text message and resets a forgotten password", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const name = "Phoebe Phone";
    const { page, email, password } = await signUpInApp(context, appUrl(), name);
    const phone = uniquePhone();

    // Account security: add the number with the password, then the code.
    await openSecurity(page);
    const status = page.getByTestId("phone-status");
    await expect.poll(() => status.textContent()).toContain("No phone number");
    await page.getByRole("button", { name: "Add a phone number" }).click();
    await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
    await page.getByLabel("Your password").fill("not my password");
    // On a phone the refusal is brought into view: it comes under the form's buttons, at the foot
    // of a dialog that scrolls, and was half out of sight.
    await page.setViewportSize(PHONE);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The password is wrong");
    await expect.poll(() => shareInView(page.getByRole("alert"))).toBe(1);
    await page.setViewportSize({ width: 1280, height: 900 });
    await checkScreen(page, "phone-panel-error");
    await page.getByLabel("Your password").fill(password);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await page.getByLabel("Code").fill(await textedCode(phone, 1));
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status.textContent()).toContain("is confirmed");
    expect(await status.textContent()).toContain("07"); // the national form
    expect(await status.textContent()).not.toContain(phone); // not the raw E.164
    await page.getByRole("heading", { name: "Phone number" }).scrollIntoViewIfNeeded();
    await checkScreen(page, "phone-panel");

    // Signing in with a text message.
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a text message" }).click();
    await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await page.getByLabel("Code").fill(await textedCode(phone, 2));
    await checkScreen(page, "phone-sign-in");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);

    // A wrong code says so in words.
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a text message" }).click();
    await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await textedCode(phone, 3);
    await page.getByLabel("Code").fill("000000");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("code is wrong");
    await page.getByRole("button", { name: "Back to sign in" }).click();

    // Forgot the password: a new one through the phone.
    await page.getByRole("button", { name: "Forgot password?" }).click();
    await page.getByRole("button", { name: "Reset by text message instead" }).click();
    await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await page.getByLabel("Code").fill(await textedCode(phone, 4));
    await page.getByRole("button", { name: "Continue" }).click();
    const newPassword = `a new passphrase ${Math.random()}`;
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => page.getByTestId("phone-note").textContent()).toContain("Your password is changed");
    await checkScreen(page, "phone-reset-done");
    await page.getByRole("button", { name: "Back to sign in" }).click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
    await context.close();
  }, 420_000);
});
