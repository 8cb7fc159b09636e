import type { Deps } from "../../platform/deps-types";
import { type BatchQuery, type Database, runBatch } from "../../db/client";
import { type FailureStreak, type StreakPolicy, streakLockMs } from "../../rate-limit-windows";
import { clearLoginFailuresQuery, setLoginFailuresQuery } from "../account/records";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { normalizeEmail } from "../account/users";
import { metrics } from "../../observability/metrics";

/**
 * Account lockout on top of the per-e-mail rate limit (Keycloak's brute-force detection, with
 * an exponential wait). Consecutive wrong passwords for one e-mail address are counted in that
 * address's Durable Object; from the 10th on, each failure locks logins for the address for
 * 1 min, then 2, 4, 8 ... capped at 60 min, and a streak is forgotten 12 h after its last
 * failure. It never locks for good: the lock expires, a successful login ends the streak, and a
 * password reset or an admin's enable lifts it. Attempts while locked are refused without
 * checking the password and do not extend the lock.
 *
 * The streak is kept per address, not per account, and a lock answers exactly like the
 * per-e-mail rate limit, so an address without an account locks and answers the same way:
 * lockout cannot be used to learn which addresses have accounts.
 */
export const LOCKOUT_POLICY: StreakPolicy = { threshold: 10, baseLockMs: 60_000, maxLockMs: 60 * 60_000, resetAfterMs: 12 * 3_600_000 };

export function lockoutDelayMs(failedCount: number): number {
  return streakLockMs(failedCount, LOCKOUT_POLICY);
}

export const TOO_MANY_FAILED_LOGINS = "Too many failed logins for this account; try again later";

/**
 * The RateLimiter key of an address's login attempts: one object holds both the failure window
 * (RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL) and the lockout streak, so one call decides an attempt
 * before its password is checked.
 */
export function loginAttemptKey(email: string): string {
  return `login:email:${normalizeEmail(email)}`;
}

/**
 * After a wrong password: for an existing account the streak is mirrored onto the user row
 * (admins see it) and a new lock is an audit event.
 */
export async function recordFailedLogin(deps: Deps, streak: FailureStreak | null, userId: string | null, client: ClientInfo): Promise<void> {
  if (streak && streak.lockedUntil > 0) metrics.count("identity_lockouts_total", {});
  if (!userId || !streak) return;
  const db = deps.db;
  const queries: BatchQuery[] = [setLoginFailuresQuery(db, userId, streak.failures, streak.lockedUntil ? new Date(streak.lockedUntil) : null)];
  if (streak.lockedUntil > 0) {
    queries.push(
      auditEventQuery(db, {
        userId,
        type: "account.locked",
        client,
        detail: { failedLogins: streak.failures, lockedUntil: new Date(streak.lockedUntil).toISOString() },
      }),
    );
  }
  await runBatch(db, queries);
}

/** Ends the failure streak of an account's address (its D1 mirror is cleared by `clearLockoutQuery`). */
export async function clearLockout(deps: Deps, email: string): Promise<void> {
  await deps.objects.rateLimiter(loginAttemptKey(email)).clearStreak();
}

export function clearLockoutQuery(db: Database, userId: string) {
  return clearLoginFailuresQuery(db, userId);
}
