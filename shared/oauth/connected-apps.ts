import { ApiError } from "../http/errors";
import type { AccountModule } from "../identity/account/account-module";
import { recordAuditEvent } from "../identity/audit/events";
import { announceDeletedAccount } from "./backchannel-logout";
import type { ClientInfo } from "../identity/sessions/client-info";
import type { Deps } from "../platform/deps-types";
import { deleteGrantQuery, listGrantsOfUser, revokeAuthorizationsOfUserClientQuery } from "./records";

export interface ConnectedApp {
  clientId: string;
  name: string;
  firstParty: boolean;
  scopes: string[];
  connectedAt: string;
  lastUsedAt: string | null;
}

/** GET /v1/me/connected-apps: every app the user signed in to, with what it may see and when it last got tokens. */
export async function listConnectedApps(deps: Deps, userId: string): Promise<ConnectedApp[]> {
  const rows = await listGrantsOfUser(deps.db, userId);
  return rows.map(({ grant, client }) => ({
    clientId: client.id,
    name: client.name,
    firstParty: client.firstParty,
    scopes: JSON.parse(grant.scopes) as string[],
    connectedAt: grant.createdAt.toISOString(),
    lastUsedAt: grant.lastUsedAt?.toISOString() ?? null,
  }));
}

/** DELETE /v1/me/connected-apps/:clientId: the grant goes, and with it every token the app holds for the user. */
export async function disconnectApp(deps: Deps, userId: string, clientId: string, client: ClientInfo): Promise<void> {
  const db = deps.db;
  const now = deps.clock.date();
  const [deleted] = await db.batch([
    deleteGrantQuery(db, userId, clientId),
    revokeAuthorizationsOfUserClientQuery(db, userId, clientId, "disconnected_by_user", now),
  ]);
  if (deleted.length === 0) throw new ApiError(404, "app_not_connected", "This app is not connected to your account");
  await recordAuditEvent(db, { userId, type: "oauth.app_disconnected", client, detail: { clientId } });
}

/**
 * The connected apps in the data export. Grants, codes and authorizations go with the user (ON
 * DELETE CASCADE); deletion only queues the back-channel logout tokens of the user's sessions.
 */
export const oauthAccount: AccountModule = {
  name: "oauth",
  exportData: async (deps, userId) => ({ connectedApps: await listConnectedApps(deps, userId) }),
  onDelete: (deps, userId) => announceDeletedAccount(deps, userId),
};
