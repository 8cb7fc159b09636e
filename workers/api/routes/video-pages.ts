import { PUBLIC_PAGE_CSP, PUBLIC_PAGE_CSS, publicVideoPage } from "../../../shared/video/public-page";
import { createRouter } from "../context";

/**
 * Mounted at /v: the public page of a video (shared/video/public-page.ts). Not in /openapi.json:
 * it is a page for people and link previews, not an API (clients use GET /v1/videos/:id).
 */
export const videoPageRoutes = createRouter();

videoPageRoutes.get("/style.css", (c) => c.body(PUBLIC_PAGE_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }));
videoPageRoutes.get("/:id", async (c) => {
  const page = await publicVideoPage(c.get("deps"), c.req.param("id"));
  return c.html(page.body, page.status, {
    "content-security-policy": PUBLIC_PAGE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    // An approval, an edit or an archive changes the page: a short shared cache, never a stale 404 for long.
    "cache-control": page.status === 200 ? "public, max-age=60" : "no-store",
  });
});
