import type { Deps } from "../../platform/deps-types";
import { ApiError } from "../../http/errors";
import { beginSecretAttempt } from "../../secret-attempts";
import { findPasswordHash } from "../account/records";
import { recordAuditEvent } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { verifyPassword } from "./passwords";

/**
 * Confirms the current password of a signed-in user before a sensitive change (password
 * change, 2FA setup and off, account deletion). Every attempt takes a slot of a per-user limit
 * before the password is checked (a right one gives it back), so a stolen access token cannot be
 * used to guess the password, not even with parallel requests.
 */
export async function confirmPassword(deps: Deps, userId: string, password: string, client: ClientInfo, action: string): Promise<void> {
  const limit = deps.config.rateLimits.passwordChecksPerUser;
  const attempt = await beginSecretAttempt(deps, `password-check:user:${userId}`, limit, "Too many wrong passwords; try again later");
  const passwordHash = await findPasswordHash(deps.db, userId);
  if (passwordHash && (await verifyPassword(passwordHash, password))) {
    await attempt.succeeded();
    return;
  }
  await attempt.failed();
  await recordAuditEvent(deps.db, { userId, type: "password.check_failed", client, detail: { action } });
  throw new ApiError(403, "invalid_password", "The password is wrong");
}
