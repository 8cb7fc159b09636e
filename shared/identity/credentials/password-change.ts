import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import { queueEmail } from "../../email/outbox";
import type { Env } from "../../env";
import { ApiError } from "../../http/errors";
import { passwordChangedEmail } from "../account/identity-emails";
import { findUserById } from "../account/users";
import { setPasswordHashQuery } from "../account/records";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { endSessions } from "../sessions/sessions";
import { confirmPassword } from "./password-checks";
import { hashPassword, passwordProblemFor, weakPassword } from "./passwords";

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
  const db = createDatabase(env.DB);
  const user = await findUserById(db, userId);
  if (!user) throw new ApiError(404, "not_found", "User not found");
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "newPassword");
  if (newPassword === currentPassword) throw weakPassword("The new password must differ from the current one", "newPassword");
  await endSessions(env, userId, "password_changed", {
    keep: sessionId,
    extra: [setPasswordHashQuery(db, userId, await hashPassword(newPassword), clock.date()), auditEventQuery(db, { userId, type: "password.changed", client })],
  });
  await queueEmail(env, passwordChangedEmail(user.email, "changed"));
}
