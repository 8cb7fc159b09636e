import { createRouter } from "../context";

/**
 * The web app's pages: a path under /app/ that is not a file (`/app/chats/:id`,
 * `/app/studio/projects/:id`, ...) is a screen of the app, answered with its shell so a deep link
 * survives a reload; the app reads the path itself (web/src/router.ts). Files under /app/ never
 * reach the Worker: the static assets answer them first.
 */
export const webAppRoutes = createRouter();

// Registered on the router, not chained into its type: a page is not part of the typed API, and the
// wildcard in the client's types (AppType) would swallow every other path.
webAppRoutes.get("/app/*", async (c, next) => {
  const path = new URL(c.req.url).pathname;
  if (!c.env.ASSETS || /\.[a-z0-9]+$/i.test(path)) return next();
  const shell = await c.env.ASSETS.fetch(new Request(new URL("/app/", c.req.url), { headers: { accept: "text/html" } }));
  if (!shell.ok) return next();
  return new Response(shell.body, shell);
});
