import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { conflict, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { clearLockout, clearLockoutStatement } from "../credentials/lockout";
import type { Principal } from "../sessions/principal";
import { revokeAllSessionsStatement } from "../sessions/sessions";
import { closeSessionSockets } from "../sessions/session-sockets";
import { findUserById, type PublicUser, toPublicUser, type UserRow } from "../account/users";

export type Role = UserRow["role"];

/** What an admin sees of a user: the public user plus account state. Never hashes or secrets. */
export interface AdminUserView extends PublicUser {
  disabledAt: string | null;
  lockedUntil: string | null;
  failedLoginCount: number;
  totpEnabled: boolean;
  activeSessions: number;
}

async function toAdminView(env: Env, row: UserRow): Promise<AdminUserView> {
  const [totp, sessions] = await env.DB.batch<{ n: number }>([
    env.DB.prepare("SELECT COUNT(*) AS n FROM totp_credentials WHERE user_id = ? AND enabled_at IS NOT NULL").bind(row.id),
    env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?").bind(row.id, clock.now()),
  ]);
  return {
    ...toPublicUser(row),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lockedUntil: row.lockedUntil && row.lockedUntil.getTime() > clock.now() ? row.lockedUntil.toISOString() : null,
    failedLoginCount: row.failedLoginCount,
    totpEnabled: (totp?.results[0]?.n ?? 0) > 0,
    activeSessions: sessions?.results[0]?.n ?? 0,
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

interface UserListRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  email_verified: number;
  disabled_at: number | null;
  created_at: number;
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
  db: D1Database,
  filter: { q?: string; role?: Role; disabled?: boolean },
  page: { limit: number; cursor?: string },
): Promise<Page<AdminUserListItem>> {
  const after = decodeCursor(page.cursor, UserCursor);
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.q) {
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(email_normalized LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  if (filter.role) {
    where.push("role = ?");
    params.push(filter.role);
  }
  if (filter.disabled !== undefined) where.push(filter.disabled ? "disabled_at IS NOT NULL" : "disabled_at IS NULL");
  if (after) {
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    params.push(after.t, after.t, after.id);
  }
  const { results } = await db
    .prepare(
      `SELECT id, email, display_name, role, email_verified, disabled_at, created_at FROM users
        ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, page.limit + 1)
    .all<UserListRow>();
  return keysetPage(
    results,
    page.limit,
    (r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      role: r.role,
      emailVerified: Boolean(r.email_verified),
      disabled: r.disabled_at !== null,
      createdAt: new Date(r.created_at).toISOString(),
    }),
    (last) => ({ t: last.created_at, id: last.id }),
  );
}

/** Changes a user's role; the last admin cannot be demoted, so the platform always keeps one. */
export async function changeRole(env: Env, actor: Principal, userId: string, role: Role, client: ClientInfo): Promise<AdminUserView> {
  const target = await requireUser(env, userId);
  if (target.role === role) return toAdminView(env, target);
  const changed = await env.DB.prepare(
    `UPDATE users SET role = ?, updated_at = ? WHERE id = ?
       AND (role != 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id != ?) > 0)`,
  )
    .bind(role, clock.now(), userId, userId)
    .run();
  if (changed.meta.changes !== 1) throw conflict("last_admin", "The platform needs at least one active admin");
  await auditEventStatement(env.DB, { userId, type: "role.changed", client, detail: { from: target.role, to: role, by: actor.userId } }).run();
  return viewUser(env, userId);
}

/** Disables an account: its sessions end at once (sockets too) and login is refused until enabled. */
export async function disableUser(env: Env, actor: Principal, userId: string, reason: string | undefined, client: ClientInfo): Promise<AdminUserView> {
  if (userId === actor.userId) throw conflict("cannot_disable_self", "Admins cannot disable their own account");
  await requireUser(env, userId);
  const now = clock.now();
  await env.DB.batch([
    env.DB.prepare("UPDATE users SET disabled_at = COALESCE(disabled_at, ?), updated_at = ? WHERE id = ?").bind(now, now, userId),
    revokeAllSessionsStatement(env.DB, userId, "account_disabled"),
    auditEventStatement(env.DB, { userId, type: "account.disabled", client, detail: { by: actor.userId, reason: reason ?? null } }),
  ]);
  await closeSessionSockets(env, userId);
  return viewUser(env, userId);
}

export async function enableUser(env: Env, actor: Principal, userId: string, client: ClientInfo): Promise<AdminUserView> {
  const user = await requireUser(env, userId);
  await env.DB.batch([
    env.DB.prepare("UPDATE users SET disabled_at = NULL, updated_at = ? WHERE id = ?").bind(clock.now(), userId),
    clearLockoutStatement(env.DB, userId),
    auditEventStatement(env.DB, { userId, type: "account.enabled", client, detail: { by: actor.userId } }),
  ]);
  await clearLockout(env, user.email);
  return viewUser(env, userId);
}

/** Ends every session of a user (e.g. a stolen device); returns how many ended. */
export async function endUserSessions(env: Env, actor: Principal, userId: string, client: ClientInfo): Promise<number> {
  await requireUser(env, userId);
  const [revoked] = await env.DB.batch([
    revokeAllSessionsStatement(env.DB, userId, "ended_by_admin"),
    auditEventStatement(env.DB, { userId, type: "sessions.ended_by_admin", client, detail: { by: actor.userId } }),
  ]);
  await closeSessionSockets(env, userId);
  return revoked?.meta.changes ?? 0;
}
