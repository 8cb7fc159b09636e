import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { ApiError } from "../../http/errors";
import { enforceRateLimit } from "../../rate-limits";
import { reserveSecretAttempt } from "../../secret-attempts";
import { findUserById } from "../account/users";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import { LOCKOUT_POLICY, loginAttemptKey, recordFailedLogin, TOO_MANY_FAILED_LOGINS } from "../credentials/lockout";
import type { ClientInfo } from "../sessions/client-info";
import { finishFirstFactor } from "../sessions/login";
import type { AuthResult } from "../sessions/sessions";
import { issueOneTimeToken } from "../tokens/one-time-tokens";
import { checkPhoneCode, queuePhoneCode } from "./phone-codes";
import { toE164 } from "./phone-numbers";
import { findUserIdByPhone } from "./records";

const signInDisabled = () => new ApiError(404, "phone_sign_in_disabled", "Signing in with a phone number is not enabled on this server");

function numberOf(deps: Deps, typed: string, region: string | null): string {
  return toE164(typed, region ?? deps.config.phone.defaultRegion);
}

/** POST /v1/auth/phone/code: texts a sign-in code if the number is confirmed on an account; answers alike either way. */
export async function requestPhoneSignInCode(deps: Deps, typed: string, region: string | null, client: ClientInfo): Promise<void> {
  if (!deps.config.phone.signInEnabled) throw signInDisabled();
  await queuePhoneCode(deps, { purpose: "phone_sign_in", phone: numberOf(deps, typed, region), userId: null }, client);
}

/**
 * POST /v1/auth/phone/sign-in: the code is a first factor like a password. The try takes a slot
 * of the account's login budget and lockout (keyed by its e-mail, as password logins are) before
 * the code is checked; an unknown number is counted on its own key and answers like a wrong code.
 * Then 2FA, a disabled account and the verified-e-mail rule apply as they do to a password.
 */
export async function signInWithPhone(deps: Deps, typed: string, region: string | null, code: string, client: ClientInfo): Promise<AuthResult> {
  if (!deps.config.phone.signInEnabled) throw signInDisabled();
  const phone = numberOf(deps, typed, region);
  const { rateLimits } = deps.config;
  await enforceRateLimit(deps, `login:ip:${client.ip ?? "unknown"}`, rateLimits.loginPerIp);
  const userId = await findUserIdByPhone(deps.db, phone);
  const user = userId ? await findUserById(deps.db, userId) : undefined;
  const key = user ? loginAttemptKey(user.email) : `login:phone:${phone}`;
  const reserved = await reserveSecretAttempt(deps, key, rateLimits.loginFailuresPerEmail, TOO_MANY_FAILED_LOGINS, LOCKOUT_POLICY);
  if (!reserved.ok) {
    if (reserved.locked) await recordAuditEvent(deps.db, { userId: user?.id ?? null, type: "login.failed", client, detail: { reason: "account_locked" } });
    throw reserved.error;
  }
  if (!(await checkPhoneCode(deps, user?.id ?? null, "phone_sign_in", phone, code)) || !user) {
    const streak = await reserved.attempt.failed();
    await recordFailedLogin(deps, streak, user?.id ?? null, client);
    await recordAuditEvent(deps.db, {
      userId: user?.id ?? null,
      type: "login.failed",
      client,
      detail: { reason: user ? "wrong_phone_code" : "unknown_phone" },
    });
    throw new ApiError(401, "invalid_phone_code", "The phone number or the code is wrong, or the code expired");
  }
  await reserved.attempt.succeeded();
  return finishFirstFactor(deps, user, client, { method: "phone" });
}

/** POST /v1/auth/password/forgot/phone: texts a reset code if the number is confirmed on an account; answers alike either way. */
export async function requestPhonePasswordReset(deps: Deps, typed: string, region: string | null, client: ClientInfo): Promise<void> {
  await queuePhoneCode(deps, { purpose: "password_reset", phone: numberOf(deps, typed, region), userId: null }, client);
}

/**
 * POST /v1/auth/password/reset/phone: the texted code buys the same reset token a mailed link
 * carries (30 minutes, single use), which POST /password/reset spends with the new password.
 */
export async function exchangePhoneResetCode(deps: Deps, typed: string, region: string | null, code: string, client: ClientInfo): Promise<string> {
  const phone = numberOf(deps, typed, region);
  await enforceRateLimit(deps, `phone-code-check:ip:${client.ip ?? "unknown"}`, deps.config.phone.codeChecksPerIp);
  const userId = (await findUserIdByPhone(deps.db, phone)) ?? null;
  const user = userId ? await findUserById(deps.db, userId) : undefined;
  if (!(await checkPhoneCode(deps, userId, "password_reset", phone, code)) || !user || user.disabledAt) {
    throw new ApiError(400, "invalid_phone_code", "The phone number or the code is wrong, or the code expired");
  }
  const { token, queries } = await issueOneTimeToken(deps.db, user.id, "password_reset");
  await runBatch(deps.db, [...queries, auditEventQuery(deps.db, { userId: user.id, type: "password.reset_requested", client, detail: { via: "phone" } })]);
  return token;
}
