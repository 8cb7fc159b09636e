import { PUBLIC_PAGE_CSS, PUBLIC_PAGE_STYLESHEET_HEADERS, publicPageHeaders } from "../../../shared/http/public-page";
import { PUBLIC_PAGE_CSP, publicVideoPage } from "../../../shared/video/public-page";
import { createRouter } from "../context";

/**
 * Mounted at /v: the public page of a video (shared/video/public-page.ts). Not in /openapi.json:
 * it is a page for people and link previews, not an API (clients use GET /v1/videos/:id).
 */
export const videoPageRoutes = createRouter();

videoPageRoutes.get("/style.css", (c) => c.body(PUBLIC_PAGE_CSS, 200, PUBLIC_PAGE_STYLESHEET_HEADERS));
videoPageRoutes.get("/:id", async (c) => {
  const page = await publicVideoPage(c.get("deps"), c.req.param("id"));
  return c.html(page.body, page.status, publicPageHeaders(PUBLIC_PAGE_CSP, page.status === 200));
});
