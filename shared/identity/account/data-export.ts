import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { notFound } from "../../http/errors";
import type { AccountModule } from "./account-module";
import { type AuditEventView, listAuditEvents } from "../audit/events";
import { clock } from "../../clock";
import { remainingBackupCodes, totpEnabled } from "../mfa/totp";
import { findUserById, type PublicUser, toPublicUser } from "./users";

export interface AccountExport {
  exportedAt: string;
  user: PublicUser;
  sessions: { id: string; createdAt: string; lastUsedAt: string; expiresAt: string; revokedAt: string | null; revokeReason: string | null; userAgent: string | null; ip: string | null }[];
  securityEvents: AuditEventView[];
  knownDevices: { firstSeenAt: string; lastSeenAt: string }[];
  twoFactor: { totpEnabled: boolean; backupCodesRemaining: number };
  invitesCreated: { code: string; maxUses: number; uses: number; createdAt: string }[];
  /** One section per account module that exports data (chat, calls, ...). */
  modules: Record<string, unknown>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** GET /v1/me/export (GDPR art. 15/20): everything the platform keeps about the user, secrets excepted. */
export async function exportAccount(env: Env, userId: string, accountModules: readonly AccountModule[]): Promise<AccountExport> {
  const user = await findUserById(createDatabase(env.DB), userId);
  if (!user) throw notFound("User not found");
  const [sessions, devices, invites] = await env.DB.batch<Record<string, string | number | null>>([
    env.DB.prepare(
      "SELECT id, created_at, last_used_at, expires_at, revoked_at, revoke_reason, user_agent, ip FROM sessions WHERE user_id = ? ORDER BY created_at DESC",
    ).bind(userId),
    env.DB.prepare("SELECT first_seen_at, last_seen_at FROM known_devices WHERE user_id = ? ORDER BY first_seen_at").bind(userId),
    env.DB.prepare("SELECT code, max_uses, uses, created_at FROM invite_codes WHERE created_by = ? ORDER BY created_at").bind(userId),
  ]);
  const securityEvents: AuditEventView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(env.DB, { userId }, { limit: 100, cursor });
    securityEvents.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const modules: Record<string, unknown> = {};
  for (const module of accountModules) if (module.exportData) modules[module.name] = await module.exportData(env, userId);

  return {
    exportedAt: clock.date().toISOString(),
    user: toPublicUser(user),
    sessions: (sessions?.results ?? []).map((s) => ({
      id: String(s.id),
      createdAt: iso(Number(s.created_at))!,
      lastUsedAt: iso(Number(s.last_used_at))!,
      expiresAt: iso(Number(s.expires_at))!,
      revokedAt: iso(s.revoked_at === null ? null : Number(s.revoked_at)),
      revokeReason: s.revoke_reason === null ? null : String(s.revoke_reason),
      userAgent: s.user_agent === null ? null : String(s.user_agent),
      ip: s.ip === null ? null : String(s.ip),
    })),
    securityEvents,
    knownDevices: (devices?.results ?? []).map((d) => ({ firstSeenAt: iso(Number(d.first_seen_at))!, lastSeenAt: iso(Number(d.last_seen_at))! })),
    twoFactor: { totpEnabled: await totpEnabled(env.DB, userId), backupCodesRemaining: await remainingBackupCodes(env.DB, userId) },
    invitesCreated: (invites?.results ?? []).map((i) => ({ code: String(i.code), maxUses: Number(i.max_uses), uses: Number(i.uses), createdAt: iso(Number(i.created_at))! })),
    modules,
  };
}
