import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import { sessions, users } from "../../db/schema";
import type { Env } from "../../env";
import { unauthorized } from "../../http/errors";
import { verifyAccessToken } from "../tokens/access-tokens";
import { redeemRealtimeTicket } from "../tokens/realtime-tickets";
import type { UserRow } from "../account/users";

/** Who is making a request: resolved from an access token or a realtime ticket, never from the client's word. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: "user" | "moderator" | "admin";
}

/**
 * Revocation takes effect at once (ASVS 7.4.1): besides the signature, every request reads the
 * session by primary key from D1, the single source of truth across regions. The same query
 * returns the user (role, disabled flag, profile), so an authenticated request costs one D1 read.
 */
function activeSessionQuery(d1: D1Database) {
  return createDatabase(d1)
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder("sessionId")),
        eq(sessions.userId, sql.placeholder("userId")),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder("now")),
        isNull(users.disabledAt),
      ),
    )
    .limit(1)
    .prepare();
}

// Prepared once per binding: this query runs on every authenticated request.
const activeSessionQueries = new WeakMap<D1Database, ReturnType<typeof activeSessionQuery>>();

async function activeSessionUser(env: Env, userId: string, sessionId: string): Promise<UserRow | null> {
  let query = activeSessionQueries.get(env.DB);
  if (!query) {
    query = activeSessionQuery(env.DB);
    activeSessionQueries.set(env.DB, query);
  }
  const [row] = await query.all({ sessionId, userId, now: clock.now() });
  return row?.user ?? null;
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
  const user = await activeSessionUser(env, claims.sub, claims.sid);
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
    const user = await activeSessionUser(env, redeemed.userId, redeemed.sessionId);
    if (!user) throw unauthorized("The session of this ticket has ended", "session_revoked");
    return { userId: user.id, sessionId: redeemed.sessionId, role: user.role };
  }
  throw unauthorized("A WebSocket upgrade needs a Bearer token or a ticket");
}
