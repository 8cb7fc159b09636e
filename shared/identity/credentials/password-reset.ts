import { clock } from "../../clock";
import { configOf } from "../../config";
import { createDatabase, runBatch } from "../../db/client";
import { queueEmail } from "../../email/outbox";
import type { Env } from "../../env";
import { ApiError } from "../../http/errors";
import { withCurrentTrace } from "../../observability/trace-scope";
import { enforceRateLimit, rateLimiter } from "../../rate-limits";
import { setPasswordHashQuery } from "../account/records";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { passwordChangedEmail, passwordResetEmail } from "../account/identity-emails";
import { clearLockout, clearLockoutQuery } from "./lockout";
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from "../tokens/one-time-tokens";
import { deleteUnusedOneTimeTokensQuery } from "../tokens/records";
import { hashPassword, passwordProblemFor, weakPassword } from "./passwords";
import { endSessions } from "../sessions/sessions";
import { findUserByEmail, findUserById, normalizeEmail } from "../account/users";

/**
 * POST /password/forgot. The request does the same work whatever the address: one rate-limit
 * hit and one queued job. Whether an account exists is only looked at inside the job, so
 * neither the answer nor its timing tells a caller anything.
 */
export async function requestPasswordReset(env: Env, email: string, client: ClientInfo): Promise<void> {
  await enforceRateLimit(env, `password-forgot:ip:${client.ip ?? "unknown"}`, configOf(env).rateLimits.passwordForgotPerIp);
  await env.JOBS.send(withCurrentTrace({ kind: "password.forgot", email: normalizeEmail(email), ip: client.ip, userAgent: client.userAgent }));
}

/** The `password.forgot` job: mails a reset link if the account exists (at most 3 per address an hour). */
export async function sendPasswordResetLink(env: Env, email: string, client: ClientInfo): Promise<void> {
  const db = createDatabase(env.DB);
  const user = await findUserByEmail(db, email);
  if (!user || user.disabledAt) return;
  const limit = configOf(env).rateLimits.passwordResetMailsPerAddress;
  const decision = await rateLimiter(env, `password-reset-mail:email:${user.emailNormalized}`).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) return;
  const { token, queries } = await issueOneTimeToken(db, user.id, "password_reset");
  await runBatch(db, [...queries, auditEventQuery(db, { userId: user.id, type: "password.reset_requested", client })]);
  await queueEmail(env, passwordResetEmail(env, user.email, token));
}

/** Sets a new password with a reset token; every session ends and the lockout is lifted. */
export async function resetPassword(env: Env, token: string, newPassword: string, client: ClientInfo): Promise<void> {
  const invalid = () => new ApiError(400, "invalid_token", "The reset link is invalid, expired or already used");
  const db = createDatabase(env.DB);
  const pending = await peekOneTimeToken(db, token, "password_reset");
  if (!pending) throw invalid();
  const user = await findUserById(db, pending.userId);
  if (!user) throw invalid();
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "password");
  const passwordHash = await hashPassword(newPassword);
  // Spend the token only once the new password is known to be acceptable, so a refused password does not burn the link.
  if (!(await consumeOneTimeToken(db, token, "password_reset"))) throw invalid();
  await endSessions(env, user.id, "password_reset", {
    extra: [
      setPasswordHashQuery(db, user.id, passwordHash, clock.date()),
      clearLockoutQuery(db, user.id),
      deleteUnusedOneTimeTokensQuery(db, user.id, ["password_reset", "mfa_login"]),
      auditEventQuery(db, { userId: user.id, type: "password.reset", client }),
    ],
  });
  await clearLockout(env, user.email);
  await queueEmail(env, passwordChangedEmail(user.email, "reset"));
}
