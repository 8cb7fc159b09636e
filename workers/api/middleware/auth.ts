import { createMiddleware } from "hono/factory";
import { authenticate, bearerToken } from "../../../shared/identity/sessions/principal";
import { forbidden } from "../../../shared/http/errors";
import type { AppEnv } from "../context";

/** Requires a valid access token of a live session; puts the principal in the context. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { principal, user } = await authenticate(c.env, bearerToken(c.req.raw));
  c.set("principal", principal);
  c.set("currentUser", user);
  c.set("userId", principal.userId);
  await next();
});

export function requireRole(...roles: ("user" | "moderator" | "admin")[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.get("principal").role)) throw forbidden("This action needs the role " + roles.join(" or "));
    await next();
  });
}
