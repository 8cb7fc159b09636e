import { SignJWT } from "jose";
import type { AccountDeletionStep } from "../identity/account/account-module";
import { newId } from "../ids";
import type { Deps } from "../platform/deps-types";
import { OIDC_ALG, oidcKeyring } from "./keys";
import { endedSessionsToAnnounce, markLogoutNotifiedQuery, sessionsToAnnounceOfUser } from "./records";

/**
 * OIDC Back-Channel Logout 1.0: when a platform session ends, every client that holds tokens of it
 * and registered a `backchannelLogoutUri` is sent a signed logout token, from the JOBS queue (so
 * a slow or failing app never delays the sign-out, and failures are retried, then dead-lettered).
 * The app's tokens stop working at once regardless; the logout token tells the app to end its own
 * session of the user.
 */
export interface BackchannelLogoutJob {
  kind: "oauth.backchannel_logout";
  clientId: string;
  uri: string;
  userId: string;
  sessionId: string;
}

declare module "../env" {
  interface JobKinds {
    "oauth.backchannel_logout": BackchannelLogoutJob;
  }
}

const BATCH = 100;
const SESSIONS_PER_QUERY = 90;
const LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** One job per client and session of the rows given, duplicates dropped. */
function jobsFor(rows: { clientId: string; userId: string | null; sessionId: string | null; backchannelLogoutUri: string | null }[]): BackchannelLogoutJob[] {
  const jobs = new Map<string, BackchannelLogoutJob>();
  for (const row of rows) {
    if (!row.userId || !row.sessionId || !row.backchannelLogoutUri) continue;
    jobs.set(`${row.clientId} ${row.sessionId}`, {
      kind: "oauth.backchannel_logout",
      clientId: row.clientId,
      uri: row.backchannelLogoutUri,
      userId: row.userId,
      sessionId: row.sessionId,
    });
  }
  return [...jobs.values()];
}

/**
 * Queues logout tokens for sessions that ended: of the sessions given, at once, from every way a
 * session ends (`afterSessionsEnded`: logout, logout-all, revocation, password change or reset,
 * a disabled user, a reused refresh token, RP-initiated logout); of every session, from the
 * minutely cron, which retries what a failed queue send left unannounced. Returns how many were
 * queued.
 */
export async function announceEndedSessions(deps: Deps, sessionIds?: string[]): Promise<number> {
  if (sessionIds === undefined) return announceBatches(deps);
  let queued = 0;
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < sessionIds.length; i += SESSIONS_PER_QUERY) queued += await announceBatches(deps, sessionIds.slice(i, i + SESSIONS_PER_QUERY));
  return queued;
}

async function announceBatches(deps: Deps, sessionIds?: string[]): Promise<number> {
  let queued = 0;
  for (;;) {
    const rows = await endedSessionsToAnnounce(deps.db, BATCH, sessionIds);
    if (rows.length === 0) return queued;
    const jobs = jobsFor(rows);
    if (jobs.length > 0) await deps.queue.sendBatch(jobs);
    await markLogoutNotifiedQuery(
      deps.db,
      rows.map((row) => row.authorizationId),
      deps.clock.date(),
    );
    queued += jobs.length;
    if (rows.length < BATCH) return queued;
  }
}

/** Account deletion: the authorizations go with the user, so the logout tokens are queued from what was read before. */
export async function announceDeletedAccount(deps: Deps, userId: string): Promise<AccountDeletionStep> {
  const rows = await sessionsToAnnounceOfUser(deps.db, userId);
  const jobs = jobsFor(rows.map((row) => ({ ...row, userId })));
  return { statements: [], afterwards: jobs.length > 0 ? () => deps.queue.sendBatch(jobs) : undefined };
}

/** The logout token (OIDC Back-Channel Logout 1.0 section 2.4): `sub` and `sid`, the logout event, no nonce. */
export async function logoutToken(deps: Deps, job: BackchannelLogoutJob): Promise<string> {
  const { signer } = await oidcKeyring(deps.config.oauth.signingKeys);
  const now = Math.floor(deps.clock.now() / 1000);
  return new SignJWT({ sid: job.sessionId, events: { [LOGOUT_EVENT]: {} } })
    .setProtectedHeader({ alg: OIDC_ALG, kid: signer.kid, typ: "logout+jwt" })
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(job.clientId)
    .setSubject(job.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .setJti(newId())
    .sign(signer.key);
}

/** The job: posts the logout token; anything but a 2xx is retried by the queue (section 2.8). */
export async function sendLogoutToken(deps: Deps, job: BackchannelLogoutJob): Promise<void> {
  const response = await deps.fetch(job.uri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: await logoutToken(deps, job) }).toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`back-channel logout to ${job.clientId} answered ${response.status}`);
}
