// The candidate's story in Debian's Chromium, with nothing but the browser: a candidate signs up,
// fills the whole profile (the place picked by name), records a video introduction reading the
// assistant's script from the teleprompter (fake camera), uploads it as the profile's
// introduction, runs the AI profile analysis, follows a company, searches with every filter, and
// a reload and a shared link show the same results; a second account views and follows the
// profile, and the candidate sees the view and the follower.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { callApi, registerAccount, signInToApp, signUpInApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, DESKTOP, gapBetween, PHONE } from "./screens";

const PORT = testPort(8970);
let server: DevServer;
let browser: Browser;
const base = () => `http://localhost:${PORT}`;
const app = () => `${base()}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "jobs-candidate-e2e" });
  browser = await launchChromium({ media: true });
  // A wrangler dev that builds the app first: minutes on a loaded machine.
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

const titles = (page: Page) => page.getByRole("region", { name: "Vacancies" }).locator(".jobs-item-title").allTextContents();

describe("a candidate with only a browser", () => {
  it("fills the profile, records an introduction with a teleprompter, runs the analysis, follows a company, searches and is viewed", async () => {
    // A company with two published vacancies: one fits the candidate's filters, one does not.
    const recruiter = await registerAccount(base(), "Hana Harbour");
    const company = await callApi(base(), recruiter, "/v1/companies", { name: "Harbour Labs", about: "Port logistics software." });
    const vacancy = (fields: Record<string, unknown>) =>
      callApi(base(), recruiter, "/v1/vacancies", { companyId: company.id, description: "Ships and code.", ...fields });
    const fits = await vacancy({
      title: "Senior Backend Engineer",
      tags: ["typescript", "workers"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      remote: true,
      salary: { min: 70000, max: 90000, currency: "EUR", period: "year" },
      location: { lat: 52.52, lng: 13.405, place: "Berlin" },
    });
    const other = await vacancy({
      title: "Junior Frontend Developer",
      tags: ["css"],
      role: "frontend",
      employmentType: "part-time",
      seniority: "junior",
      salary: { min: 30000, max: 40000, currency: "EUR", period: "year" },
      location: { lat: 52.52, lng: 13.405, place: "Berlin" },
    });
    for (const v of [fits, other]) await callApi(base(), recruiter, `/v1/vacancies/${v.id}/publish`, {});

    // The candidate signs up and fills the profile.
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.grantPermissions(["camera", "microphone"], { origin: base() });
    const { page } = await signUpInApp(context, app(), "Cora Candidate");
    await page.goto(`${base()}/app/jobs/profile`);
    const form = page.getByRole("form", { name: "Profile" });
    await expect.poll(() => form.getByLabel("Headline").count()).toBe(1);
    await checkScreen(page, "jobs-profile-empty");
    await form.getByLabel("Headline").fill("Backend engineer, TypeScript and queues");
    await form.getByLabel("About").fill("Eight years of APIs and message queues.\nLooking for a remote team.");
    await form.getByLabel("Tags (comma-separated)").fill("TypeScript, Workers, queues");
    await form.getByLabel("City or place name").fill("Berlin");
    await expect.poll(() => form.getByText("Berlin, Germany", { exact: true }).count()).toBe(1);
    await form.getByRole("button", { name: "Add a link" }).click();
    await form.getByLabel("Link 1 label").fill("Code");
    await form.getByLabel("Link 1 address").fill("https://code.example.com/cora");
    await form.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("Profile saved");
    await page.reload();
    await expect.poll(() => page.getByRole("form", { name: "Profile" }).getByLabel("Tags (comma-separated)").inputValue()).toBe("typescript, workers, queues");
    expect(await page.getByRole("form", { name: "Profile" }).getByLabel("Link 1 address").inputValue()).toBe("https://code.example.com/cora");
    await checkScreen(page, "jobs-profile");
    const profileLink = await page.getByRole("link", { name: "See it as others do" }).getAttribute("href");
    const candidateId = profileLink!.split("/").at(-1)!;

    // The video introduction: the assistant's script on the teleprompter while the fake camera records.
    await page.getByRole("link", { name: "Record a video introduction" }).click();
    await page.waitForURL(/\/app\/jobs\/profile\/intro$/);
    await page.getByRole("button", { name: "Suggest a script" }).click();
    const script = page.getByLabel("Script (yours to change)");
    await expect.poll(() => script.inputValue(), { timeout: 60_000 }).not.toBe("");
    await expect.poll(() => page.getByRole("heading", { name: "Talking points" }).count()).toBe(1);
    const teleprompter = page.getByRole("region", { name: "Teleprompter" });
    expect(await teleprompter.textContent()).toContain((await script.inputValue()).split("\n")[0]!.slice(0, 30));
    await page.getByRole("button", { name: "Turn on the camera" }).click();
    await page.getByRole("button", { name: "Start recording" }).click();
    await expect.poll(() => teleprompter.getAttribute("data-running")).toBe("true");
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Recording" }).count()).toBe(1);
    await checkScreen(page, "jobs-intro-recording", { skipRules: [] });
    await page.waitForTimeout(1500);
    await page.getByRole("button", { name: "Stop recording" }).click();
    const take = page.getByLabel("Your take");
    await expect.poll(() => take.count()).toBe(1);
    expect(await teleprompter.getAttribute("data-running")).toBe("false");
    await checkScreen(page, "jobs-intro-take");
    await page.getByRole("button", { name: "Record again" }).click();
    await expect.poll(() => teleprompter.getAttribute("data-running")).toBe("true");
    await page.waitForTimeout(1500);
    await page.getByRole("button", { name: "Stop recording" }).click();
    await expect.poll(() => take.count()).toBe(1);
    await page.getByRole("button", { name: "Upload as my introduction" }).click();
    await page.waitForURL(/\/app\/jobs\/profile$/, { timeout: 60_000 });
    const intro = page.getByRole("region", { name: "Video introduction" });
    await expect.poll(() => intro.getByRole("link", { name: /video introduction/ }).count()).toBe(1);
    await expect.poll(() => intro.getByRole("link", { name: "Record a new introduction" }).count()).toBe(1);
    // The card's lines stand apart: the video's state sat against the button under it.
    expect(
      await gapBetween(intro.getByRole("link", { name: /video introduction/ }), intro.getByRole("link", { name: "Record a new introduction" })),
    ).toBeGreaterThanOrEqual(8);

    // The AI analysis, with its result in words.
    const analysis = page.getByRole("region", { name: "Profile analysis" });
    await analysis.getByRole("button", { name: "Analyse my profile" }).click();
    await expect.poll(() => analysis.getByRole("heading", { name: "Strengths" }).count(), { timeout: 60_000 }).toBe(1);
    // Its parts stand apart: "Strengths" sat against the button above it.
    await checkScreen(page, "jobs-profile-analysis", {
      settle: async () =>
        expect(
          await gapBetween(analysis.getByRole("button", { name: "Analyse again" }), analysis.getByRole("heading", { name: "Strengths" })),
        ).toBeGreaterThanOrEqual(8),
    });

    // Following the company from its page; it shows under Network.
    await page.goto(`${base()}/app/jobs/companies/${company.id}`);
    await page.getByRole("button", { name: "Follow Harbour Labs" }).click();
    await expect.poll(() => page.getByText("1 follower", { exact: true }).count()).toBe(1);
    await checkScreen(page, "jobs-company-follow");
    await page.getByRole("link", { name: "Network" }).click();
    await expect.poll(() => page.getByRole("region", { name: "Companies I follow" }).getByRole("link", { name: "Harbour Labs" }).count()).toBe(1);

    // The search with every filter; the address keeps it.
    await page.getByRole("link", { name: "Find jobs" }).click();
    const filters = page.getByRole("form", { name: "Search filters" });
    await filters.getByLabel("Role").fill("backend");
    await filters.getByLabel("Seniority").selectOption("senior");
    await filters.getByLabel("Employment").selectOption("full-time");
    await filters.getByLabel("Salary from").fill("60000");
    await filters.getByLabel("Salary to").fill("100000");
    await filters.getByLabel("Currency").selectOption("EUR");
    // The period is offered in words, as the other menus are ("Year", not the API's "year").
    expect(await filters.getByLabel("Salary per").locator("option").allTextContents()).toEqual(["Year", "Month", "Hour"]);
    await filters.getByLabel("Remote only").check();
    await filters.getByLabel("Near (a city)").fill("Berlin");
    await filters.getByLabel("Within km").fill("100");
    await filters.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => titles(page)).toEqual(["Senior Backend Engineer"]);
    const searched = new URL(page.url());
    expect(Object.fromEntries(searched.searchParams)).toMatchObject({
      role: "backend",
      seniority: "senior",
      employmentType: "full-time",
      salaryMin: "60000",
      salaryMax: "100000",
      currency: "EUR",
      remote: "true",
      place: "Berlin",
      radiusKm: "100",
    });
    // The vacancy is in Berlin itself: its distance in words, not "0.0 km away". (Polled: the list
    // from before the search holds the same vacancy, without a distance.)
    await expect.poll(() => page.getByText(/km away/).allTextContents()).toEqual(["Under 1 km away"]);
    await checkScreen(page, "jobs-search-filters");
    await page.reload();
    await expect.poll(() => titles(page)).toEqual(["Senior Backend Engineer"]);
    expect(await page.getByRole("form", { name: "Search filters" }).getByLabel("Seniority").inputValue()).toBe("senior");
    expect(await page.getByRole("form", { name: "Search filters" }).getByLabel("Remote only").isChecked()).toBe(true);
    // The same link opened in another tab shows the same results; going back shows the unfiltered list.
    const shared = await context.newPage();
    await shared.goto(page.url());
    await expect.poll(() => titles(shared)).toEqual(["Senior Backend Engineer"]);
    await shared.close();

    // From the vacancy, the recorder opens with the script tailored to it.
    await page.getByRole("region", { name: "Vacancies" }).getByRole("link", { name: "Senior Backend Engineer" }).click();
    await page.getByRole("link", { name: "Record a video introduction for this vacancy" }).click();
    await expect.poll(() => page.getByLabel("Tailor it to a vacancy").inputValue()).toBe(fits.id);

    // A second account views and follows the profile.
    const viewer = await registerAccount(base(), "Vik Viewer");
    const viewerContext = await browser.newContext({ viewport: DESKTOP });
    const viewerPage = await viewerContext.newPage();
    await signInToApp(viewerPage, app(), viewer);
    await viewerPage.goto(`${base()}/app/jobs/people/${candidateId}`);
    const card = viewerPage.getByRole("article", { name: "Cora Candidate" });
    await expect.poll(() => card.getByText("Backend engineer, TypeScript and queues").count()).toBe(1);
    await card.getByRole("button", { name: "Follow" }).click();
    await expect.poll(() => card.getByRole("button", { name: "Following" }).count()).toBe(1);
    // A labelled link says where it goes, and looks like a link.
    expect(await card.getByRole("link", { name: "Code" }).getAttribute("href")).toBe("https://code.example.com/cora");
    expect(await card.getByText("· code.example.com").count()).toBe(1);
    await checkScreen(viewerPage, "jobs-person");
    await viewerContext.close();

    // The candidate sees who viewed and who follows.
    await page.goto(`${base()}/app/jobs/profile`);
    const viewers = page.getByRole("region", { name: "Who viewed your profile" });
    await expect.poll(() => viewers.getByRole("link", { name: "Vik Viewer" }).count()).toBe(1);
    await expect.poll(() => page.getByRole("link", { name: "1 follower" }).count()).toBe(1);
    await checkScreen(page, "jobs-profile-viewed");
    await page.getByRole("link", { name: "1 follower" }).click();
    await expect.poll(() => page.getByRole("region", { name: "My followers" }).getByRole("link", { name: "Vik Viewer" }).count()).toBe(1);
    await checkScreen(page, "jobs-network");
    // At phone width the section's tabs scroll within their bar, and the current one is in view.
    await page.setViewportSize(PHONE);
    const tabBar = page.getByRole("navigation", { name: "Jobs" });
    const current = tabBar.getByRole("link", { name: "Network" });
    await expect
      .poll(async () => {
        const [bar, tab] = [await tabBar.boundingBox(), await current.boundingBox()];
        return !!bar && !!tab && tab.x >= bar.x && tab.x + tab.width <= bar.x + bar.width;
      })
      .toBe(true);
    await page.setViewportSize(DESKTOP);
    const stored = await callApi(base(), viewer, `/v1/profiles/${candidateId}`);
    expect(stored).toMatchObject({ headline: "Backend engineer, TypeScript and queues", tags: ["typescript", "workers", "queues"], followedByMe: true });
    await context.close();
  }, 600_000);
});
