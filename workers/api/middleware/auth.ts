import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import {
  authenticate,
  authenticateUpgrade,
  bearerToken,
  type ClaimedSession,
  type Principal,
  type SessionUserRecord,
  verifyClaimedSession,
} from "../../../shared/identity/sessions/principal";
import { trackSessionSocket } from "../../../shared/identity/sessions/session-sockets";
import type { Deps } from "../../../shared/platform/deps-types";
import type { SocketTargetKind } from "../../../shared/realtime/session-socket-registry";
import { handUpgradeTo, requireWebSocketUpgrade } from "../../../shared/realtime/upgrade";
import { forbidden } from "../../../shared/http/errors";
import { bearerSecurity } from "../../../shared/http/openapi";
import type { AppEnv } from "../context";

/** What the auth check adds to the context; only handlers behind it can read these. */
export interface AuthedEnv extends AppEnv {
  Variables: AppEnv["Variables"] & {
    principal: Principal;
    /** The authenticated user's profile and role as read with the session check (no second query needed). */
    currentUser: SessionUserRecord;
  };
}

/** Requires a valid access token of a live session; puts the principal in the context. */
export const requireAuth = createMiddleware<AuthedEnv>(async (c, next) => {
  const { principal, user } = await authenticate(c.get("deps"), bearerToken(c.req.raw));
  c.set("principal", principal);
  c.set("currentUser", user);
  c.set("userId", principal.userId);
  await next();
});

/** What the signature-only check adds: the session the token names, not yet checked to be live. */
export interface ClaimedSessionEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { claimedSession: ClaimedSession };
}

/**
 * The token's signature only (401 for none or a bad one); the handler's first D1 statement checks
 * the session itself (`liveSessionClause`) and answers `401 session_revoked` when it has ended.
 */
const requireSignedToken = createMiddleware<ClaimedSessionEnv>(async (c, next) => {
  const claimed = await verifyClaimedSession(c.get("deps"), bearerToken(c.req.raw));
  c.set("claimedSession", claimed);
  c.set("userId", claimed.userId);
  await next();
});

const requireAdmin = createMiddleware<AuthedEnv>(async (c, next) => {
  if (c.get("principal").role !== "admin") throw forbidden("This action needs the role admin");
  await next();
});

const requireModerator = createMiddleware<AuthedEnv>(async (c, next) => {
  const { role } = c.get("principal");
  if (role !== "moderator" && role !== "admin") throw forbidden("This action needs the role moderator or admin");
  await next();
});

type ProtectedRouteConfig = Omit<RouteConfig, "security" | "middleware">;

/**
 * A route that needs a bearer access token: documented with the bearer scheme, the token checked
 * (401) before the request is validated (400), and `principal` / `currentUser` typed in the handler.
 */
export function authedRoute<const R extends ProtectedRouteConfig>(config: R) {
  return createRoute({ ...config, security: bearerSecurity, middleware: [requireAuth] as const });
}

/**
 * An authed route on a hot path whose first D1 statement is its own write (the tus PATCH's lease):
 * the statement checks the session too, so the request makes one D1 round trip instead of a read
 * and then the write, and revocation is as instant as on any authed route. Documented with the
 * bearer scheme; the handler reads `claimedSession` and must refuse with `endedSessionRefusal`
 * when its statement changed nothing.
 */
export function sessionInStatementRoute<const R extends ProtectedRouteConfig>(config: R) {
  return createRoute({ ...config, security: bearerSecurity, middleware: [requireSignedToken] as const });
}

/** An authed route for admins only: others get 403 before anything else happens. */
export function adminRoute<const R extends ProtectedRouteConfig>(config: R) {
  return createRoute({ ...config, security: bearerSecurity, middleware: [requireAuth, requireAdmin] as const });
}

/** An authed route for moderators and admins: others get 403 before anything else happens. */
export function moderatorRoute<const R extends ProtectedRouteConfig>(config: R) {
  return createRoute({ ...config, security: bearerSecurity, middleware: [requireAuth, requireModerator] as const });
}

/**
 * A WebSocket upgrade: documented with the bearer scheme, but the handler authenticates itself
 * after checking the upgrade, since browsers send a `?ticket=` instead of a header.
 */
export function upgradeRoute<const R extends ProtectedRouteConfig>(config: R) {
  return createRoute({ ...config, security: bearerSecurity });
}

/**
 * The handler of an upgradeRoute whose socket ends with its session (a chat, a call): checks the
 * upgrade, authenticates it (header or ticket), lets `target` check the caller's right to the
 * object and name it, records the socket on the user's hub so ending the session closes it, and
 * hands the upgrade to the object.
 */
export async function upgradeSessionSocket(
  deps: Deps,
  request: Request,
  socket: { kind: SocketTargetKind; id: string },
  target: (principal: Principal) => Promise<{ fetch(request: Request): Promise<Response> }>,
): Promise<Response> {
  requireWebSocketUpgrade(request);
  const principal = await authenticateUpgrade(deps, request);
  const object = await target(principal);
  await trackSessionSocket(deps, principal, socket.kind, socket.id);
  return handUpgradeTo(object, request, principal);
}
