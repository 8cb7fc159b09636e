// A recruiter asks the AI for a vacancy draft in Debian's Chromium: notes in the new-vacancy
// screen, "Write a draft", and the editor opens on the draft the model wrote (the local model
// fake answers deterministically under wrangler dev), saved among the company's drafts. Screens
// at 390 and 1280 px.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { checkScreen, DESKTOP } from "./screens";

const PORT = testPort(8978);
let server: DevServer;
let browser: Browser;
const base = () => `http://localhost:${PORT}`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "jobs-ai-draft-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

describe("an AI draft of a vacancy", () => {
  it("notes in, the editor opens on the AI's draft, which is one of the company's drafts", async () => {
    const recruiter = await registerAccount(base(), "Iris Quay");
    const company = await callApi(base(), recruiter, "/v1/companies", { name: "Quay Freight", about: "Container scheduling." });

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signInToApp(page, `${base()}/app/`, recruiter);
    await page.goto(`${base()}/app/jobs/companies/${company.id}/vacancies/new`);
    await page.getByText("Ask the AI for a draft").click();

    // Nothing written yet: the screen says what to do instead of sending empty notes.
    await page.getByRole("button", { name: "Write a draft" }).click();
    await page.getByRole("alert").getByText("Write a few notes about the job first.").waitFor();

    await page
      .getByLabel("Notes about the job")
      .fill("Senior backend engineer for our scheduling API, TypeScript, remote in Europe, full-time. 70-90k EUR a year.");
    // Writing notes takes the refusal away: it was about no notes.
    expect(await page.getByRole("alert").count()).toBe(0);
    await checkScreen(page, "jobs-ai-draft-notes");
    await page.getByRole("button", { name: "Write a draft" }).click();
    await page.waitForURL(/\/app\/jobs\/vacancies\/[^/]+\/edit$/, { timeout: 60_000 });
    const vacancyId = page.url().split("/vacancies/")[1]!.split("/")[0]!;

    // The editor holds what the model wrote, as a draft only the company sees.
    const editor = page.getByRole("form", { name: "Vacancy" });
    await expect.poll(() => editor.getByLabel("Title").inputValue()).not.toBe("");
    const draft = await callApi(base(), recruiter, `/v1/vacancies/${vacancyId}`);
    expect(draft).toMatchObject({ companyId: company.id, status: "draft" });
    expect(await editor.getByLabel("Title").inputValue()).toBe(draft.title);
    // The notes say remote, full-time and senior: the form says so, and the role is not one of those words.
    expect(draft).toMatchObject({ remote: true, employmentType: "full-time", seniority: "senior" });
    expect(await editor.getByLabel("Remote work possible").isChecked()).toBe(true);
    expect(await editor.getByLabel("Role").inputValue()).not.toMatch(/^(full-time|senior)$/);
    await checkScreen(page, "jobs-ai-draft-editor");

    await context.close();
  }, 240_000);
});
