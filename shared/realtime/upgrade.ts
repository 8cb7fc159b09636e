import type { Principal } from "../identity/sessions/principal";
import { ApiError } from "../http/errors";

export const PRINCIPAL_USER_HEADER = "x-platform-user-id";
export const PRINCIPAL_SESSION_HEADER = "x-platform-session-id";
export const PRINCIPAL_ROLE_HEADER = "x-platform-role";

export function requireWebSocketUpgrade(request: Request): void {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint needs a WebSocket upgrade", {}, { upgrade: "websocket" });
  }
}

/**
 * The request a Durable Object receives for an authenticated upgrade: the principal travels in
 * headers that only the Worker sets (any the client sent are replaced), and the ticket is
 * dropped from the URL.
 */
export function upgradeRequestFor(request: Request, principal: Principal): Request {
  const url = new URL(request.url);
  url.searchParams.delete("ticket");
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  headers.set(PRINCIPAL_USER_HEADER, principal.userId);
  headers.set(PRINCIPAL_SESSION_HEADER, principal.sessionId);
  headers.set(PRINCIPAL_ROLE_HEADER, principal.role);
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
