import type { Deps } from "../../platform/deps-types";
import { queueEmail } from "../../email/outbox";
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
  deps: Deps,
  userId: string,
  sessionId: string,
  currentPassword: string,
  newPassword: string,
  client: ClientInfo,
): Promise<void> {
  await confirmPassword(deps, userId, currentPassword, client, "password.change");
  const db = deps.db;
  const user = await findUserById(db, userId);
  if (!user) throw new ApiError(404, "not_found", "User not found");
  const problem = passwordProblemFor(user, newPassword);
  if (problem) throw weakPassword(problem, "newPassword");
  if (newPassword === currentPassword) throw weakPassword("The new password must differ from the current one", "newPassword");
  await endSessions(deps, userId, "password_changed", {
    keep: sessionId,
    extra: [
      setPasswordHashQuery(db, userId, await hashPassword(newPassword), deps.clock.date()),
      auditEventQuery(db, { userId, type: "password.changed", client }),
    ],
  });
  await queueEmail(deps, passwordChangedEmail(user.email, "changed"));
}
