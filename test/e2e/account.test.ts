// The account screen (/app/account), as a person uses it at 390 and 1280 px: the e-mail's state and
// its confirmation link (sent at sign-up, sent again on request), recent activity in words, the
// theme, notification settings, invite links, the data download, signing out everywhere and
// deleting the account with its password.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp, signUpInApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, computedStyle, PHONE } from "./screens";

const PORT = testPort(8945);

let server: DevServer;
let browser: Browser;
const appUrl = () => `${server.url}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "account-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

async function mails(email: string): Promise<{ subject: string; text: string }[]> {
  const answer = (await (await fetch(`${server.url}/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as { items: { subject: string; text: string }[] };
  return answer.items;
}

async function openPanel(page: Page, panel: string): Promise<void> {
  await page.goto(`${server.url}/app/account/${panel}`);
  await expect.poll(() => page.locator(`#account-${panel}`).count()).toBe(1);
}

describe("the account screen", () => {
  it("a new account is mailed its confirmation link at sign-up, sees the address unconfirmed and gets the link again", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const { page, email } = await signUpInApp(context, appUrl(), "Ines Account");
    await expect.poll(async () => (await mails(email)).filter((mail) => /Confirm/.test(mail.subject)).length, { timeout: 30_000 }).toBe(1);
    await openPanel(page, "email");
    await expect.poll(() => page.getByTestId("email-status").textContent()).toBe("Not confirmed yet");
    await checkScreen(page, "account-email");
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sent: check your inbox" }).count()).toBe(1);
    await expect.poll(async () => (await mails(email)).filter((mail) => /Confirm/.test(mail.subject)).length, { timeout: 30_000 }).toBe(2);
    await context.close();
  }, 120_000);

  it("shows every panel, recent activity in words, and keeps the chosen theme after a reload", async () => {
    const account = await registerAccount(server.url, "Jonas Settings");
    const page = await browser.newPage();
    await signInToApp(page, appUrl(), account);
    await page.goto(`${server.url}/app/account`);
    for (const title of ["Profile", "E-mail address", "Sign-in and security", "Apps and recent activity", "Notifications", "Appearance", "Invite links"])
      await expect.poll(() => page.getByRole("heading", { name: title, exact: true }).count(), { message: title }).toBe(1);
    await expect.poll(() => page.getByTestId("security-event").count()).toBeGreaterThan(0);
    const activity = (await page.getByTestId("security-event").allTextContents()).join("\n");
    expect(activity).toContain("Signed in");
    expect(activity).not.toMatch(/login\.|user\.registered|Unknown device/);
    await checkScreen(page, "account-screen");

    await openPanel(page, "appearance");
    await page.getByLabel("Dark").check();
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme,
      ),
    ).toBe("dark");
    await page.reload();
    await expect.poll(() => page.getByLabel("Dark").isChecked()).toBe(true);
    const background = () => computedStyle(page.locator("body"), "background-color");
    expect(await background()).toBe("rgb(15, 17, 23)");
    await checkScreen(page, "account-dark");
    await page.getByLabel("Light").check();
    expect(await background()).toBe("rgb(244, 245, 249)");
    await page.getByLabel("Like the system").check();
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await background()).toBe("rgb(15, 17, 23)");
    await page.emulateMedia({ colorScheme: "light" });
    await page.close();
  }, 120_000);

  it("notification settings: previews, quiet hours and who may still call are saved", async () => {
    const account = await registerAccount(server.url, "Karla Quiet");
    const friend = await registerAccount(server.url, "Lars Caller");
    await callApi(server.url, account, "/v1/chats", { type: "direct", userId: friend.id });
    const page = await browser.newPage();
    await signInToApp(page, appUrl(), account);
    await openPanel(page, "notifications");
    await page.getByLabel("What a notification shows").selectOption("none");
    await page.getByLabel("Quiet hours: no message notifications, no ringing").check();
    await page.getByLabel("From").fill("21:30");
    await page.getByLabel("Until").fill("06:45");
    await page.getByLabel("Lars Caller").check();
    await checkScreen(page, "account-notifications");
    await page.getByRole("button", { name: "Save notification settings" }).click();
    await expect.poll(() => page.getByText("Saved").count()).toBe(1);
    const settings = await callApi(server.url, account, "/v1/me/notification-settings");
    expect(settings).toMatchObject({ content: "none", quietHours: { start: "21:30", end: "06:45" }, callsAllowedFrom: [friend.id] });
    await page.close();
  }, 120_000);

  it("lists the invite links one made and revokes one", async () => {
    const account = await registerAccount(server.url, "Mira Inviter");
    await callApi(server.url, account, "/v1/invites", { maxUses: 1 });
    await callApi(server.url, account, "/v1/invites", { maxUses: 3 });
    const page = await browser.newPage();
    await signInToApp(page, appUrl(), account);
    await openPanel(page, "invites");
    await expect.poll(() => page.getByTestId("invite").count()).toBe(2);
    // A link made earlier is copied again from the list: the clipboard holds the sign-up link with its code.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const { items: made } = await callApi<{ items: { code: string }[] }>(server.url, account, "/v1/invites");
    await page.getByRole("button", { name: "Copy invite link 2" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Copied invite link 2" }).count()).toBe(1);
    expect(
      await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()),
    ).toBe(`${server.url}/app/?invite=${encodeURIComponent(made[1]!.code)}`);
    await checkScreen(page, "account-invites");
    await page.getByRole("button", { name: "Revoke invite link 1" }).click();
    await expect.poll(() => page.getByText("Revoked").count()).toBe(1);
    const { items } = await callApi<{ items: { usable: boolean }[] }>(server.url, account, "/v1/invites");
    expect(items.filter((invite) => !invite.usable)).toHaveLength(1);
    await page.close();
  }, 120_000);

  it("downloads the account's data, signs out everywhere, and deletes the account only with its password after a warning", async () => {
    const account: Account = await registerAccount(server.url, "Nils Leaving");
    const page = await browser.newPage({ acceptDownloads: true });
    await signInToApp(page, appUrl(), account);
    await openPanel(page, "data");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download my data" }).click()]);
    expect(download.suggestedFilename()).toBe("edge-platform-account.json");

    await page.getByRole("button", { name: "Delete my account…" }).click();
    await expect.poll(() => page.getByText("This cannot be undone.").count()).toBe(1);
    await checkScreen(page, "account-delete");
    await page.getByLabel("Your password, to confirm").fill("not my password");
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasNotText: "cannot be undone" }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("alert").filter({ hasNotText: "cannot be undone" }).first().textContent()).not.toMatch(/invalid_password|Error:/);

    // Another device's session ends with "Sign out everywhere".
    const other = await registerAccount(server.url, "Olga Everywhere");
    const second = await fetch(`${server.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: other.email, password: other.password }),
    });
    const { accessToken } = (await second.json()) as { accessToken: string };
    const everywhere = await browser.newPage();
    await signInToApp(everywhere, appUrl(), other);
    await openPanel(everywhere, "security");
    everywhere.once("dialog", (dialog) => void dialog.accept());
    await everywhere.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect.poll(() => everywhere.getByRole("tab", { name: "Create account" }).count()).toBe(1);
    expect((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
    await everywhere.close();

    await page.getByLabel("Your password, to confirm").fill(account.password);
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await expect.poll(() => page.getByRole("tab", { name: "Create account" }).count()).toBe(1);
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(login.status).toBe(401);
    await page.close();
  }, 420_000);
});
