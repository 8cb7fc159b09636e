// The admin console (/app/admin), as an administrator uses it at 390 and 1280 px: finding a user,
// changing their role, disabling them and ending their session; creating and revoking an invite;
// registering a sign-in app, giving it a new secret, editing its redirect URIs and deleting it;
// filtering the audit log; the moderation queues and the deployment's health. A member sees no
// Admin section, and /app/admin typed by one shows a polite screen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, DESKTOP, gapBetween, PHONE } from "./screens";

const PORT = testPort(8975);
const ADMIN_EMAIL = "admin@admin-e2e.test";

let server: DevServer;
let browser: Browser;
let admin: Account;
const appUrl = () => `${server.url}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "admin-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
  browser = await launchChromium();
  admin = await registerAccount(server.url, "Ada Admin", ADMIN_EMAIL);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

async function openAdminPanel(page: Page, panel: string): Promise<void> {
  await page.goto(`${server.url}/app/admin/${panel}`);
  await expect.poll(() => page.locator(`[data-panel="${panel}"]`).count()).toBe(1);
}

async function signedInAdmin(): Promise<Page> {
  const page = await browser.newPage();
  await signInToApp(page, appUrl(), admin);
  return page;
}

/** For each moderation queue, whether its button is under its name (else beside it). */
async function buttonsUnderNames(page: Page): Promise<boolean[]> {
  const queues = page.getByTestId("moderation-queue");
  const under: boolean[] = [];
  for (let i = 0; i < (await queues.count()); i++) {
    under.push((await gapBetween(queues.nth(i).locator("strong"), queues.nth(i).getByRole("link"))) >= -1);
  }
  return under;
}

/**
 * A new value's names and, on a phone, whether each value starts at the left of its box: set
 * inside a sentence, "client_…" broke after "clie" at the end of the sentence's line.
 */
async function valuesOnTheirOwnLines(page: Page, callout: string): Promise<{ names: string[]; eachAtTheLeft: boolean }> {
  const box = page.getByTestId(callout);
  const before = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(PHONE);
  const list = (await box.locator("dl").boundingBox())!;
  const starts = await box
    .locator("dd code")
    .evaluateAll((codes) => codes.map((code) => (code as unknown as { getClientRects(): ArrayLike<{ left: number }> }).getClientRects()[0]!.left));
  await page.setViewportSize(before);
  return { names: await box.locator("dt").allTextContents(), eachAtTheLeft: starts.length > 0 && starts.every((left) => Math.abs(left - list.x) < 1) };
}

describe("the admin console", () => {
  it("finds a user, changes their role, ends one session and disables the account", async () => {
    const member = await registerAccount(server.url, "Bruno Member");
    const page = await signedInAdmin();
    await expect.poll(() => page.locator('.app-nav [data-section="admin"]').count()).toBe(1);
    await openAdminPanel(page, "users");
    await page.getByPlaceholder("Name or e-mail").fill("Bruno Member");
    await page.getByRole("button", { name: "Search" }).click();
    const row = page.locator(`[data-testid="admin-user"][data-email="${member.email}"]`);
    await expect.poll(() => page.getByTestId("admin-user").count()).toBe(1);
    await row.getByRole("button", { name: "Manage Bruno Member" }).click();
    await expect.poll(() => row.getByTestId("admin-session").count()).toBe(1);
    // The member signed up from this test's Node.js: the session is named by that program.
    expect(await row.getByTestId("admin-session").locator("strong").textContent()).toBe("A program (Node.js)");
    // Days and moments as the app writes them everywhere: the month in words, no seconds.
    expect(await row.textContent()).toMatch(/joined [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(await row.getByTestId("admin-session").locator(".muted").textContent()).toMatch(/last active [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M$/);
    await checkScreen(page, "admin-users");

    await row.getByLabel("Role").selectOption("moderator");
    await row.getByRole("button", { name: "Change role" }).click();
    await expect.poll(() => row.getByRole("status").textContent()).toBe("Role changed to Moderator.");
    expect((await callApi(server.url, admin, `/v1/admin/users/${member.id}`)).user.role).toBe("moderator");

    await row.getByRole("button", { name: "End session" }).click();
    await expect.poll(() => row.getByRole("status").textContent()).toBe("That session has ended.");
    await expect.poll(() => row.getByTestId("admin-session").count()).toBe(0);
    expect((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${member.accessToken}` } })).status).toBe(401);

    await row.getByRole("button", { name: "Disable account" }).click();
    await expect.poll(() => row.getByText("Disabled", { exact: true }).count()).toBe(1);
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: member.email, password: member.password }),
    });
    expect(login.status).toBe(403);
    await row.getByRole("button", { name: "Enable account" }).click();
    await expect.poll(() => row.getByRole("button", { name: "Disable account" }).count()).toBe(1);
    await page.close();
  }, 420_000);

  it("creates an invite and revokes it", async () => {
    const page = await signedInAdmin();
    await openAdminPanel(page, "invites");
    const before = await page.getByTestId("admin-invite").count();
    await page.getByLabel("Uses").fill("3");
    await page.getByRole("button", { name: "Create invite" }).click();
    await expect.poll(() => page.getByTestId("invite-created").textContent()).toContain("/app/?invite=");
    await expect.poll(() => page.getByTestId("admin-invite").count()).toBe(before + 1);
    // A browser that refuses the clipboard: the button says so instead of "Copied".
    await page.evaluate(() => {
      const clipboard = (globalThis as unknown as { navigator: { clipboard: { writeText(text: string): Promise<void> } } }).navigator.clipboard;
      clipboard.writeText = () => Promise.reject(new Error("NotAllowedError"));
    });
    const created = page.getByTestId("invite-created");
    await created.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => created.getByRole("alert").textContent()).toContain("did not allow copying");
    expect(await created.getByRole("button", { name: "Copied" }).count()).toBe(0);
    expect(await valuesOnTheirOwnLines(page, "invite-created")).toEqual({ names: ["New invite link"], eachAtTheLeft: true });
    await checkScreen(page, "admin-invites");
    const newest = page.getByTestId("admin-invite").first();
    expect(await newest.textContent()).toContain("used 0 of 3");
    await newest.getByRole("button", { name: /Revoke/ }).click();
    await expect.poll(() => page.getByTestId("admin-invite").first().textContent()).toContain("Revoked");
    await page.close();
  }, 120_000);

  it("registers a sign-in app, shows its secret once, gives it a new secret, edits its redirect URIs and deletes it", async () => {
    const page = await signedInAdmin();
    await openAdminPanel(page, "apps");
    await page.getByText("Register an app").click();
    await page.getByLabel("Name", { exact: true }).fill("Reports board");
    await page.getByLabel(/Redirect URIs/).fill("https://reports.example/callback");
    await page.getByRole("button", { name: "Register", exact: true }).click();
    await expect.poll(() => page.getByTestId("client-secret-value").count()).toBe(1);
    const firstSecret = await page.getByTestId("client-secret-value").textContent();
    expect(firstSecret).toMatch(/^secret_/);
    // Copied as it is shown, once: the clipboard holds the secret.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await page.getByRole("button", { name: "Copy secret" }).click();
    await expect.poll(() => page.getByTestId("client-secret").getByRole("button", { name: "Copied" }).count()).toBe(1);
    expect(
      await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()),
    ).toBe(firstSecret);
    expect(await valuesOnTheirOwnLines(page, "client-secret")).toEqual({ names: ["Client ID", "Secret"], eachAtTheLeft: true });
    await checkScreen(page, "admin-apps");
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByTestId("client-secret").count()).toBe(0);

    const row = page.locator('[data-testid="oauth-client"][data-name="Reports board"]');
    await row.getByRole("button", { name: "Manage Reports board" }).click();
    await row.getByRole("button", { name: "New secret" }).click();
    await expect.poll(() => page.getByTestId("client-secret-value").count()).toBe(1);
    expect(await page.getByTestId("client-secret-value").textContent()).not.toBe(firstSecret);

    await row.getByLabel(/Redirect URIs/).fill("https://reports.example/callback\nhttps://reports.example/other");
    await row.getByRole("button", { name: "Save redirect URIs" }).click();
    await expect.poll(() => row.getByRole("status").textContent()).toBe("Redirect URIs saved.");
    const { items } = await callApi<{ items: { clientId: string; name: string; redirectUris: string[] }[] }>(
      server.url,
      admin,
      "/v1/admin/oauth/clients?limit=100",
    );
    const registered = items.find((client) => client.name === "Reports board")!;
    expect(registered.redirectUris).toEqual(["https://reports.example/callback", "https://reports.example/other"]);
    await checkScreen(page, "admin-app-detail");

    await row.getByRole("button", { name: "Delete…" }).click();
    await row.getByRole("button", { name: "Delete the app" }).click();
    await expect.poll(() => page.locator('[data-testid="oauth-client"][data-name="Reports board"]').count()).toBe(0);
    const gone = await fetch(`${server.url}/v1/admin/oauth/clients/${registered.clientId}`, { headers: { authorization: `Bearer ${admin.accessToken}` } });
    expect(gone.status).toBe(404);
    await page.close();
  }, 420_000);

  it("filters the audit log by kind, by account and by date, in words", async () => {
    const member = await registerAccount(server.url, "Carla Audited");
    await callApi(server.url, admin, `/v1/admin/users/${member.id}/role`, { role: "moderator" }, "PUT");
    const page = await signedInAdmin();
    await openAdminPanel(page, "audit");
    await expect.poll(() => page.getByTestId("audit-event").count()).toBeGreaterThan(0);
    await page.getByLabel("Kind").selectOption("role.changed");
    await page.getByLabel("Whose account (e-mail)").fill(member.email);
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    await page.getByLabel("From", { exact: true }).fill(day);
    await page.getByLabel("Until", { exact: true }).fill(day);
    await page.getByRole("button", { name: "Show events" }).click();
    await expect.poll(() => page.getByTestId("audit-event").count()).toBe(1);
    // Names are looked up once per person: "…" until the card arrives.
    await expect.poll(() => page.getByTestId("audit-event").textContent()).toContain("by Ada Admin");
    const text = await page.getByTestId("audit-event").textContent();
    expect(text).toContain("Role changed to moderator");
    expect(text).toContain("Carla Audited");
    expect(text).not.toMatch(/role\.changed|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await checkScreen(page, "admin-audit");

    await page.getByLabel("Kind").selectOption("");
    await page.getByLabel("From", { exact: true }).fill("2000-01-01");
    await page.getByLabel("Until", { exact: true }).fill("2000-01-02");
    await page.getByRole("button", { name: "Show events" }).click();
    await expect.poll(() => page.getByText("No events match these filters.").count()).toBe(1);
    await page.close();
  }, 120_000);

  it("links the moderation queues and shows the deployment's health and last hour", async () => {
    const page = await signedInAdmin();
    await openAdminPanel(page, "moderation");
    const queues = page.getByTestId("moderation-queue");
    await expect.poll(() => queues.count()).toBeGreaterThan(0);
    // Every queue's button sits the same way: beside its name on a desktop, under it on a phone.
    await checkScreen(page, "admin-moderation", {
      settle: async (shown) => expect(await buttonsUnderNames(shown)).toEqual(Array(await queues.count()).fill(shown.viewportSize()!.width < 600)),
    });
    await openAdminPanel(page, "health");
    await expect.poll(() => page.getByTestId("health-check").count()).toBe(3);
    expect(await page.getByRole("heading", { name: "Everything answers" }).count()).toBe(1);
    // The background jobs' line is a sentence with a clock time as people write it (not "last job
    // taken 4:10:00 AM", nor "02:11 PM" with a zero before the hour).
    const jobs = page.getByTestId("health-check").filter({ hasText: "Background jobs" });
    expect(await jobs.locator(".muted").textContent()).toMatch(
      /^(Last job taken at [1-9]\d?:\d{2}( [AP]M)?|No job taken this hour) · (none failed|\d+ failed after every retry)$/,
    );
    // Requests are counted as they are answered, flushed to the metrics store shortly after: look again until they show.
    const requestsShown = async () => {
      await page.getByRole("button", { name: "Check again" }).click();
      return Number((await page.getByTestId("figure-requests").textContent())?.replace(/\D/g, "") || 0);
    };
    await expect.poll(requestsShown, { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(0);
    await checkScreen(page, "admin-health");
    await page.close();
  }, 120_000);

  it("is hidden from a member, and /app/admin typed by one is a polite screen", async () => {
    const member = await registerAccount(server.url, "Dora Member");
    const page = await browser.newPage();
    await signInToApp(page, appUrl(), member);
    expect(await page.locator('.app-nav [data-section="admin"]').count()).toBe(0);
    await page.goto(`${server.url}/app/admin`);
    await expect.poll(() => page.getByTestId("section-not-available").count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Not available to you" }).count()).toBe(1);
    expect(await page.getByTestId("app-error").count()).toBe(0);
    await checkScreen(page, "admin-not-available");
    await page.close();
  }, 120_000);
});
