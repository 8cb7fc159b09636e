import { configOf } from "../../config";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { ApiError } from "../../http/errors";
import { rateLimited, rateLimiter } from "../../rate-limits";
import { findPasswordHash } from "../account/records";
import { recordAuditEvent } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { verifyPassword } from "./passwords";

/**
 * Confirms the current password of a signed-in user before a sensitive change (password
 * change, 2FA off, account deletion). Wrong answers count toward a per-user limit, so a stolen
 * access token cannot be used to guess the password.
 */
export async function confirmPassword(env: Env, userId: string, password: string, client: ClientInfo, action: string): Promise<void> {
  const limit = configOf(env).rateLimits.passwordChecksPerUser;
  const failures = rateLimiter(env, `password-check:user:${userId}`);
  const budget = await failures.check(limit.limit, limit.windowSeconds);
  if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds, "Too many wrong passwords; try again later");
  const passwordHash = await findPasswordHash(createDatabase(env.DB), userId);
  if (passwordHash && (await verifyPassword(passwordHash, password))) return;
  await failures.record(limit.limit, limit.windowSeconds);
  await recordAuditEvent(env.DB, { userId, type: "password.check_failed", client, detail: { action } });
  throw new ApiError(403, "invalid_password", "The password is wrong");
}
