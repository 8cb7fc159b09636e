// Studio administration in a real browser: an admin finds another user's project and a visitor's
// comment in the moderation tab "Studio", hides the project (its share link stops answering) and
// shows it again, deletes the comment with a reason; then edits the Smart Edit configuration,
// saves two versions and restores the first. Screens checked at 390 and 1280 px.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { callApi, registerAccount, signInToApp, uniqueEmail } from "./app";
import { launchChromium } from "./browser";
import { checkScreen } from "./screens";

const PORT = testPort(8975);
const ADMIN_EMAIL = uniqueEmail("Studio Admin");

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = () => `${origin()}/app/`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "studio-admin-e2e", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

const item = (page: Page, id: string) => page.locator(`[data-item="${id}"]`);

async function openStudioTab(page: Page): Promise<void> {
  await page.goto(`${origin()}/app/moderation/studio`);
  await expect.poll(() => page.getByRole("button", { name: "Search", exact: true }).count(), { timeout: 15_000 }).toBe(1);
}

describe("studio administration in the browser", () => {
  it("an admin hides and shows a project, deletes a comment, and edits, saves and restores the Smart Edit configuration", async () => {
    const owner = await registerAccount(origin(), "Olga Owner");
    const project = await callApi(origin(), owner, "/v1/studio/projects", { name: "Holiday campaign" });
    const box = await callApi(origin(), owner, `/v1/studio/projects/${project.id}/boxes`, { name: "Beach shot" });
    const share = await callApi(origin(), owner, `/v1/studio/projects/${project.id}/shares`, {});
    const comment = await (
      await fetch(`${origin()}/v1/studio/shared/${share.token}/boxes/${box.id}/comments`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ authorName: "Spammer", text: "Cheap watches here" }),
      })
    ).json() as { id: string };
    const admin = await registerAccount(origin(), "Studio Admin", ADMIN_EMAIL);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToApp(page, appUrl(), admin);
    await openStudioTab(page);

    // The owner's project, found by their e-mail.
    await page.getByLabel("Search", { exact: true }).fill(owner.email);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => item(page, project.id).count()).toBe(1);
    await expect.poll(() => item(page, project.id).textContent()).toContain("Holiday campaign");
    await checkScreen(page, "moderation-studio");

    await item(page, project.id).getByLabel("Reason").fill("Copyrighted pictures");
    await item(page, project.id).getByRole("button", { name: "Hide" }).click();
    await expect.poll(() => item(page, project.id).textContent()).toContain("Hidden from share links: Copyrighted pictures");
    expect((await fetch(`${origin()}/v1/studio/shared/${share.token}`)).status).toBe(404);

    await item(page, project.id).getByRole("button", { name: "Show again" }).click();
    await expect.poll(() => item(page, project.id).getByRole("button", { name: "Hide" }).count()).toBe(1);
    expect((await fetch(`${origin()}/v1/studio/shared/${share.token}`)).status).toBe(200);

    // The visitor's comment, deleted with a reason.
    await page.getByRole("button", { name: "Comments" }).click();
    await expect.poll(() => item(page, comment.id).count()).toBe(1);
    await item(page, comment.id).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => item(page, comment.id).getByRole("alert").textContent()).toContain("reason");
    await item(page, comment.id).getByLabel("Reason").fill("Spam");
    await item(page, comment.id).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => item(page, comment.id).count()).toBe(0);
    const left = await callApi(origin(), owner, `/v1/studio/boxes/${box.id}/comments`);
    expect(left.items).toEqual([]);

    // Smart Edit: two versions saved, the first restored as the third.
    await page.getByRole("button", { name: "Smart Edit" }).click();
    const prompt = page.getByLabel("System prompt");
    await expect.poll(() => prompt.count()).toBe(1);
    await prompt.fill("Keep the composition. Change only this: {{prompt}}");
    await page.getByLabel("Default params (JSON)").fill('{"strength": 0.6}');
    await page.getByLabel("Why it changed").fill("First house style");
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Saved as version 1.");

    await prompt.fill("Photorealistic. {{prompt}}");
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Saved as version 2.");
    await page.locator('[data-version="1"]').getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Saved as version 3.");
    const current = await callApi(origin(), admin, "/v1/studio/edit-config");
    expect(current.current).toMatchObject({ version: 3, systemPrompt: "Keep the composition. Change only this: {{prompt}}", params: { strength: 0.6 }, note: "Restored version 1" });
    expect(await prompt.inputValue()).toBe("Keep the composition. Change only this: {{prompt}}");
    await checkScreen(page, "moderation-smart-edit");

    // A prompt without the placeholder is refused on the screen, with nothing saved.
    await prompt.fill("No placeholder");
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("{{prompt}}");
    expect((await callApi(origin(), admin, "/v1/studio/edit-config")).current.version).toBe(3);
    await context.close();
  }, 420_000);
});
