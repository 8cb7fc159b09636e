import { createMiddleware } from "hono/factory";
import { ApiError } from "../../../shared/http/errors";
import { allowListAdmits } from "../../../shared/identity/admin/network-allow-list";
import type { AppEnv } from "../context";

/**
 * With ADMIN_ALLOWED_CIDRS set, every /v1/admin/* request from an address outside it is refused
 * before the token is even read: a stolen admin token is useless off the office network. The
 * address is CF-Connecting-IP only, which Cloudflare sets and clients cannot forge.
 */
export const adminNetworkGuard = createMiddleware<AppEnv>(async (c, next) => {
  const list = c.get("deps").config.adminNetwork.allowList;
  if (list && !allowListAdmits(list, c.req.header("cf-connecting-ip") ?? null)) {
    throw new ApiError(403, "admin_network_forbidden", "The admin API is not reachable from this network");
  }
  await next();
});
