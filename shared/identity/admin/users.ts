import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
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
import { endSessions } from "../sessions/sessions";
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

async function toAdminView(env: Env, row: UserRow): Promise<AdminUserView> {
  const counts = await userSecurityCounts(createDatabase(env.DB), row.id, clock.date());
  return {
    ...toPublicUser(row),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lockedUntil: row.lockedUntil && row.lockedUntil.getTime() > clock.now() ? row.lockedUntil.toISOString() : null,
    failedLoginCount: row.failedLoginCount,
    totpEnabled: counts.totpEnabled,
    activeSessions: counts.activeSessions,
  };
}

async function requireUser(env: Env, userId: string): Promise<UserRow> {
  const row = await findUserById(createDatabase(env.DB), userId);
  if (!row) throw notFound("No such user");
  return row;
}

export async function viewUser(env: Env, userId: string): Promise<AdminUserView> {
  return toAdminView(env, await requireUser(env, userId));
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
  d1: D1Database,
  filter: { q?: string; role?: Role; disabled?: boolean },
  page: { limit: number; cursor?: string },
): Promise<Page<AdminUserListItem>> {
  const after = decodeCursor(page.cursor, UserCursor);
  const rows = await listUserRecords(createDatabase(d1), filter, after ?? null, page.limit + 1);
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
export async function changeRole(env: Env, actor: Principal, userId: string, role: Role, client: ClientInfo): Promise<AdminUserView> {
  const db = createDatabase(env.DB);
  const target = await requireUser(env, userId);
  if (target.role === role) return toAdminView(env, target);
  if (!(await setRoleUnlessLastAdmin(db, userId, role, clock.date()))) throw conflict("last_admin", "The platform needs at least one active admin");
  await auditEventQuery(db, { userId, type: "role.changed", client, detail: { from: target.role, to: role, by: actor.userId } }).run();
  // Open sockets read the role again on their next frame.
  await userStandingChanged(env, userId);
  return viewUser(env, userId);
}

/** Disables an account: its sessions end at once (sockets too) and login is refused until enabled. */
export async function disableUser(env: Env, actor: Principal, userId: string, reason: string | undefined, client: ClientInfo): Promise<AdminUserView> {
  if (userId === actor.userId) throw conflict("cannot_disable_self", "Admins cannot disable their own account");
  await requireUser(env, userId);
  const db = createDatabase(env.DB);
  await endSessions(env, userId, "account_disabled", {
    extra: [
      disableUserQuery(db, userId, clock.date()),
      auditEventQuery(db, { userId, type: "account.disabled", client, detail: { by: actor.userId, reason: reason ?? null } }),
    ],
  });
  return viewUser(env, userId);
}

export async function enableUser(env: Env, actor: Principal, userId: string, client: ClientInfo): Promise<AdminUserView> {
  const user = await requireUser(env, userId);
  const db = createDatabase(env.DB);
  await db.batch([
    enableUserQuery(db, userId, clock.date()),
    clearLockoutQuery(db, userId),
    auditEventQuery(db, { userId, type: "account.enabled", client, detail: { by: actor.userId } }),
  ]);
  await clearLockout(env, user.email);
  return viewUser(env, userId);
}

/** Ends every session of a user (e.g. a stolen device); returns how many ended. */
export async function endUserSessions(env: Env, actor: Principal, userId: string, client: ClientInfo): Promise<number> {
  await requireUser(env, userId);
  const db = createDatabase(env.DB);
  return endSessions(env, userId, "ended_by_admin", {
    extra: [auditEventQuery(db, { userId, type: "sessions.ended_by_admin", client, detail: { by: actor.userId } })],
  });
}

/**
 * Turns off a user's 2FA (they lost the authenticator and the backup codes): the secret and the
 * backup codes are deleted, the reset is an audit event naming the admin, and the user is mailed.
 */
export async function resetTwoFactor(env: Env, actor: Principal, userId: string, client: ClientInfo): Promise<AdminUserView> {
  const user = await requireUser(env, userId);
  if (!(await totpEnabled(env.DB, userId))) throw conflict("totp_not_enabled", "Two-factor authentication is not on for this user");
  const db = createDatabase(env.DB);
  await db.batch([...disableTotpQueries(db, userId), auditEventQuery(db, { userId, type: "2fa.reset_by_admin", client, detail: { by: actor.userId } })]);
  await queueEmail(env, twoFactorResetEmail(user.email));
  return viewUser(env, userId);
}
