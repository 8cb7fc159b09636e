import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { queueEmail } from "../../email/outbox";
import { ApiError } from "../../http/errors";
import { enforceRateLimit } from "../../rate-limits";
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

/** The job that looks an address up and mails its reset link, off the request path. */
export interface PasswordForgotJob {
  kind: "password.forgot";
  email: string;
  ip: string | null;
  userAgent: string | null;
}

declare module "../../env" {
  interface JobKinds {
    "password.forgot": PasswordForgotJob;
  }
}

/**
 * POST /password/forgot. The request does the same work whatever the address: one rate-limit
 * hit and one queued job. Whether an account exists is only looked at inside the job, so
 * neither the answer nor its timing tells a caller anything.
 */
export async function requestPasswordReset(deps: Deps, email: string, client: ClientInfo): Promise<void> {
  await enforceRateLimit(deps, `password-forgot:ip:${client.ip ?? "unknown"}`, deps.config.rateLimits.passwordForgotPerIp);
  await deps.queue.send({ kind: "password.forgot", email: normalizeEmail(email), ip: client.ip, userAgent: client.userAgent });
}

/** The `password.forgot` job: mails a reset link if the account exists (at most 3 per address an hour). */
export async function sendPasswordResetLink(deps: Deps, email: string, client: ClientInfo): Promise<void> {
  const db = deps.db;
  const user = await findUserByEmail(db, email);
  if (!user || user.disabledAt) return;
  const limit = deps.config.rateLimits.passwordResetMailsPerAddress;
  const decision = await deps.objects.rateLimiter(`password-reset-mail:email:${user.emailNormalized}`).consume(limit.limit, limit.windowSeconds);
  if (!decision.allowed) return;
  const { token, queries } = await issueOneTimeToken(db, user.id, "password_reset");
  await runBatch(db, [...queries, auditEventQuery(db, { userId: user.id, type: "password.reset_requested", client })]);
  await queueEmail(deps, passwordResetEmail(deps, user.email, token));
}

/** Sets a new password with a reset token; every session ends and the lockout is lifted. */
export async function resetPassword(deps: Deps, token: string, newPassword: string, client: ClientInfo): Promise<void> {
  const invalid = () => new ApiError(400, "invalid_token", "The reset link is invalid, expired or already used");
  const db = deps.db;
  const pending = await peekOneTimeToken(db, token, "password_reset");
  if (!pending) throw invalid();
  const user = await findUserById(db, pending.userId);
  if (!user) throw invalid();
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "password");
  const passwordHash = await hashPassword(newPassword);
  // Spend the token only once the new password is known to be acceptable, so a refused password does not burn the link.
  if (!(await consumeOneTimeToken(db, token, "password_reset"))) throw invalid();
  await endSessions(deps, user.id, "password_reset", {
    extra: [
      setPasswordHashQuery(db, user.id, passwordHash, deps.clock.date()),
      clearLockoutQuery(db, user.id),
      deleteUnusedOneTimeTokensQuery(db, user.id, ["password_reset", "mfa_login"]),
      auditEventQuery(db, { userId: user.id, type: "password.reset", client }),
    ],
  });
  await clearLockout(deps, user.email);
  await queueEmail(deps, passwordChangedEmail(user.email, "reset"));
}
