import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { ApiError } from "../../http/errors";
import type { AuthResult } from "../sessions/sessions";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { clearLockoutQuery } from "../credentials/lockout";
import { rememberDevice } from "../account/new-device";
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from "../tokens/one-time-tokens";
import { startSession } from "../sessions/sessions";
import { verifySecondFactor } from "./totp";
import { findUserById, toPublicUser, type UserRow } from "../account/users";
import { metrics } from "../../observability/metrics";
import { countPasskeys } from "../passkeys/records";

/** After a correct password of a 2FA user: throws the 401 mfa_required problem carrying a 5-minute mfaToken. */
export async function requireSecondFactor(deps: Deps, user: UserRow, client: ClientInfo): Promise<never> {
  const db = deps.db;
  const { token, queries } = await issueOneTimeToken(db, user.id, "mfa_login", { ip: client.ip, userAgent: client.userAgent });
  const [, passkeyCount] = await Promise.all([
    runBatch(db, [...queries, clearLockoutQuery(db, user.id), auditEventQuery(db, { userId: user.id, type: "login.mfa_required", client })]),
    countPasskeys(db, user.id),
  ]);
  // A registered passkey finishes the sign-in as well as a code does (POST /passkeys/login/options with the mfaToken).
  const secondFactors = passkeyCount > 0 ? ["totp", "backup_code", "passkey"] : ["totp", "backup_code"];
  throw new ApiError(401, "mfa_required", "Enter a code from your authenticator app or a backup code", { mfaToken: token, secondFactors });
}

const invalidMfaToken = () => new ApiError(401, "invalid_mfa_token", "The sign-in attempt expired or was already completed; log in again");

/** POST /login/mfa: the second step. The mfaToken survives wrong codes (they are rate limited) and is spent on success. */
export async function completeMfaLogin(deps: Deps, mfaToken: string, code: string, client: ClientInfo): Promise<AuthResult> {
  const db = deps.db;
  const pending = await peekOneTimeToken(db, mfaToken, "mfa_login");
  if (!pending) throw invalidMfaToken();
  const user = await findUserById(db, pending.userId);
  if (!user) throw invalidMfaToken();
  if (user.disabledAt) throw new ApiError(403, "account_disabled", "This account has been disabled");
  let method: "totp" | "backup_code";
  try {
    method = await verifySecondFactor(deps, user.id, code);
  } catch (error) {
    if (error instanceof ApiError && error.code === "invalid_mfa_code") {
      metrics.count("identity_mfa_failures_total", {});
      await recordAuditEvent(deps.db, { userId: user.id, type: "login.failed", client, detail: { reason: "wrong_mfa_code" } });
    }
    throw error;
  }
  if (!(await consumeOneTimeToken(db, mfaToken, "mfa_login"))) throw invalidMfaToken();
  const tokens = await startSession(deps, user.id, client, [
    auditEventQuery(db, { userId: user.id, type: "login.succeeded", client, detail: { mfa: method } }),
    ...(method === "backup_code" ? [auditEventQuery(db, { userId: user.id, type: "2fa.backup_code_used", client })] : []),
  ]);
  await rememberDevice(deps, user, client);
  return { ...tokens, user: toPublicUser(user) };
}
