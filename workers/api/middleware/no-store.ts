import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";

/**
 * API answers carry tokens, codes, secrets and personal data: no browser or proxy may keep them
 * (`Cache-Control: no-store`, OWASP ASVS 14.3). A route that means to be cacheable sets its own.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.res.status === 101 || c.res.headers.has("cache-control")) return;
  c.res.headers.set("cache-control", "no-store");
});
