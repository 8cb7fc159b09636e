import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { queueEmail } from "../../email/outbox";
import { ApiError, conflict, notFound } from "../../http/errors";
import { enforceRateLimit } from "../../rate-limits";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { verificationEmail } from "./identity-emails";
import { consumeOneTimeToken, issueOneTimeToken } from "../tokens/one-time-tokens";
import { markEmailVerifiedQuery } from "./records";
import { findUserById, normalizeEmail, type PublicUser, toPublicUser } from "./users";

/** Sends a verification link (valid 24 h) to the user's address; earlier links stop working. */
export async function requestEmailVerification(deps: Deps, userId: string): Promise<void> {
  const db = deps.db;
  const user = await findUserById(db, userId);
  if (!user) throw notFound("User not found");
  if (user.emailVerified) throw conflict("email_already_verified", "This e-mail address is already verified");
  await enforceRateLimit(deps, `email-verification:user:${userId}`, deps.config.rateLimits.emailVerificationPerUser);
  const { token, queries } = await issueOneTimeToken(db, userId, "email_verification", { email: user.emailNormalized });
  await runBatch(db, queries);
  await queueEmail(deps, verificationEmail(deps, user.email, token));
}

/** Spends a verification token and marks the address verified. */
export async function verifyEmail(deps: Deps, token: string, client: ClientInfo): Promise<PublicUser> {
  const db = deps.db;
  const spent = await consumeOneTimeToken(db, token, "email_verification");
  if (!spent) throw new ApiError(400, "invalid_token", "The verification link is invalid, expired or already used");
  const user = await findUserById(db, spent.userId);
  // The address may have changed since the link was sent: the link only verifies the address it went to.
  if (!user || user.emailNormalized !== normalizeEmail(String(spent.context.email ?? ""))) {
    throw new ApiError(400, "invalid_token", "The verification link is for another e-mail address");
  }
  await db.batch([
    markEmailVerifiedQuery(db, user.id, deps.clock.date()),
    auditEventQuery(db, { userId: user.id, type: "email.verified", client, detail: { email: user.email } }),
  ]);
  return toPublicUser({ ...user, emailVerified: true });
}
