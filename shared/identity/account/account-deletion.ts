import type { Deps } from "../../platform/deps-types";
import { toD1Statements } from "../../db/records";
import { ApiError } from "../../http/errors";
import type { AccountModule } from "./account-module";
import { unlinkInvitesCreatedByQuery } from "../admin/records";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import { deleteUserAuditEventsQuery } from "../audit/records";
import type { ClientInfo } from "../sessions/client-info";
import { confirmPassword } from "../credentials/password-checks";
import { activeSessionIds, afterSessionsEnded } from "../sessions/session-sockets";
import { deleteUserQuery, isLastActiveAdmin } from "./records";
import { logEvent } from "../../observability/log";

/**
 * DELETE /v1/me: the user row goes (sessions, refresh tokens, one-time tokens, 2FA, devices and
 * tickets follow by ON DELETE CASCADE), their audit trail is deleted, invites they created
 * lose the link to them, and every module's deletion hook runs in the same D1 batch. One
 * anonymous `account.deleted` event (no IP, no user agent, no e-mail) remains. Each module's work
 * outside D1 runs afterwards; a failure there cannot undo the deletion, so it is recorded as an
 * `account.deletion_incomplete` event with its reason for an operator to finish.
 */
export async function deleteAccount(deps: Deps, userId: string, password: string, client: ClientInfo, modules: readonly AccountModule[]): Promise<void> {
  await confirmPassword(deps, userId, password, client, "account.delete");
  const db = deps.db;
  if (await isLastActiveAdmin(db, userId)) throw new ApiError(409, "last_admin", "Make another user admin before deleting the last admin account");

  // Read before the user row (and with it every session) goes, to close their sockets afterwards.
  const sessionIds = await activeSessionIds(deps, userId);
  const now = deps.clock.now();
  const steps = await Promise.all(modules.flatMap((module) => (module.onDelete ? [module.onDelete(deps, userId, now)] : [])));
  await deps.db.$client.batch([
    ...steps.flatMap((step) => step.statements),
    ...toD1Statements(db, [
      unlinkInvitesCreatedByQuery(db, userId),
      deleteUserAuditEventsQuery(db, userId),
      deleteUserQuery(db, userId),
      auditEventQuery(db, { userId, type: "account.deleted", detail: {} }),
    ]),
  ]);
  await afterSessionsEnded(deps, userId, sessionIds);
  for (const step of steps) {
    try {
      await step.afterwards?.();
    } catch (error) {
      logEvent("error", "account deletion step failed", { userId, error: String(error) });
      await recordAuditEvent(deps.db, { userId, type: "account.deletion_incomplete", detail: { reason: String(error).slice(0, 500) } });
    }
  }
}
