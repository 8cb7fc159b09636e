import type { Deps } from "../../platform/deps-types";
import { unauthorized } from "../../http/errors";
import { randomToken, sha256Hex } from "../../ids";
import { insertRealtimeTicket, spendRealtimeTicket } from "./records";

const TICKET_TTL_MS = 60_000;

/** A single-use credential for a WebSocket upgrade, for clients that cannot set headers. */
export async function issueRealtimeTicket(deps: Deps, principal: { userId: string; sessionId: string }): Promise<{ ticket: string; expiresIn: number }> {
  const ticket = randomToken(32);
  await insertRealtimeTicket(deps.db, {
    tokenHash: await sha256Hex(ticket),
    userId: principal.userId,
    sessionId: principal.sessionId,
    expiresAt: new Date(deps.clock.now() + TICKET_TTL_MS),
  });
  return { ticket, expiresIn: TICKET_TTL_MS / 1000 };
}

/** Spends a ticket; the caller still checks that its session is live. */
export async function redeemRealtimeTicket(deps: Deps, ticket: string): Promise<{ userId: string; sessionId: string }> {
  const spent = await spendRealtimeTicket(deps.db, await sha256Hex(ticket), deps.clock.date());
  if (!spent) throw unauthorized("Ticket is invalid, expired or already used", "invalid_ticket");
  return spent;
}
