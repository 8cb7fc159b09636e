import type { Deps } from "../../platform/deps-types";
import { notFound } from "../../http/errors";
import type { AccountModule } from "./account-module";
import { listInvitesCreatedBy } from "../admin/records";
import { type AuditEventView, listAuditEvents } from "../audit/events";
import { listUserSessions } from "../sessions/records";
import { listKnownCountries, listKnownDevices } from "./records";
import { listPasskeys, type PasskeyView } from "../passkeys/passkeys";
import { remainingBackupCodes, totpEnabled } from "../mfa/totp";
import { findUserPhone } from "../phone/records";
import { findUserById, type PublicUser, toPublicUser } from "./users";

export interface AccountExport {
  exportedAt: string;
  user: PublicUser;
  sessions: {
    id: string;
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
    revokedAt: string | null;
    revokeReason: string | null;
    userAgent: string | null;
    ip: string | null;
  }[];
  securityEvents: AuditEventView[];
  knownDevices: { firstSeenAt: string; lastSeenAt: string }[];
  /** The countries signed in from (request.cf), ISO 3166-1 alpha-2. */
  knownCountries: { country: string; firstSeenAt: string }[];
  /** Names and use of the passkeys; their public keys are not personal data worth a copy. */
  passkeys: PasskeyView[];
  twoFactor: { totpEnabled: boolean; backupCodesRemaining: number };
  invitesCreated: { code: string; maxUses: number; uses: number; createdAt: string }[];
  /** The confirmed phone number (E.164), if any. */
  phone: { number: string; confirmedAt: string } | null;
  /** One section per account module that exports data (chat, calls, ...). */
  modules: Record<string, unknown>;
}

/** GET /v1/me/export (GDPR art. 15/20): everything the platform keeps about the user, secrets excepted. */
export async function exportAccount(deps: Deps, userId: string, accountModules: readonly AccountModule[]): Promise<AccountExport> {
  const db = deps.db;
  const user = await findUserById(db, userId);
  if (!user) throw notFound("User not found");
  const [sessions, devices, countries, passkeys, invites, phone] = await Promise.all([
    listUserSessions(db, userId),
    listKnownDevices(db, userId),
    listKnownCountries(db, userId),
    listPasskeys(deps, userId),
    listInvitesCreatedBy(db, userId),
    findUserPhone(db, userId),
  ]);
  const securityEvents: AuditEventView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(deps, { userId }, { limit: 100, cursor });
    securityEvents.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const modules: Record<string, unknown> = {};
  for (const module of accountModules) if (module.exportData) modules[module.name] = await module.exportData(deps, userId);

  return {
    exportedAt: deps.clock.date().toISOString(),
    user: toPublicUser(user),
    sessions: sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      revokedAt: s.revokedAt?.toISOString() ?? null,
      revokeReason: s.revokeReason,
      userAgent: s.userAgent,
      ip: s.ip,
    })),
    securityEvents,
    knownDevices: devices.map((d) => ({ firstSeenAt: d.firstSeenAt.toISOString(), lastSeenAt: d.lastSeenAt.toISOString() })),
    knownCountries: countries.map((c) => ({ country: c.country, firstSeenAt: c.firstSeenAt.toISOString() })),
    passkeys,
    twoFactor: { totpEnabled: await totpEnabled(deps.db, userId), backupCodesRemaining: await remainingBackupCodes(deps.db, userId) },
    invitesCreated: invites.map((i) => ({ code: i.code, maxUses: i.maxUses, uses: i.uses, createdAt: i.createdAt.toISOString() })),
    phone: phone ? { number: phone.phone, confirmedAt: phone.confirmedAt.toISOString() } : null,
    modules,
  };
}
