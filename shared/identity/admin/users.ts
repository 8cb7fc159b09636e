import type { Deps } from "../../platform/deps-types";
import { z } from "@hono/zod-openapi";
import { conflict, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { findUserById, type PublicUser, toPublicUser, type UserRow } from "../account/users";
import { queueEmail } from "../../email/outbox";
import { twoFactorResetEmail } from "../account/identity-emails";
import { disableTotpQueries } from "../mfa/records";
import { totpEnabled } from "../mfa/totp";
import { auditEventQuery } from "../audit/events";
import { clearLockout, clearLockoutQuery } from "../credentials/lockout";
import type { ClientInfo } from "../sessions/client-info";
import type { Principal } from "../sessions/principal";
import { userStandingChanged } from "../sessions/session-sockets";
import { endSession, endSessions, listActiveSessions } from "../sessions/sessions";
import { disableUserQuery, enableUserQuery, listUserRecords, type Role, setRoleUnlessLastAdmin, userSecurityCounts } from "./records";

export type { Role } from "./records";

/** What an admin sees of a user: the public user plus account state. Never hashes or secrets. */
export interface AdminUserView extends PublicUser {
  disabledAt: string | null;
  lockedUntil: string | null;
  failedLoginCount: number;
  totpEnabled: boolean;
  activeSessions: number;
}

async function toAdminView(deps: Deps, row: UserRow): Promise<AdminUserView> {
  const counts = await userSecurityCounts(deps.db, row.id, deps.clock.date());
  return {
    ...toPublicUser(row),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lockedUntil: row.lockedUntil && row.lockedUntil.getTime() > deps.clock.now() ? row.lockedUntil.toISOString() : null,
    failedLoginCount: row.failedLoginCount,
    totpEnabled: counts.totpEnabled,
    activeSessions: counts.activeSessions,
  };
}

async function requireUser(deps: Deps, userId: string): Promise<UserRow> {
  const row = await findUserById(deps.db, userId);
  if (!row) throw notFound("No such user");
  return row;
}

export async function viewUser(deps: Deps, userId: string): Promise<AdminUserView> {
  return toAdminView(deps, await requireUser(deps, userId));
}

export interface AdminUserListItem {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
}

const UserCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/** Users newest first; `q` matches e-mail or display name (substring, case-insensitive). */
export async function listUsers(
  deps: Deps,
  filter: { q?: string; role?: Role; disabled?: boolean },
  page: { limit: number; cursor?: string },
): Promise<Page<AdminUserListItem>> {
  const after = decodeCursor(page.cursor, UserCursor);
  const rows = await listUserRecords(deps.db, filter, after ?? null, page.limit + 1);
  return keysetPage(
    rows,
    page.limit,
    (r) => ({
      id: r.id,
      email: r.email,
      displayName: r.displayName,
      role: r.role,
      emailVerified: r.emailVerified,
      disabled: r.disabledAt !== null,
      createdAt: r.createdAt.toISOString(),
    }),
    (last) => ({ t: last.createdAt.getTime(), id: last.id }),
  );
}

/** Changes a user's role; the last admin cannot be demoted, so the platform always keeps one. */
export async function changeRole(deps: Deps, actor: Principal, userId: string, role: Role, client: ClientInfo): Promise<AdminUserView> {
  const db = deps.db;
  const target = await requireUser(deps, userId);
  if (target.role === role) return toAdminView(deps, target);
  if (!(await setRoleUnlessLastAdmin(db, userId, role, deps.clock.date()))) throw conflict("last_admin", "The platform needs at least one active admin");
  await auditEventQuery(db, { userId, type: "role.changed", client, detail: { from: target.role, to: role, by: actor.userId } }).run();
  // Open sockets read the role again on their next frame.
  await userStandingChanged(deps, userId);
  return viewUser(deps, userId);
}

/** Disables an account: its sessions end at once (sockets too) and login is refused until enabled. */
export async function disableUser(deps: Deps, actor: Principal, userId: string, reason: string | undefined, client: ClientInfo): Promise<AdminUserView> {
  if (userId === actor.userId) throw conflict("cannot_disable_self", "Admins cannot disable their own account");
  await requireUser(deps, userId);
  const db = deps.db;
  await endSessions(deps, userId, "account_disabled", {
    extra: [
      disableUserQuery(db, userId, deps.clock.date()),
      auditEventQuery(db, { userId, type: "account.disabled", client, detail: { by: actor.userId, reason: reason ?? null } }),
    ],
  });
  return viewUser(deps, userId);
}

export async function enableUser(deps: Deps, actor: Principal, userId: string, client: ClientInfo): Promise<AdminUserView> {
  const user = await requireUser(deps, userId);
  const db = deps.db;
  await db.batch([
    enableUserQuery(db, userId, deps.clock.date()),
    clearLockoutQuery(db, userId),
    auditEventQuery(db, { userId, type: "account.enabled", client, detail: { by: actor.userId } }),
  ]);
  await clearLockout(deps, user.email);
  return viewUser(deps, userId);
}

/** Ends every session of a user (e.g. a stolen device); returns how many ended. */
export async function endUserSessions(deps: Deps, actor: Principal, userId: string, client: ClientInfo): Promise<number> {
  await requireUser(deps, userId);
  const db = deps.db;
  return endSessions(deps, userId, "ended_by_admin", {
    extra: [auditEventQuery(db, { userId, type: "sessions.ended_by_admin", client, detail: { by: actor.userId } })],
  });
}

/**
 * Turns off a user's 2FA (they lost the authenticator and the backup codes): the secret and the
 * backup codes are deleted, the reset is an audit event naming the admin, and the user is mailed.
 */
export async function resetTwoFactor(deps: Deps, actor: Principal, userId: string, client: ClientInfo): Promise<AdminUserView> {
  const user = await requireUser(deps, userId);
  if (!(await totpEnabled(deps.db, userId))) throw conflict("totp_not_enabled", "Two-factor authentication is not on for this user");
  const db = deps.db;
  await db.batch([...disableTotpQueries(db, userId), auditEventQuery(db, { userId, type: "2fa.reset_by_admin", client, detail: { by: actor.userId } })]);
  await queueEmail(deps, twoFactorResetEmail(user.email));
  return viewUser(deps, userId);
}

/** A live session of a user as an admin sees it: when and from what it signed in, never its tokens. */
export interface AdminSessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
}

/** The user's live sessions, most recently used first (GET /v1/admin/users/{id}/sessions). */
export async function listUserSessionsForAdmin(deps: Deps, userId: string): Promise<AdminSessionView[]> {
  await requireUser(deps, userId);
  const rows = await listActiveSessions(deps, userId);
  return rows.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), lastUsedAt: s.lastUsedAt.toISOString(), userAgent: s.userAgent, ip: s.ip }));
}

/** Ends one session of a user (a lost phone), its tokens and sockets with it; 404 when it is not live. */
export async function endUserSession(deps: Deps, actor: Principal, userId: string, sessionId: string, client: ClientInfo): Promise<void> {
  await requireUser(deps, userId);
  if (!(await endSession(deps, userId, sessionId, "ended_by_admin"))) throw notFound("No such active session");
  await auditEventQuery(deps.db, { userId, type: "session.ended_by_admin", client, detail: { by: actor.userId, sessionId } }).run();
}
