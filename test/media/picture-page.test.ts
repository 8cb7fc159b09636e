import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, json, registerUser, type TestUser } from "../helpers";
import { PRODUCT_NAME } from "../../shared/product";
import { uniquePng, uploadFile } from "./fixtures";

const page = (id: string) => SELF.fetch(`http://platform.test/pictures/${encodeURIComponent(id)}`);
const meta = (body: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(body)?.[1];

async function publish(user: TestUser, body: Record<string, unknown>) {
  const file = await uploadFile(user, uniquePng());
  return json(await api("/v1/images", { token: user.accessToken, body: { fileId: file.id, ...body } }));
}

describe("GET /pictures/:id (the public page of a gallery picture)", () => {
  it("shows a public picture to anyone: the picture, its title and owner, the product's name, Open Graph tags, no script", async () => {
    const owner = await registerUser({ displayName: "Pia Picture" });
    const image = await publish(owner, { title: "Gulls <over> the pier & more", description: "Low tide", tags: ["coast"] });
    const response = await page(image.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("cache-control")).toBe("public, no-cache");
    const body = await response.text();
    expect(body).not.toContain("<script");
    expect(body).toContain(`<header class="site"><a href="/">${PRODUCT_NAME}</a></header>`);
    expect(body).toContain("<h1>Gulls &lt;over&gt; the pier &amp; more</h1>");
    expect(body).toContain("by Pia Picture");
    // The day in words, not an ISO string; the machine-readable date stays in the <time> element.
    const sharedOn = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(image.createdAt));
    expect(sharedOn).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    expect(body).toContain(`<time datetime="${image.createdAt}">${sharedOn}</time>`);
    expect(body).toContain("#coast");
    expect(meta(body, "og:url")).toBe(`http://platform.test/pictures/${image.id}`);
    expect(meta(body, "og:site_name")).toBe(PRODUCT_NAME);
    const src = /<img src="([^"]+)"/.exec(body)![1]!;
    expect(src).toBe(image.variants.at(-1).url);
    expect((await SELF.fetch(`http://platform.test${src.replaceAll("&amp;", "&")}`)).status).toBe(200);
  });

  it("is the same 404 page for a private, a removed and an unknown picture", async () => {
    const owner = await registerUser();
    const hidden = await publish(owner, { title: "Hidden" });
    await api(`/v1/images/${hidden.id}`, { method: "PATCH", token: owner.accessToken, body: { visibility: "private" } });
    const removed = await publish(owner, { title: "Removed" });
    await api(`/v1/images/${removed.id}`, { method: "DELETE", token: owner.accessToken });
    for (const id of [hidden.id, removed.id, "no-such-picture", "x".repeat(500)]) {
      const response = await page(id);
      expect(response.status, id).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = await response.text();
      expect(body).toContain("No such picture");
      expect(body).not.toContain("Hidden");
      expect(body).not.toContain("og:title");
    }
  });

  it("serves its stylesheet from its own origin", async () => {
    const response = await SELF.fetch("http://platform.test/pictures/style.css");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/css");
    expect(await response.text()).toContain(".picture img");
  });
});
