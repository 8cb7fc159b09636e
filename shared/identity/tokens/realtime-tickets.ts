import { clock } from "../../clock";
import type { Env } from "../../env";
import { unauthorized } from "../../http/errors";
import { randomToken, sha256Hex } from "../../ids";
import type { Principal } from "../sessions/principal";

const TICKET_TTL_MS = 60_000;

/** A single-use credential for a WebSocket upgrade, for clients that cannot set headers. */
export async function issueRealtimeTicket(env: Env, principal: Principal): Promise<{ ticket: string; expiresIn: number }> {
  const ticket = randomToken(32);
  await env.DB.prepare("INSERT INTO realtime_tickets (token_hash, user_id, session_id, expires_at) VALUES (?, ?, ?, ?)")
    .bind(await sha256Hex(ticket), principal.userId, principal.sessionId, clock.now() + TICKET_TTL_MS)
    .run();
  return { ticket, expiresIn: TICKET_TTL_MS / 1000 };
}

/** Spends a ticket; the caller still checks that its session is live. */
export async function redeemRealtimeTicket(env: Env, ticket: string): Promise<{ userId: string; sessionId: string }> {
  const now = clock.now();
  const row = await env.DB.prepare(
    "UPDATE realtime_tickets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id, session_id",
  )
    .bind(now, await sha256Hex(ticket), now)
    .first<{ user_id: string; session_id: string }>();
  if (!row) throw unauthorized("Ticket is invalid, expired or already used", "invalid_ticket");
  return { userId: row.user_id, sessionId: row.session_id };
}
