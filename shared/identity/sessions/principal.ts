import { clock } from "../../clock";
import { configOf } from "../../config";
import type { Env } from "../../env";
import { unauthorized } from "../../http/errors";
import { verifyAccessToken } from "../tokens/access-tokens";
import { redeemRealtimeTicket } from "../tokens/realtime-tickets";
import { findActiveSessionUser } from "./records";
import type { SessionStanding } from "../../realtime/session-standings";
import type { UserRow } from "../account/users";

/** Who is making a request: resolved from an access token or a realtime ticket, never from the client's word. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: "user" | "moderator" | "admin";
}

export interface Authenticated {
  principal: Principal;
  user: UserRow;
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Resolves an access token to its principal and user, or throws 401. */
export async function authenticate(env: Env, token: string | null): Promise<Authenticated> {
  if (!token) throw unauthorized();
  const claims = await verifyAccessToken(env, token);
  if (!claims) throw unauthorized("Access token is invalid or expired", "invalid_token");
  const user = await findActiveSessionUser(env.DB, claims.sub, claims.sid, clock.now(), configOf(env).auth.sessionReads);
  if (!user) throw unauthorized("The session of this token has ended", "session_revoked");
  return { principal: { userId: user.id, sessionId: claims.sid, role: user.role }, user };
}

export async function authenticateAccessToken(env: Env, token: string | null): Promise<Principal> {
  return (await authenticate(env, token)).principal;
}

/** Authenticates a WebSocket upgrade: `Authorization: Bearer` or `?ticket=`. */
export async function authenticateUpgrade(env: Env, request: Request): Promise<Principal> {
  const token = bearerToken(request);
  if (token) return authenticateAccessToken(env, token);
  const ticket = new URL(request.url).searchParams.get("ticket");
  if (ticket && ticket.length <= 128) {
    const redeemed = await redeemRealtimeTicket(env, ticket);
    const user = await findActiveSessionUser(env.DB, redeemed.userId, redeemed.sessionId, clock.now());
    if (!user) throw unauthorized("The session of this ticket has ended", "session_revoked");
    return { userId: user.id, sessionId: redeemed.sessionId, role: user.role };
  }
  throw unauthorized("A WebSocket upgrade needs a Bearer token or a ticket");
}

/**
 * A socket's session as Durable Objects recheck it (SessionStandings): alive, user not disabled,
 * and the user's current role. The same prepared query as every authenticated request.
 */
export async function sessionStanding(env: Env, userId: string, sessionId: string): Promise<SessionStanding | null> {
  const user = await findActiveSessionUser(env.DB, userId, sessionId, clock.now());
  return user ? { userId: user.id, role: user.role } : null;
}
