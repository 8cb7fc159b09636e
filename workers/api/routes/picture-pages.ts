import { PUBLIC_PAGE_CSS, PUBLIC_PAGE_STYLESHEET_HEADERS, publicPageHeaders } from "../../../shared/http/public-page";
import { PICTURE_PAGE_CSP, publicPicturePage } from "../../../shared/media/public-image-page";
import { createRouter } from "../context";

/**
 * Mounted at /pictures: the public page of a gallery picture (shared/media/public-image-page.ts),
 * the link the app's share control hands out. Not in /openapi.json: a page for people and link
 * previews, not an API (clients use GET /v1/images/:id).
 */
export const picturePageRoutes = createRouter();

picturePageRoutes.get("/style.css", (c) => c.body(PUBLIC_PAGE_CSS, 200, PUBLIC_PAGE_STYLESHEET_HEADERS));
picturePageRoutes.get("/:id", async (c) => {
  const page = await publicPicturePage(c.get("deps"), c.req.param("id"));
  return c.html(page.body, page.status, publicPageHeaders(PICTURE_PAGE_CSP, page.status === 200));
});
