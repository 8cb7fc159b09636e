import type { Deps } from "../platform/deps-types";
import { deleteDevMailboxBeforeQuery } from "../email/records";
import { deleteExpiredRefreshTokensQuery, deleteExpiredSessionsQuery } from "./sessions/records";
import { deleteExpiredPasskeyChallengesQuery } from "./passkeys/records";
import { deleteDevSmsBeforeQuery, deleteExpiredPhoneCodesQuery } from "./phone/records";
import { deleteExpiredOneTimeTokensQuery, deleteExpiredRealtimeTicketsQuery } from "./tokens/records";

/** Revoked sessions stay listed in data exports and admin views for this long, then go. */
export const REVOKED_SESSION_RETENTION_MS = 30 * 86400_000;
export const DEV_MAILBOX_RETENTION_MS = 7 * 86400_000;

export interface CleanupCounts {
  oneTimeTokens: number;
  refreshTokens: number;
  sessions: number;
  realtimeTickets: number;
  devMailbox: number;
  passkeyChallenges: number;
  phoneCodes: number;
  devSmsOutbox: number;
}

/** Deletes what can no longer be used: expired one-time tokens, refresh tokens, sessions, realtime tickets, passkey challenges and SMS codes. */
export async function deleteExpiredCredentials(deps: Deps, now: number): Promise<CleanupCounts> {
  const db = deps.db;
  const at = new Date(now);
  const [oneTimeTokens, refreshTokens, sessions, realtimeTickets, devMailbox, passkeyChallenges, phoneCodes, devSmsOutbox] = await db.batch([
    deleteExpiredOneTimeTokensQuery(db, at),
    deleteExpiredRefreshTokensQuery(db, at),
    deleteExpiredSessionsQuery(db, at, REVOKED_SESSION_RETENTION_MS),
    deleteExpiredRealtimeTicketsQuery(db, at),
    deleteDevMailboxBeforeQuery(db, new Date(now - DEV_MAILBOX_RETENTION_MS)),
    deleteExpiredPasskeyChallengesQuery(db, at),
    deleteExpiredPhoneCodesQuery(db, at),
    deleteDevSmsBeforeQuery(db, new Date(now - DEV_MAILBOX_RETENTION_MS)),
  ]);
  return {
    oneTimeTokens: oneTimeTokens.meta.changes,
    refreshTokens: refreshTokens.meta.changes,
    sessions: sessions.meta.changes,
    realtimeTickets: realtimeTickets.meta.changes,
    devMailbox: devMailbox.meta.changes,
    passkeyChallenges: passkeyChallenges.meta.changes,
    phoneCodes: phoneCodes.meta.changes,
    devSmsOutbox: devSmsOutbox.meta.changes,
  };
}
