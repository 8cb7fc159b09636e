// The Jobs section in Debian's Chromium: a candidate finds a vacancy by distance and applies with
// a PDF CV, a recruiter moves the application to interview with a note and opens a chat, the
// candidate sees the new status live; a moderator approves a company's verification.
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { checkedShot } from "./screens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { samples } from "../media/samples";

const PORT = testPort(8912);
const SHOTS = "docs/screenshots";
const ADMIN_EMAIL = `jobs-admin-${Date.now()}@example.com`;
const PASSWORD = "correct horse battery staple";

let server: DevServer;
let browser: Browser;
const base = () => `http://localhost:${PORT}`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDevServer({ port: PORT, name: "jobs-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** A JSON call to the API as `token`; fails the test on an unexpected status. */
async function call(path: string, token: string | null, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<any> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function register(name: string, email = `${name.toLowerCase().replace(/\s/g, ".")}-${Date.now()}@example.com`) {
  const reply = await call("/v1/auth/register", null, { email, password: PASSWORD, displayName: name });
  return { email, id: reply.user.id as string, token: reply.accessToken as string };
}

async function signIn(page: Page, email: string, name: string): Promise<void> {
  await page.goto(`${base()}/app/`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(name);
}

describe("the Jobs section", () => {
  it("a candidate finds a vacancy by distance and applies with a PDF CV; the recruiter moves it to interview with a note and opens a chat; the candidate sees it live", async () => {
    const recruiter = await register("Rita Recruiter");
    const candidate = await register("Cleo Candidate");
    const company = await call("/v1/companies", recruiter.token, {
      name: "Spree Robotics",
      about: "Robots for river boats.",
      website: "https://spree.example.com",
    });
    const near = await call("/v1/vacancies", recruiter.token, {
      companyId: company.id,
      title: "Platform Engineer",
      description: "Queues, Workers and robots.\nHybrid in Potsdam.",
      tags: ["typescript", "workers"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      salary: { min: 70000, max: 90000, currency: "EUR", period: "year" },
      location: { lat: 52.3906, lng: 13.0645, place: "Potsdam" },
    });
    await call(`/v1/vacancies/${near.id}/publish`, recruiter.token, {});
    const far = await call("/v1/vacancies", recruiter.token, {
      companyId: company.id,
      title: "Field Technician",
      role: "support",
      employmentType: "full-time",
      seniority: "middle",
      location: { lat: 40.4168, lng: -3.7038, place: "Madrid" },
    });
    await call(`/v1/vacancies/${far.id}/publish`, recruiter.token, {});

    const candidateContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await candidateContext.newPage();
    await signIn(page, candidate.email, "Cleo Candidate");
    await page.goto(`${base()}/app/jobs`);
    await page.getByLabel("Near (a city)").fill("Berlin");
    await page.getByLabel("Within km").fill("60");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const results = page.getByRole("region", { name: "Vacancies" });
    // The first list (newest, before the search) has no distances: wait for the distance order.
    await expect.poll(() => results.getByText(/km away/).count()).toBe(1);
    expect(await results.getByRole("link", { name: "Platform Engineer" }).count()).toBe(1);
    expect(await results.getByRole("link", { name: "Field Technician" }).count()).toBe(0);
    expect(
      await results
        .getByText(/km away/)
        .first()
        .textContent(),
    ).toMatch(/^2\d km away$/);
    // Kept for the daily digest of new matches.
    await page.getByLabel("Save this search as").fill("Near Berlin");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByRole("region", { name: "Saved searches" }).getByText("Near Berlin").count()).toBe(1);
    expect((await call("/v1/me/saved-searches", candidate.token)).items[0].query).toEqual({ lat: "52.52", lng: "13.405", radiusKm: "60" });
    await checkedShot(page, `${SHOTS}/jobs-search.png`);

    await results.getByRole("link", { name: "Platform Engineer" }).click();
    await page.waitForURL(/\/app\/jobs\/vacancies\//);
    await expect.poll(() => page.getByRole("link", { name: "Spree Robotics" }).count()).toBe(1);
    await page.getByLabel("Cover letter").fill("I keep queues flowing and robots afloat.");
    await page.getByLabel("CV (PDF)").setInputFiles({ name: "cleo-cv.pdf", mimeType: "application/pdf", buffer: Buffer.from(samples.pdf) });
    await checkedShot(page, `${SHOTS}/jobs-vacancy-apply.png`);
    await page.getByRole("button", { name: "Send application" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Application sent");

    await page.getByRole("link", { name: "My applications" }).first().click();
    const mine = page.getByRole("list", { name: "My applications" });
    await expect.poll(() => mine.getByText("Submitted").count()).toBe(1);

    const recruiterContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const recruiterPage = await recruiterContext.newPage();
    await signIn(recruiterPage, recruiter.email, "Rita Recruiter");
    await recruiterPage.goto(`${base()}/app/jobs/companies/${company.id}/pipeline`);
    const card = recruiterPage.getByRole("article", { name: "Cleo Candidate, Platform Engineer" });
    await expect.poll(() => card.count()).toBe(1);
    // The CV the candidate uploaded in the browser is the PDF the recruiter's link serves.
    expect(await card.getByRole("button", { name: "CV" }).count()).toBe(1);
    const [application] = (await call(`/v1/companies/${company.id}/applications`, recruiter.token)).items;
    const cv = await fetch((await call(`/v1/applications/${application.id}/cv`, recruiter.token)).url);
    expect(new Uint8Array(await cv.arrayBuffer())).toEqual(samples.pdf);
    await card.getByLabel("Move to").selectOption("interview");
    await card.getByLabel("Note to the candidate").fill("Tuesday at ten?");
    await card.getByRole("button", { name: "Move" }).click();
    await expect.poll(() => recruiterPage.getByRole("region", { name: "Interview" }).getByText("Cleo Candidate").count()).toBe(1);
    await checkedShot(recruiterPage, `${SHOTS}/jobs-pipeline.png`);

    // Live on the candidate's page: the status and the note, without a reload.
    await expect.poll(() => mine.getByText("Interview").count()).toBe(1);
    await expect.poll(() => mine.getByText("Tuesday at ten?").count()).toBe(1);
    await checkedShot(page, `${SHOTS}/jobs-my-applications.png`);
    await page.setViewportSize({ width: 390, height: 780 });
    await checkedShot(page, `${SHOTS}/jobs-my-applications-phone.png`);
    await page.goto(`${base()}/app/jobs`);
    await page.getByLabel("Near (a city)").fill("Potsdam");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.getByText(/km away/).count()).toBe(1);
    await checkedShot(page, `${SHOTS}/jobs-search-phone.png`);

    await card.getByRole("button", { name: "Message" }).click();
    await recruiterPage.waitForURL(/\/app\/chats\//);
    const chatId = decodeURIComponent(recruiterPage.url().split("/app/chats/")[1]!);
    const chats = await call("/v1/chats", candidate.token);
    expect(chats.items.some((chat: any) => chat.id === chatId && chat.type === "direct")).toBe(true);

    await recruiterPage.setViewportSize({ width: 390, height: 780 });
    await recruiterPage.goto(`${base()}/app/jobs/companies/${company.id}/pipeline`);
    await expect.poll(() => recruiterPage.getByRole("region", { name: "Interview" }).getByText("Cleo Candidate").count()).toBe(1);
    await checkedShot(recruiterPage, `${SHOTS}/jobs-pipeline-phone.png`);
    await candidateContext.close();
    await recruiterContext.close();
  }, 420_000);

  it("a moderator approves a company's verification from the Companies tab", async () => {
    const owner = await register("Otto Owner");
    const admin = await register("Ada Admin", ADMIN_EMAIL);
    const company = await call("/v1/companies", owner.token, { name: "Havel Ferries", website: "https://havel.example.com" });
    // Asked once, refused, asked again: the moderator reads that history in words.
    await call(`/v1/companies/${company.id}/verification`, owner.token, { note: "We run ferries" });
    await call(`/v1/companies/${company.id}/verification/reject`, admin.token, { reason: "Name the register" });
    await call(`/v1/companies/${company.id}/verification`, owner.token, { note: "Registered in Potsdam, HRB 1234" });

    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 820 } });
      const page = await context.newPage();
      await signIn(page, admin.email, "Ada Admin");
      await page.goto(`${base()}/app/moderation/companies`);
      const item = page.locator(`[data-company="${company.id}"]`);
      await expect.poll(() => item.locator("p", { hasText: "The owner's note:" }).textContent()).toBe("The owner's note: Registered in Potsdam, HRB 1234");
      expect(await item.getByText("Otto Owner (owner)").count()).toBe(1);
      await item.getByText("History").click();
      const history = (await item.locator("details li").allTextContents()).map((line) => line.replace(/^.*?: /, ""));
      // Newest first.
      expect(history).toEqual([
        "The owners asked to be verified — Registered in Potsdam, HRB 1234",
        "Refused — Name the register",
        "The owners asked to be verified — We run ferries",
      ]);
      await checkedShot(page, `${SHOTS}/jobs-moderation-companies${width === 390 ? "-phone" : ""}.png`);
      if (width === 390) {
        await item.getByLabel("Reason (sent to the owners)").fill("Checked the register");
        await item.getByRole("button", { name: "Approve" }).click();
        await expect.poll(() => item.count()).toBe(0);
      }
      await context.close();
    }
    expect((await call(`/v1/companies/${company.id}`, owner.token)).verification).toBe("verified");
  }, 120_000);
});
