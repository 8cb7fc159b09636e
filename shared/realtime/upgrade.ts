import type { Principal } from "../identity/sessions/principal";
import { ApiError } from "../http/errors";
import { withTraceHeaders } from "../observability/trace-scope";

export const PRINCIPAL_USER_HEADER = "x-platform-user-id";
export const PRINCIPAL_SESSION_HEADER = "x-platform-session-id";
export const PRINCIPAL_ROLE_HEADER = "x-platform-role";

export function requireWebSocketUpgrade(request: Request): void {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint needs a WebSocket upgrade", {}, { upgrade: "websocket" });
  }
}

/** Client headers a Durable Object's WebSocket accept needs; every other header stays at the edge. */
const FORWARDED_UPGRADE_HEADERS = [
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "user-agent",
];

/**
 * The request a Durable Object receives for an authenticated upgrade: built fresh, so nothing the
 * client sent reaches partyserver except the WebSocket handshake (no `x-partykit-*` header, which
 * partyserver would parse, and no query: not the ticket, nor `_pk`, which would let a client pick
 * its connection id). The principal travels in headers only the Worker sets.
 */
export function upgradeRequestFor(request: Request, principal: Principal): Request {
  const url = new URL(request.url);
  url.search = "";
  const headers = new Headers();
  for (const name of FORWARDED_UPGRADE_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set(PRINCIPAL_USER_HEADER, principal.userId);
  headers.set(PRINCIPAL_SESSION_HEADER, principal.sessionId);
  headers.set(PRINCIPAL_ROLE_HEADER, principal.role);
  withTraceHeaders(headers);
  return new Request(url.toString(), { method: "GET", headers });
}

/** Reads the principal the Worker attached to an upgrade request. */
export function principalFromUpgrade(request: Request): Principal | null {
  const userId = request.headers.get(PRINCIPAL_USER_HEADER);
  const sessionId = request.headers.get(PRINCIPAL_SESSION_HEADER);
  const role = request.headers.get(PRINCIPAL_ROLE_HEADER);
  if (!userId || !sessionId || (role !== "user" && role !== "moderator" && role !== "admin")) return null;
  return { userId, sessionId, role };
}
