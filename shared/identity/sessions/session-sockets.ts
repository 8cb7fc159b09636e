import type { Deps } from "../../platform/deps-types";
import { unauthorized } from "../../http/errors";
import { removeSessionDevices } from "../../push/devices";
import type { SocketTargetKind } from "../../realtime/session-socket-registry";
import type { Principal } from "./principal";
import { activeSessionIdList } from "./records";
import { logEvent } from "../../observability/log";
import { announceEndedSessions } from "../../oauth/backchannel-logout";

/**
 * What follows every end of a session, after its revocation is in D1: the push devices it
 * registered are removed (docs/notifications.md), its sockets closed, and the apps signed in
 * with it told through OIDC back-channel logout at once (docs/sso.md). Every way a session
 * ends (logout, revocation, password change or reset, a reused refresh token, a disabled or
 * deleted account) calls this.
 */
export async function afterSessionsEnded(deps: Deps, userId: string, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await removeSessionDevices(deps, sessionIds);
  await closeSessionSockets(deps, userId, sessionIds);
  await announceToApps(deps, userId, sessionIds);
}

/** Best effort: what a failed queue send leaves unannounced, the minutely sweep queues. */
async function announceToApps(deps: Deps, userId: string, sessionIds: string[]): Promise<void> {
  try {
    await announceEndedSessions(deps, sessionIds);
  } catch (error) {
    logEvent("warn", "queueing back-channel logouts failed", { userId, error: String(error) });
  }
}

/**
 * Closes every socket the given sessions opened (hub, chat rooms, calls) through the user's hub,
 * which knows where each session has sockets. Awaited, so when the request that ended a session
 * answers, its sockets are closed. Best effort: the sessions are already ended in D1, and an
 * object the push does not reach refuses their next frame after its recheck interval.
 */
export async function closeSessionSockets(deps: Deps, userId: string, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  try {
    await deps.objects.userHub(userId).sessionsEnded(sessionIds);
  } catch (error) {
    logEvent("warn", "closing session sockets failed", { userId, error: String(error) });
  }
}

/** The user's role or status changed: every object with a socket of theirs reads it again on the next frame. */
export async function userStandingChanged(deps: Deps, userId: string): Promise<void> {
  try {
    await deps.objects.userHub(userId).userChanged();
  } catch (error) {
    logEvent("warn", "pushing a role change to sockets failed", { userId, error: String(error) });
  }
}

/**
 * Records, before an upgrade is forwarded, that this session opens a socket to `targetId`, so
 * ending the session reaches it. Refused when the session ended meanwhile (an upgrade racing a
 * logout).
 */
export async function trackSessionSocket(deps: Deps, principal: Principal, kind: SocketTargetKind, targetId: string): Promise<void> {
  const live = await deps.objects.userHub(principal.userId).trackSocket(principal.sessionId, { kind, targetId });
  if (!live) throw unauthorized("The session of this token has ended", "session_revoked");
}

/** Ids of the user's live sessions: read before revoking them, to close their sockets afterwards. */
export async function activeSessionIds(deps: Deps, userId: string): Promise<string[]> {
  return activeSessionIdList(deps.db, userId, deps.clock.date());
}
