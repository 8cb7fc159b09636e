import type { Deps } from "../../platform/deps-types";
import type { BatchQuery } from "../../db/client";
import { ApiError } from "../../http/errors";
import { enforceRateLimit } from "../../rate-limits";
import { reserveSecretAttempt } from "../../secret-attempts";
import { rememberDevice } from "../account/new-device";
import { findUserByEmail, toPublicUser, type UserRow } from "../account/users";
import { loginRequiresVerifiedEmail } from "../account/verified-email-policy";
import { makeAdminQuery, setPasswordHashQuery } from "../account/records";
import { isBootstrapAdminEmail } from "../account/registration";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import { clearLockoutQuery, LOCKOUT_POLICY, loginAttemptKey, recordFailedLogin, TOO_MANY_FAILED_LOGINS } from "../credentials/lockout";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "../credentials/passwords";
import { requireSecondFactor } from "../mfa/mfa-login";
import { totpEnabled } from "../mfa/totp";
import type { ClientInfo } from "./client-info";
import { type AuthResult, startSession } from "./sessions";

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "E-mail or password is wrong");

export async function login(deps: Deps, email: string, password: string, client: ClientInfo): Promise<AuthResult> {
  const { rateLimits } = deps.config;
  await enforceRateLimit(deps, `login:ip:${client.ip ?? "unknown"}`, rateLimits.loginPerIp);
  // The attempt takes its slot (and passes the lockout) before the password is checked.
  const reserved = await reserveSecretAttempt(deps, loginAttemptKey(email), rateLimits.loginFailuresPerEmail, TOO_MANY_FAILED_LOGINS, LOCKOUT_POLICY);

  const db = deps.db;
  const user = await findUserByEmail(db, email);
  if (!reserved.ok) {
    if (reserved.locked) await recordAuditEvent(deps.db, { userId: user?.id ?? null, type: "login.failed", client, detail: { reason: "account_locked" } });
    throw reserved.error;
  }
  const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !passwordOk) {
    const streak = await reserved.attempt.failed();
    await recordFailedLogin(deps, streak, user?.id ?? null, client);
    await recordAuditEvent(deps.db, {
      userId: user?.id ?? null,
      type: "login.failed",
      client,
      detail: { reason: user ? "wrong_password" : "unknown_email" },
    });
    throw invalidCredentials();
  }
  // A right password gives its slot back and ends the failure streak.
  await reserved.attempt.succeeded();
  const extra: BatchQuery[] = [];
  if (needsRehash(user.passwordHash)) extra.push(setPasswordHashQuery(db, user.id, await hashPassword(password)));
  return finishFirstFactor(deps, user, client, {}, extra);
}

/**
 * After a right first factor (a password, an SMS code): the rules every sign-in obeys (a
 * disabled account, the verified-e-mail policy, 2FA), then the session.
 */
export async function finishFirstFactor(
  deps: Deps,
  user: UserRow,
  client: ClientInfo,
  detail: Record<string, unknown>,
  extra: BatchQuery[] = [],
): Promise<AuthResult> {
  const db = deps.db;
  if (user.disabledAt) {
    await recordAuditEvent(deps.db, { userId: user.id, type: "login.failed", client, detail: { reason: "account_disabled" } });
    throw new ApiError(403, "account_disabled", "This account has been disabled");
  }
  if (loginRequiresVerifiedEmail(deps) && !user.emailVerified) {
    await recordAuditEvent(deps.db, { userId: user.id, type: "login.failed", client, detail: { reason: "email_not_verified" } });
    throw new ApiError(403, "email_not_verified", "Verify your e-mail address before logging in");
  }
  if (await totpEnabled(deps.db, user.id)) await requireSecondFactor(deps, user, client);

  const batch: BatchQuery[] = [auditEventQuery(db, { userId: user.id, type: "login.succeeded", client, detail }), clearLockoutQuery(db, user.id), ...extra];
  // An account made before BOOTSTRAP_ADMIN_EMAIL named it becomes admin at its next sign-in (no SQL
  // needed for a local admin); the role is written in the session's batch, before tokens are issued.
  const promoted = user.role !== "admin" && isBootstrapAdminEmail(deps, user.email);
  if (promoted)
    batch.push(
      makeAdminQuery(db, user.id, deps.clock.date()),
      auditEventQuery(db, { userId: user.id, type: "role.changed", client, detail: { from: user.role, to: "admin", by: "BOOTSTRAP_ADMIN_EMAIL" } }),
    );
  const tokens = await startSession(deps, user.id, client, batch);
  await rememberDevice(deps, user, client);
  return { ...tokens, user: toPublicUser(promoted ? { ...user, role: "admin" } : user) };
}
