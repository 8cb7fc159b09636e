// A studio owner's files in Chromium: a picture uploaded into a box from the box page, opened full
// size and downloaded, then an asset, the box and the project deleted, each after a confirmation
// that says what retention would have kept. Every screen is checked at 390 and 1280 px.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { callApi, registerAccount, signInToApp } from "./app";
import { launchChromium } from "./browser";
import { landscapePng } from "./sample-picture";
import { checkScreen } from "./screens";

const PORT = testPort(8972);

let server: DevServer;
let browser: Browser;
const origin = () => `http://localhost:${PORT}`;
const appUrl = (path = "") => `${origin()}/app/${path}`;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "studio-assets-e2e" });
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

describe("studio assets in the browser", () => {
  it("uploads into a box, opens full size, downloads, and deletes an asset, the box and the project with confirmations", async () => {
    const owner = await registerAccount(origin(), "Otto Assets");
    const project = await callApi(origin(), owner, "/v1/studio/projects", { name: "Autumn lookbook" });
    const box = await callApi(origin(), owner, `/v1/studio/projects/${project.id}/boxes`, { name: "Forest walk" });
    await callApi(origin(), owner, `/v1/studio/projects/${project.id}/boxes`, { name: "Cafe scene" });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInToApp(page, appUrl(), owner);
    await page.goto(appUrl(`studio/projects/${project.id}/boxes/${box.id}`));
    await page.getByRole("heading", { name: "Add your files" }).waitFor();

    // Upload into the box.
    const picture = landscapePng(900, 600);
    await page.getByTestId("box-file-input").setInputFiles({ name: "forest-path.png", mimeType: "image/png", buffer: picture });
    await expect.poll(() => page.getByTestId("box-upload-item").getAttribute("data-status"), { timeout: 30_000 }).toBe("done");
    await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(1);
    await checkScreen(page, "studio-box-upload");

    // Full size, and the original downloaded.
    await page.getByRole("button", { name: "Open Uploaded picture" }).click();
    const viewer = page.getByTestId("asset-viewer");
    const full = viewer.getByTestId("viewer-image");
    await expect
      .poll(() => full.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth), { timeout: 20_000 })
      .toBe(900);
    expect(await viewer.getByTestId("viewer-retention").textContent()).toMatch(/^Kept until .+ unless you mark it favourite or make it the headliner\.$/);
    await checkScreen(page, "studio-asset-full-size");
    const [download] = await Promise.all([page.waitForEvent("download"), viewer.getByTestId("viewer-download").click()]);
    expect(download.suggestedFilename()).toBe("forest-path.png");
    const saved = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of saved) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(picture)).toBe(true);

    // Delete the asset, after a confirmation that says what retention would have done.
    await viewer.getByRole("button", { name: "Delete" }).click();
    const confirmAsset = page.getByRole("alertdialog", { name: "Delete this asset?" });
    expect(await confirmAsset.textContent()).toContain("Retention would have deleted it on");
    await checkScreen(page, "studio-delete-asset");
    await confirmAsset.getByRole("button", { name: "Delete asset" }).click();
    await expect.poll(() => page.getByTestId("studio-asset").count()).toBe(0);
    expect(await page.getByTestId("asset-viewer").count()).toBe(0);
    expect((await callApi(origin(), owner, `/v1/studio/boxes/${box.id}/assets`)).items).toEqual([]);

    // Delete the box: back to the project, which has one box left.
    await page.getByRole("button", { name: "Delete box" }).click();
    const confirmBox = page.getByRole("alertdialog", { name: "Delete this box?" });
    // Its one asset is gone: it names only what is left (its comments), not "0 assets and their files".
    expect(await confirmBox.getByText(/goes now/).textContent()).toBe("“Forest walk” goes now with its comments. This cannot be undone.");
    await checkScreen(page, "studio-delete-box");
    await confirmBox.getByRole("button", { name: "Delete box" }).click();
    await page.waitForURL(appUrl(`studio/projects/${project.id}`));
    await expect.poll(() => page.getByTestId("studio-box").locator("strong").allTextContents()).toEqual(["Cafe scene"]);

    // Cancel first (nothing happens), then delete the project.
    await page.getByRole("button", { name: "Delete project" }).click();
    await page.getByRole("alertdialog", { name: "Delete this project?" }).getByRole("button", { name: "Cancel" }).click();
    expect(await page.getByRole("alertdialog").count()).toBe(0);
    await page.getByRole("button", { name: "Delete project" }).click();
    const confirmProject = page.getByRole("alertdialog", { name: "Delete this project?" });
    expect(await confirmProject.getByText(/goes now/).textContent()).toBe(
      "“Autumn lookbook” goes now with its box, the comments and every share link (they stop working). This cannot be undone.",
    );
    await checkScreen(page, "studio-delete-project");
    await confirmProject.getByRole("button", { name: "Delete project" }).click();
    await page.waitForURL(appUrl("studio"));
    const left = await callApi(origin(), owner, "/v1/studio/projects");
    expect(left.items).toEqual([]);
    await context.close();
  }, 240_000);
});
