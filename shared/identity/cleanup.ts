import type { Env } from "../env";

/** Revoked sessions stay listed in data exports and admin views for this long, then go. */
export const REVOKED_SESSION_RETENTION_MS = 30 * 86400_000;
export const DEV_MAILBOX_RETENTION_MS = 7 * 86400_000;

export interface CleanupCounts {
  oneTimeTokens: number;
  refreshTokens: number;
  sessions: number;
  realtimeTickets: number;
  devMailbox: number;
}

/** Deletes what can no longer be used: expired one-time tokens, refresh tokens, sessions and realtime tickets. */
export async function deleteExpiredCredentials(env: Env, now: number): Promise<CleanupCounts> {
  const [oneTimeTokens, refreshTokens, sessions, realtimeTickets, devMailbox] = await env.DB.batch([
    env.DB.prepare("DELETE FROM one_time_tokens WHERE expires_at <= ?").bind(now),
    env.DB.prepare("DELETE FROM refresh_tokens WHERE expires_at <= ?").bind(now),
    env.DB.prepare("DELETE FROM sessions WHERE expires_at <= ? OR (revoked_at IS NOT NULL AND revoked_at <= ?)").bind(now, now - REVOKED_SESSION_RETENTION_MS),
    env.DB.prepare("DELETE FROM realtime_tickets WHERE expires_at <= ?").bind(now),
    env.DB.prepare("DELETE FROM dev_mailbox WHERE created_at <= ?").bind(now - DEV_MAILBOX_RETENTION_MS),
  ]);
  return {
    oneTimeTokens: oneTimeTokens?.meta.changes ?? 0,
    refreshTokens: refreshTokens?.meta.changes ?? 0,
    sessions: sessions?.meta.changes ?? 0,
    realtimeTickets: realtimeTickets?.meta.changes ?? 0,
    devMailbox: devMailbox?.meta.changes ?? 0,
  };
}
