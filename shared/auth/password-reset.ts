import { clock } from "../clock";
import { createDatabase } from "../db/client";
import { queueEmail } from "../email/outbox";
import type { Env } from "../env";
import { ApiError, badRequest } from "../http/errors";
import { enforceRateLimit, parseRateLimit, rateLimiter } from "../rate-limits";
import { auditEventStatement } from "./audit";
import type { ClientInfo } from "./client-info";
import { passwordChangedEmail, passwordResetEmail } from "./identity-emails";
import { clearLockout, clearLockoutStatement } from "./lockout";
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from "./one-time-tokens";
import { confirmPassword } from "./password-checks";
import { hashPassword, passwordProblem } from "./passwords";
import { revokeAllSessionsStatement } from "./sessions";
import { activeSessionIds, closeSessionSockets } from "./session-sockets";
import { findUserByEmail, findUserById, normalizeEmail, type UserRow } from "./users";

const FORGOT_PER_IP_DEFAULT = { limit: 20, windowSeconds: 3600 };
const RESET_MAILS_PER_ADDRESS_DEFAULT = { limit: 3, windowSeconds: 3600 };

function weakPassword(problem: string, field: string): ApiError {
  return badRequest("weak_password", problem, [{ path: field, message: problem }]);
}

function passwordProblemFor(user: UserRow, password: string): string | null {
  return passwordProblem(password, [user.email, user.email.split("@")[0] ?? "", user.displayName]);
}

/**
 * POST /password/forgot. The request does the same work whatever the address: one rate-limit
 * hit and one queued job. Whether an account exists is only looked at inside the job, so
 * neither the answer nor its timing tells a caller anything.
 */
export async function requestPasswordReset(env: Env, email: string, client: ClientInfo): Promise<void> {
  await enforceRateLimit(env, `password-forgot:ip:${client.ip ?? "unknown"}`, parseRateLimit(env.RATE_LIMIT_PASSWORD_FORGOT_PER_IP, FORGOT_PER_IP_DEFAULT));
  await env.JOBS.send({ kind: "password.forgot", email: normalizeEmail(email), ip: client.ip, userAgent: client.userAgent });
}

/** The `password.forgot` job: mails a reset link if the account exists (at most 3 per address an hour). */
export async function sendPasswordResetLink(env: Env, email: string, client: ClientInfo): Promise<void> {
  const user = await findUserByEmail(createDatabase(env.DB), email);
  if (!user || user.disabledAt) return;
  const limit = parseRateLimit(env.RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS, RESET_MAILS_PER_ADDRESS_DEFAULT);
  const decision = await rateLimiter(env, `password-reset-mail:email:${user.emailNormalized}`).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) return;
  const { token, statements } = await issueOneTimeToken(env.DB, user.id, "password_reset");
  await env.DB.batch([...statements, auditEventStatement(env.DB, { userId: user.id, type: "password.reset_requested", client })]);
  await queueEmail(env, passwordResetEmail(env, user.email, token));
}

/** Sets a new password with a reset token; every session ends and the lockout is lifted. */
export async function resetPassword(env: Env, token: string, newPassword: string, client: ClientInfo): Promise<void> {
  const invalid = () => new ApiError(400, "invalid_token", "The reset link is invalid, expired or already used");
  const pending = await peekOneTimeToken(env.DB, token, "password_reset");
  if (!pending) throw invalid();
  const db = createDatabase(env.DB);
  const user = await findUserById(db, pending.userId);
  if (!user) throw invalid();
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "password");
  const passwordHash = await hashPassword(newPassword);
  // Spend the token only once the new password is known to be acceptable, so a refused password does not burn the link.
  if (!(await consumeOneTimeToken(env.DB, token, "password_reset"))) throw invalid();
  const now = clock.now();
  await env.DB.batch([
    env.DB.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").bind(passwordHash, now, user.id),
    clearLockoutStatement(env.DB, user.id),
    revokeAllSessionsStatement(env.DB, user.id, "password_reset"),
    env.DB.prepare("DELETE FROM one_time_tokens WHERE user_id = ? AND purpose IN ('password_reset', 'mfa_login') AND used_at IS NULL").bind(user.id),
    auditEventStatement(env.DB, { userId: user.id, type: "password.reset", client }),
  ]);
  await clearLockout(env, user.email);
  await closeSessionSockets(env, user.id);
  await queueEmail(env, passwordChangedEmail(user.email, "reset"));
}

/** Changes the password of a signed-in user; the user's other sessions end. */
export async function changePassword(
  env: Env,
  userId: string,
  sessionId: string,
  currentPassword: string,
  newPassword: string,
  client: ClientInfo,
): Promise<void> {
  await confirmPassword(env, userId, currentPassword, client, "password.change");
  const user = await findUserById(createDatabase(env.DB), userId);
  if (!user) throw new ApiError(404, "not_found", "User not found");
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "newPassword");
  if (newPassword === currentPassword) throw weakPassword("The new password must differ from the current one", "newPassword");
  const ending = (await activeSessionIds(env.DB, userId)).filter((id) => id !== sessionId);
  await env.DB.batch([
    env.DB.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").bind(await hashPassword(newPassword), clock.now(), userId),
    revokeAllSessionsStatement(env.DB, userId, "password_changed", sessionId),
    auditEventStatement(env.DB, { userId, type: "password.changed", client }),
  ]);
  await Promise.all(ending.map((id) => closeSessionSockets(env, userId, id)));
  await queueEmail(env, passwordChangedEmail(user.email, "changed"));
}
