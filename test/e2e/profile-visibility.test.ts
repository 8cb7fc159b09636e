// Profile visibility and a company's followers in Debian's Chromium (issue 47): a candidate who
// follows a company hides the profile in the editor ("Who can see my profile"), a reload keeps the
// choice and a stranger's request answers 404; the company's owner sees the followers on the
// company page by name and headline, a page at a time with "Load more", without the hidden
// candidate, and a company nobody follows says so in words.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { type Account, callApi, registerAccount, signInToApp } from "./app";
import { launchChromium, screenshotPagesOnFailure } from "./browser";
import { checkScreen, DESKTOP, gapBetween } from "./screens";

const PORT = testPort(8955);
let server: DevServer;
let browser: Browser;
const base = () => `http://localhost:${PORT}`;
const app = () => `${base()}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "profile-visibility-e2e" });
  browser = await launchChromium();
  // A wrangler dev that builds the app first: minutes on a loaded machine.
}, 420_000);

screenshotPagesOnFailure(() => browser, "profile-visibility");

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

describe("profile visibility and a company's followers", () => {
  it("a candidate hides the profile in the editor; the owner lists the company's followers without them, a page at a time", async () => {
    const owner = await registerAccount(base(), "Olga Owner");
    const company = await callApi(base(), owner, "/v1/companies", { name: "Harbour Labs", about: "Port logistics software." });
    const quiet = await callApi(base(), owner, "/v1/companies", { name: "Quiet Docks" });

    // 21 followers: one more than a page. The first has a headline; the candidate follows last.
    const fans: Account[] = [];
    for (let i = 1; i <= 21; i++) {
      const fan = await registerAccount(base(), `Fan ${String(i).padStart(2, "0")}`);
      await callApi(base(), fan, `/v1/companies/${company.id}/follow`, undefined, "PUT");
      fans.push(fan);
    }
    await callApi(base(), fans[0]!, "/v1/profiles/me", { headline: "Harbour pilot" }, "PATCH");
    const candidate = await registerAccount(base(), "Cora Candidate");
    await callApi(base(), candidate, `/v1/companies/${company.id}/follow`, undefined, "PUT");

    // The candidate chooses "Only me".
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signInToApp(page, app(), candidate);
    await page.goto(`${base()}/app/jobs/profile`);
    const form = page.getByRole("form", { name: "Profile" });
    const visibility = form.getByLabel("Who can see my profile");
    await expect.poll(() => visibility.inputValue()).toBe("everyone");
    expect(await visibility.locator("option").allTextContents()).toEqual(["Everyone, signed in or not", "Recruiters and people I follow", "Only me"]);
    expect(await form.getByText("Companies you applied to always see your profile").count()).toBe(1);
    await visibility.selectOption({ label: "Only me" });
    await form.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("Profile saved");
    await page.reload();
    await expect.poll(() => page.getByRole("form", { name: "Profile" }).getByLabel("Who can see my profile").inputValue()).toBe("hidden");
    await page.getByRole("form", { name: "Profile" }).getByLabel("Who can see my profile").scrollIntoViewIfNeeded();
    await checkScreen(page, "jobs-profile-visibility", { fullPage: false });
    expect((await callApi(base(), candidate, "/v1/profiles/me")).visibility).toBe("hidden");
    const stranger = await fetch(`${base()}/v1/profiles/${candidate.id}`, { headers: { authorization: `Bearer ${fans[1]!.accessToken}` } });
    expect(stranger.status).toBe(404);
    await context.close();

    // The owner sees the followers: 20, then the 21st with Load more; never the hidden candidate.
    const ownerContext = await browser.newContext({ viewport: DESKTOP });
    const ownerPage = await ownerContext.newPage();
    await signInToApp(ownerPage, app(), owner);
    await ownerPage.goto(`${base()}/app/jobs/companies/${company.id}`);
    const followers = ownerPage.getByRole("region", { name: "Followers" });
    const names = () => followers.locator(".jobs-person-name").allTextContents();
    await expect.poll(async () => (await names()).length).toBe(20);
    expect((await names())[0]).toBe("Fan 21");
    await followers.getByRole("button", { name: "Load more" }).click();
    await expect.poll(async () => (await names()).length).toBe(21);
    expect((await names()).at(-1)).toBe("Fan 01");
    expect(await names()).not.toContain("Cora Candidate");
    expect(await followers.getByRole("button", { name: "Load more" }).count()).toBe(0);
    expect(await followers.getByText("Harbour pilot").count()).toBe(1);
    expect(await followers.getByRole("link", { name: "Fan 01" }).getAttribute("href")).toBe(`/app/jobs/people/${fans[0]!.id}`);
    // names and headlines, never an id
    const shown = (await followers.textContent()) ?? "";
    for (const account of [...fans, candidate]) expect(shown).not.toContain(account.id);
    await followers.getByRole("heading", { name: "Followers" }).scrollIntoViewIfNeeded();
    await checkScreen(ownerPage, "jobs-company-followers", { fullPage: false });
    // The People card's parts stand apart: the invite field's label sat against the list of people.
    const people = ownerPage.getByRole("region", { name: "People" });
    expect(await gapBetween(people.locator("ul.jobs-members"), people.getByText("Invite by e-mail or name"))).toBeGreaterThanOrEqual(8);

    // A company nobody follows says so.
    await ownerPage.goto(`${base()}/app/jobs/companies/${quiet.id}`);
    await expect
      .poll(() => ownerPage.getByRole("region", { name: "Followers" }).getByText("Nobody follows the company yet.", { exact: false }).count())
      .toBe(1);
    await ownerContext.close();
  }, 600_000);
});
