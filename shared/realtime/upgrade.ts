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

/**
 * Client headers a Durable Object's WebSocket accept needs; every other header stays at the edge.
 * Not Sec-WebSocket-Extensions: the sockets are not compressed (handUpgradeTo), on the object's
 * hop either.
 */
const FORWARDED_UPGRADE_HEADERS = ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "user-agent"];

/**
 * The request a Durable Object receives for an authenticated upgrade: built fresh, so nothing the
 * client sent reaches partyserver except the WebSocket handshake (no `x-partykit-*` header, which
 * partyserver would parse, and no query: not the ticket, nor `_pk`, which would let a client pick
 * its connection id). The principal travels in headers only the Worker sets.
 */
function upgradeRequestFor(request: Request, principal: Principal): Request {
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

/**
 * What a socket's 101 answer says to refuse permessage-deflate. workerd negotiates compression in
 * its "manual" mode: a Sec-WebSocket-Extensions header on the Worker's answer is the server's
 * choice, and one that offers no permessage-deflate agrees to none (the client sees no extension;
 * the empty string, which the runtime's docs name for this, is dropped on the way out under
 * `wrangler dev`). The compatibility flag `no_web_socket_compression` does the same on Cloudflare
 * but not under `wrangler dev`, whose entry Worker negotiates for the Worker behind it.
 */
const NO_COMPRESSION = "identity";

/**
 * Hands an authenticated upgrade to the object that holds the socket (upgradeRequestFor), and
 * answers the client with the object's 101 without compression. The platform's frames are small
 * JSON (message.new for a short text is about 150 bytes): permessage-deflate would deflate every
 * frame once per receiving socket, and each client inflate it, to save a few dozen bytes a frame;
 * that was a third of a busy room's CPU per message (docs/chat.md, "Benchmark"). Servers built for
 * many sockets leave it off for the same reason (Node's ws does by default).
 */
export async function handUpgradeTo(object: { fetch(request: Request): Promise<Response> }, request: Request, principal: Principal): Promise<Response> {
  const response = await object.fetch(upgradeRequestFor(request, principal));
  if (response.status !== 101 || !response.webSocket) return response;
  const headers = new Headers(response.headers);
  headers.set("sec-websocket-extensions", NO_COMPRESSION);
  return new Response(null, { status: 101, statusText: response.statusText, headers, webSocket: response.webSocket });
}

/** Reads the principal the Worker attached to an upgrade request. */
export function principalFromUpgrade(request: Request): Principal | null {
  const userId = request.headers.get(PRINCIPAL_USER_HEADER);
  const sessionId = request.headers.get(PRINCIPAL_SESSION_HEADER);
  const role = request.headers.get(PRINCIPAL_ROLE_HEADER);
  if (!userId || !sessionId || (role !== "user" && role !== "moderator" && role !== "admin")) return null;
  return { userId, sessionId, role };
}
