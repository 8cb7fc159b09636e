import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers";
import { PRODUCT_NAME } from "../../shared/product";
import { approvedVideo, videoInModeration } from "./fixtures";

const page = (id: string) => SELF.fetch(`http://platform.test/v/${encodeURIComponent(id)}`);
const meta = (body: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(body)?.[1];

describe("GET /v/:id (the public page of a video)", () => {
  it("renders an approved public video for anyone: Open Graph tags, the player, no script, a strict CSP", async () => {
    const owner = await registerUser({ displayName: "Vera Video" });
    const { id, uid } = await approvedVideo(owner, { title: "Boats <at> dawn & dusk", description: "Leaving the harbour", tags: ["harbour"] });
    const response = await page(id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp).toContain("frame-ancestors 'none'");
    const body = await response.text();
    expect(body).not.toContain("<script");
    expect(meta(body, "og:title")).toBe("Boats &lt;at&gt; dawn &amp; dusk");
    expect(meta(body, "og:description")).toBe("Leaving the harbour");
    expect(meta(body, "og:url")).toBe(`http://platform.test/v/${id}`);
    expect(meta(body, "og:image")).toBe(`https://customer-test.cloudflarestream.com/${uid}/thumbnails/thumbnail.jpg`);
    // Tests run with the local Stream emulation: the uploaded file itself, as the app's player uses it.
    expect(meta(body, "og:video")).toBe(`http://platform.test/__cf_local/stream/${uid}/watch`);
    expect(body).toContain(`<video controls preload="metadata" src="http://platform.test/__cf_local/stream/${uid}/watch"`);
    expect(body).toContain("by Vera Video");
    // The day in words (UTC, the same for every reader), the instant in the <time> element.
    expect(body).toMatch(/ · <time datetime="\d{4}-\d{2}-\d{2}T[\d:.]+Z">[A-Z][a-z]{2} \d{1,2}, \d{4}<\/time><\/p>/);
    expect(body).toContain(`<header class="site"><a href="/">${PRODUCT_NAME}</a></header>`);
    expect(body).toContain(`poster="https://customer-test.cloudflarestream.com/${uid}/thumbnails/thumbnail.jpg"`);
    expect(body).toContain("#harbour");
    expect(response.headers.get("cache-control")).toBe("public, no-cache");
  });

  it("is the same 404 page for a video waiting for review, a private, an archived and an unknown one", async () => {
    const owner = await registerUser();
    const waiting = await videoInModeration(owner);
    const hidden = await approvedVideo(owner);
    await api(`/v1/videos/${hidden.id}`, { method: "PATCH", token: owner.accessToken, body: { isPublic: false } });
    const archived = await approvedVideo(owner);
    await api(`/v1/videos/${archived.id}/archive`, { method: "POST", token: owner.accessToken });
    for (const id of [waiting.id, hidden.id, archived.id, "no-such-video", "x".repeat(500)]) {
      const response = await page(id);
      expect(response.status, id).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = await response.text();
      expect(body).toContain("No such video");
      expect(body).not.toContain("og:title");
    }
  });

  it("serves its stylesheet from its own origin, which the CSP allows", async () => {
    const response = await SELF.fetch("http://platform.test/v/style.css");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/css");
    expect(await response.text()).toContain(".player");
  });
});
