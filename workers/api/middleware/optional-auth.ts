import type { Context } from "hono";
import { authenticate, bearerToken, type Principal } from "../../../shared/identity/sessions/principal";
import type { AppEnv } from "../context";

/**
 * For routes anyone may call (public files, the gallery): no Authorization header is an
 * anonymous caller (null); a header that is sent must hold a valid token (401 otherwise).
 */
export async function optionalPrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  const token = bearerToken(c.req.raw);
  if (token === null && !c.req.header("authorization")) return null;
  const { principal } = await authenticate(c.get("deps"), token);
  c.set("userId", principal.userId);
  return principal;
}
