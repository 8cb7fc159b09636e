import { metrics } from "../../observability/metrics";
import type { Deps } from "../../platform/deps-types";
import { type ApiError, unauthorized } from "../../http/errors";
import { verifyAccessToken } from "../tokens/access-tokens";
import { redeemRealtimeTicket } from "../tokens/realtime-tickets";
import { findActiveSessionUser, type SessionUserRecord } from "./records";

/** Who is making a request: resolved from an access token or a realtime ticket, never from the client's word. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: "user" | "moderator" | "admin";
}

export type { SessionUserRecord } from "./records";

export interface Authenticated {
  principal: Principal;
  /** The profile and role read with the session check (not the whole row: no password hash). */
  user: SessionUserRecord;
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The session an access token names, its signature, issuer, audience and lifetime checked but not
 * yet whether the session is live: the route's own first statement checks that
 * (`liveSessionClause`), and `endedSessionRefusal` tells a refused statement's 401 apart.
 */
export interface ClaimedSession {
  userId: string;
  sessionId: string;
}

/** The session a valid access token names, or throws 401 (no token, or one that does not verify). */
export async function verifyClaimedSession(deps: Deps, token: string | null): Promise<ClaimedSession> {
  if (!token) throw unauthorized();
  const claims = await verifyAccessToken(deps, token);
  if (!claims) throw unauthorized("Access token is invalid or expired", "invalid_token");
  return { userId: claims.sub, sessionId: claims.sid };
}

const sessionEnded = () => unauthorized("The session of this token has ended", "session_revoked");

/** Resolves an access token to its principal and user, or throws 401. */
export async function authenticate(deps: Deps, token: string | null): Promise<Authenticated> {
  const claimed = await verifyClaimedSession(deps, token);
  const now = deps.clock.now();
  const reads = deps.config.auth.sessionReads === "replica" ? deps.replicaReads.target(now) : "primary";
  const user = await findActiveSessionUser(deps.db, claimed.userId, claimed.sessionId, now, reads);
  metrics.count("identity_token_validations_total", { outcome: user ? "ok" : "revoked" });
  if (!user) throw sessionEnded();
  return { principal: { userId: user.id, sessionId: claimed.sessionId, role: user.role }, user };
}

/**
 * After a statement that carried `liveSessionClause` changed nothing: the 401 when the claimed
 * session has ended (revoked, expired, user disabled), or null when something else refused it.
 */
export async function endedSessionRefusal(deps: Deps, claimed: ClaimedSession): Promise<ApiError | null> {
  const user = await findActiveSessionUser(deps.db, claimed.userId, claimed.sessionId, deps.clock.now());
  if (!user) metrics.count("identity_token_validations_total", { outcome: "revoked" });
  return user ? null : sessionEnded();
}

export async function authenticateAccessToken(deps: Deps, token: string | null): Promise<Principal> {
  return (await authenticate(deps, token)).principal;
}

/** Authenticates a WebSocket upgrade: `Authorization: Bearer` or `?ticket=`. */
export async function authenticateUpgrade(deps: Deps, request: Request): Promise<Principal> {
  const token = bearerToken(request);
  if (token) return authenticateAccessToken(deps, token);
  const ticket = new URL(request.url).searchParams.get("ticket");
  if (ticket && ticket.length <= 128) {
    const redeemed = await redeemRealtimeTicket(deps, ticket);
    const user = await findActiveSessionUser(deps.db, redeemed.userId, redeemed.sessionId, deps.clock.now());
    if (!user) throw unauthorized("The session of this ticket has ended", "session_revoked");
    return { userId: user.id, sessionId: redeemed.sessionId, role: user.role };
  }
  throw unauthorized("A WebSocket upgrade needs a Bearer token or a ticket");
}

export { sessionStanding } from "./standing";
