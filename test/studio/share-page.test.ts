import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { PRODUCT_NAME } from "../../shared/product";
import { api, expectProblem, json, uniqueIp } from "../helpers";
import { insertAssetRow, studioOwner, uploadAsset } from "./fixtures";

afterEach(() => clock.reset());

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const ORIGIN = "http://platform.test";

async function share(token: string, projectId: string, body: Record<string, unknown> = {}) {
  const response = await api(`/v1/studio/projects/${projectId}/shares`, { token, body });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string; url: string; pageUrl: string };
}

/** The page at the address handed out to people (`pageUrl`): a page whatever the request accepts. */
const openPage = (token: string) => api(`/studio/shared/${token}`);

/** A browser's form post; the redirect is not followed, so the test sees the 303. */
function postForm(token: string, boxId: string, fields: Record<string, string>, headers: Record<string, string> = {}, ip = uniqueIp()) {
  return SELF.fetch(`${ORIGIN}/studio/shared/${token}/boxes/${boxId}/comments`, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", accept: BROWSER_ACCEPT, origin: ORIGIN, "cf-connecting-ip": ip, ...headers },
    redirect: "manual",
  });
}

describe("the share link's page", () => {
  it("a browser gets a server-rendered page with the boxes, prompts and comments, under a CSP without script", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const { asset } = await uploadAsset(user, boxes[0]!.id);
    await api(`/v1/studio/boxes/${boxes[0]!.id}`, { method: "PATCH", token: user.accessToken, body: { headlinerAssetId: asset.id } });
    const { env } = await import("cloudflare:workers");
    const file = await env.DB.prepare("SELECT file_id FROM studio_assets WHERE id = ?").bind(asset.id).first<{ file_id: string }>();
    await insertAssetRow({ boxId: boxes[1]!.id, ownerId: user.id, prompt: "A <b>bold</b> fox & a hen", fileId: file!.file_id });
    await api(`/v1/studio/boxes/${boxes[1]!.id}/comments`, { token: user.accessToken, body: { text: "Owner's note" } });
    const link = await share(user.accessToken, project.id);

    const response = await openPage(link.token);
    const page = await response.text();
    expect(response.status, page).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("script-src");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(page).not.toContain("<script");
    expect(page).toContain(`<h1>${project.name}</h1>`);
    expect(page.indexOf(boxes[0]!.name)).toBeLessThan(page.indexOf(boxes[1]!.name));
    // Values are escaped, and pictures have alt text.
    expect(page).toContain("A &lt;b&gt;bold&lt;/b&gt; fox &amp; a hen");
    expect(page).not.toContain("<b>bold</b>");
    expect(page).toMatch(/<img src="[^"]+" alt="A &lt;b&gt;bold/);
    expect(page).toMatch(/alt="Picture 1 of Shot 1"/);
    expect(page).toContain("Headliner");
    // A comment's time in words, in UTC (the page is the same for every reader), the instant kept in <time>.
    expect(page).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[\d:.]+Z">[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC<\/time>/);
    expect(page).toContain("Owner&#39;s note");
    expect(page).toContain(`action="/studio/shared/${link.token}/boxes/${boxes[1]!.id}/comments"`);
    expect(link.pageUrl).toBe(`${ORIGIN}/studio/shared/${link.token}`);
    // The API's address, which older links handed out, still opens the same page in a browser.
    const old = await api(`/v1/studio/shared/${link.token}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(old.headers.get("content-type")).toContain("text/html");
    // The same page, but for its signed picture addresses: each render signs them anew (their expiry counts from now).
    const unsigned = (html: string) => html.replace(/expires=\d+&amp;kid=[^&"]+&amp;sig=[^"&]+/g, "<signature>");
    expect(unsigned(await old.text())).toBe(unsigned(page));
    expect(unsigned(page)).toContain("<signature>");
    // The stylesheet the page names is served.
    const css = await api("/v1/studio/share-page.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(await css.text()).toContain("ul.assets");
    // Headed by the product's name, as the gallery's and the videos' public pages are, linking its home.
    expect(page).toContain(`<div class="site"><a href="/">${PRODUCT_NAME}</a></div>`);
  });

  it("clients that ask for JSON (or nothing) still get the API answer", async () => {
    const { user, project } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    for (const accept of [undefined, "application/json", "*/*"]) {
      const response = await api(`/v1/studio/shared/${link.token}`, { headers: accept ? { accept } : {} });
      expect(response.headers.get("content-type")).toContain("application/json");
      expect((await json(response)).project.name).toBe(project.name);
    }
  });

  it("an expired, revoked or malformed link is a page that says so, with the API's status", async () => {
    const { user, project } = await studioOwner(1);
    const expiring = await share(user.accessToken, project.id, { expiresInSeconds: 60 });
    clock.advance(61_000);
    const expired = await openPage(expiring.token);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("This link has expired");
    clock.reset();
    const revoked = await share(user.accessToken, project.id);
    await api(`/v1/studio/shares/${revoked.token}`, { method: "DELETE", token: user.accessToken });
    const gone = await openPage(revoked.token);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain("This link does not work");
    const malformed = await openPage("short");
    expect(malformed.status).toBe(404);
    expect(malformed.headers.get("content-type")).toContain("text/html");
  });

  it("the comment form posts a visitor's comment and goes back to the page, where it shows", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    const response = await postForm(link.token, boxes[0]!.id, { authorName: "Ann", text: "Lovely <light>" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/studio/shared/${link.token}#box-${boxes[0]!.id}`);
    const page = await (await openPage(link.token)).text();
    expect(page).toContain("Ann");
    expect(page).toContain("Lovely &lt;light&gt;");
    // The owner sees it, unread.
    const listed = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(listed.items[0].unreadComments).toBe(1);
  });

  it("a form without a name or text is shown again with the error and what was typed (400), nothing stored", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    const noName = await postForm(link.token, boxes[0]!.id, { authorName: "  ", text: "Kept text" });
    expect(noName.status).toBe(400);
    const page = await noName.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("Write your name");
    expect(page).toContain("Kept text</textarea>");
    expect((await postForm(link.token, boxes[0]!.id, { authorName: "Ann" })).status).toBe(400);
    const comments = await json(await api(`/v1/studio/boxes/${boxes[0]!.id}/comments`, { token: user.accessToken }));
    expect(comments.items).toEqual([]);
  });

  it("the form is rate limited like the API (429 with Retry-After) and refused from another site", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    const ip = uniqueIp();
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) last = await postForm(link.token, boxes[0]!.id, { authorName: "Spam", text: `n ${i}` }, {}, ip);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await last!.text()).toContain("Too many comments");

    const crossSite = await postForm(link.token, boxes[0]!.id, { authorName: "Eve", text: "hi" }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const fetchedCrossSite = await postForm(link.token, boxes[0]!.id, { authorName: "Eve", text: "hi" }, { origin: "", "sec-fetch-site": "cross-site" });
    expect(fetchedCrossSite.status).toBe(403);
    const comments = await json(await api(`/v1/studio/boxes/${boxes[0]!.id}/comments?limit=100`, { token: user.accessToken }));
    expect(comments.items.some((c: { authorName: string }) => c.authorName === "Eve")).toBe(false);
  });

  it("a form to a revoked link or a box of another project is a 404 page; JSON comments are unchanged", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const other = await studioOwner(1);
    const link = await share(user.accessToken, project.id);
    const foreign = await postForm(link.token, other.boxes[0]!.id, { authorName: "Ann", text: "hi" });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type")).toContain("text/html");
    const viaJson = await api(`/v1/studio/shared/${link.token}/boxes/${boxes[0]!.id}/comments`, { body: { authorName: "Bo", text: "json" }, ip: uniqueIp() });
    expect(viaJson.status).toBe(201);
    await expectProblem(
      await api(`/v1/studio/shared/${link.token}/boxes/${boxes[0]!.id}/comments`, { body: { authorName: "", text: "x" }, ip: uniqueIp() }),
      400,
    );
  });
});
