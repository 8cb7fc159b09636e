import { ApiError } from "../http/errors";
import { recordAuditEvent } from "../identity/audit/events";
import type { ClientInfo } from "../identity/sessions/client-info";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { randomToken, sha256Hex } from "../ids";
import type { Deps } from "../platform/deps-types";
import { z } from "zod";
import { invalidClient } from "./protocol-error";
import { deleteClientRecord, findClient, insertClientQuery, listClientRecords, type OAuthClientRecord, updateClientRecord } from "./records";

export interface ClientView {
  clientId: string;
  name: string;
  type: "public" | "confidential";
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  resourceServerFor: string[];
  scopes: string[];
  firstParty: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string | null;
}

export interface ClientInput {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string | null;
  resourceServerFor?: string[];
  type: "public" | "confidential";
  scopes: string[];
  firstParty: boolean;
}

export type ClientPatch = Partial<
  Pick<ClientInput, "name" | "redirectUris" | "postLogoutRedirectUris" | "backchannelLogoutUri" | "resourceServerFor" | "scopes" | "firstParty">
>;

/** Who changes a client, for the audit log (`oauth_client.*` events). */
export interface ClientAdmin {
  userId: string;
  client: ClientInfo;
}

async function audit(deps: Deps, admin: ClientAdmin, type: string, clientId: string): Promise<void> {
  await recordAuditEvent(deps.db, { userId: admin.userId, type, client: admin.client, detail: { clientId } });
}

const list = (json: string) => JSON.parse(json) as string[];

export function toClientView(client: OAuthClientRecord): ClientView {
  return {
    clientId: client.id,
    name: client.name,
    type: client.type,
    redirectUris: list(client.redirectUris),
    postLogoutRedirectUris: list(client.postLogoutRedirectUris),
    backchannelLogoutUri: client.backchannelLogoutUri,
    resourceServerFor: list(client.resourceServerFor),
    scopes: list(client.scopes),
    firstParty: client.firstParty,
    disabled: client.disabledAt !== null,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
    secretRotatedAt: client.secretRotatedAt?.toISOString() ?? null,
  };
}

export const clientRedirectUris = (client: OAuthClientRecord) => list(client.redirectUris);
export const clientPostLogoutRedirectUris = (client: OAuthClientRecord) => list(client.postLogoutRedirectUris);
export const clientScopes = (client: OAuthClientRecord) => list(client.scopes);

/** Whether `caller` may introspect tokens issued to `clientId`: its own, or a client it is a resource server for. */
export const mayIntrospectTokensOf = (caller: OAuthClientRecord, clientId: string) =>
  caller.id === clientId || list(caller.resourceServerFor).includes(clientId);

/** The client ids of `resourceServerFor`, each registered: `400 unknown_oauth_client` otherwise. */
async function registeredClientIds(deps: Deps, clientIds: readonly string[]): Promise<string> {
  const unique = [...new Set(clientIds)];
  for (const clientId of unique) {
    if (!(await findClient(deps.db, clientId))) throw new ApiError(400, "unknown_oauth_client", `No OAuth client has the id ${clientId}`);
  }
  return JSON.stringify(unique);
}

const newSecret = () => `secret_${randomToken(32)}`;

/** POST /v1/admin/oauth/clients: the secret of a confidential client is answered once and stored hashed. */
export async function registerClient(deps: Deps, admin: ClientAdmin, input: ClientInput): Promise<{ client: ClientView; clientSecret?: string }> {
  const now = deps.clock.date();
  const clientSecret = input.type === "confidential" ? newSecret() : undefined;
  const record: OAuthClientRecord = {
    id: `client_${randomToken(16)}`,
    name: input.name,
    type: input.type,
    secretHash: clientSecret ? await sha256Hex(clientSecret) : null,
    redirectUris: JSON.stringify(input.redirectUris),
    postLogoutRedirectUris: JSON.stringify(input.postLogoutRedirectUris ?? []),
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    resourceServerFor: await registeredClientIds(deps, input.resourceServerFor ?? []),
    scopes: JSON.stringify(input.scopes),
    firstParty: input.firstParty,
    createdAt: now,
    updatedAt: now,
    secretRotatedAt: null,
    disabledAt: null,
  };
  await insertClientQuery(deps.db, record);
  await audit(deps, admin, "oauth_client.created", record.id);
  return { client: toClientView(record), ...(clientSecret ? { clientSecret } : {}) };
}

const CursorSchema = z.object({ id: z.string() });

export async function listClients(deps: Deps, page: { limit: number; cursor?: string }): Promise<Page<ClientView>> {
  const after = decodeCursor(page.cursor, CursorSchema);
  const rows = await listClientRecords(deps.db, page.limit, after?.id);
  return keysetPage(rows, page.limit, toClientView, (last) => ({ id: last.id }));
}

const clientNotFound = () => new ApiError(404, "oauth_client_not_found", "No OAuth client has this id");

export async function getClient(deps: Deps, clientId: string): Promise<ClientView> {
  const client = await findClient(deps.db, clientId);
  if (!client) throw clientNotFound();
  return toClientView(client);
}

export async function updateClient(deps: Deps, admin: ClientAdmin, clientId: string, patch: ClientPatch): Promise<ClientView> {
  const updated = await updateClientRecord(
    deps.db,
    clientId,
    {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.redirectUris !== undefined ? { redirectUris: JSON.stringify(patch.redirectUris) } : {}),
      ...(patch.postLogoutRedirectUris !== undefined ? { postLogoutRedirectUris: JSON.stringify(patch.postLogoutRedirectUris) } : {}),
      ...(patch.backchannelLogoutUri !== undefined ? { backchannelLogoutUri: patch.backchannelLogoutUri } : {}),
      ...(patch.resourceServerFor !== undefined ? { resourceServerFor: await registeredClientIds(deps, patch.resourceServerFor) } : {}),
      ...(patch.scopes !== undefined ? { scopes: JSON.stringify(patch.scopes) } : {}),
      ...(patch.firstParty !== undefined ? { firstParty: patch.firstParty } : {}),
    },
    deps.clock.date(),
  );
  if (!updated) throw clientNotFound();
  await audit(deps, admin, "oauth_client.updated", clientId);
  return toClientView(updated);
}

/** Disabling a client stops it at once: its codes, tokens and sign-ins are refused while it is disabled. */
export async function setClientDisabled(deps: Deps, admin: ClientAdmin, clientId: string, disabled: boolean): Promise<ClientView> {
  const now = deps.clock.date();
  const updated = await updateClientRecord(deps.db, clientId, { disabledAt: disabled ? now : null }, now);
  if (!updated) throw clientNotFound();
  await audit(deps, admin, disabled ? "oauth_client.disabled" : "oauth_client.enabled", clientId);
  return toClientView(updated);
}

/**
 * Deletes a client for good: every grant, code, authorization and token it had goes with it, so
 * its tokens introspect as inactive and its users see it no more among their connected apps.
 */
export async function deleteClient(deps: Deps, admin: ClientAdmin, clientId: string): Promise<void> {
  if (!(await deleteClientRecord(deps.db, clientId))) throw clientNotFound();
  await audit(deps, admin, "oauth_client.deleted", clientId);
}

/** A new secret for a confidential client; the old one stops working at once. */
export async function rotateClientSecret(deps: Deps, admin: ClientAdmin, clientId: string): Promise<{ client: ClientView; clientSecret: string }> {
  const client = await findClient(deps.db, clientId);
  if (!client) throw clientNotFound();
  if (client.type !== "confidential") throw new ApiError(409, "invalid_client_type", "A public client has no secret to rotate");
  const clientSecret = newSecret();
  const now = deps.clock.date();
  const updated = await updateClientRecord(deps.db, clientId, { secretHash: await sha256Hex(clientSecret), secretRotatedAt: now }, now);
  await audit(deps, admin, "oauth_client.secret_rotated", clientId);
  return { client: toClientView(updated ?? client), clientSecret };
}

/** The credentials a request to the token, revocation or introspection endpoint carries (RFC 6749 2.3.1). */
export interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
  /** Both the header and the body carried credentials, which RFC 6749 2.3 forbids. */
  ambiguous: boolean;
}

export function clientCredentialsOf(authorization: string | undefined, form: Record<string, string>): ClientCredentials {
  const bodyId = form.client_id ?? null;
  const bodySecret = form.client_secret ?? null;
  const basic = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (basic?.[1]) {
    let decoded: string;
    try {
      decoded = atob(basic[1]);
    } catch {
      return { clientId: null, clientSecret: null, ambiguous: false };
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return { clientId: null, clientSecret: null, ambiguous: false };
    // RFC 6749 2.3.1: both parts are form-urlencoded before they are joined.
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        return part;
      }
    };
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)), ambiguous: bodySecret !== null };
  }
  return { clientId: bodyId, clientSecret: bodySecret, ambiguous: false };
}

/**
 * The client a protocol request comes from: a confidential client must present its secret
 * (client_secret_basic or client_secret_post); a public client only names itself. A disabled or
 * unknown client, or a wrong secret, is `invalid_client`.
 */
export async function authenticateClient(deps: Deps, credentials: ClientCredentials): Promise<OAuthClientRecord> {
  if (credentials.ambiguous) throw invalidClient("Send the client credentials in one place only");
  if (!credentials.clientId || credentials.clientId.length > 200) throw invalidClient();
  const client = await findClient(deps.db, credentials.clientId);
  if (!client || client.disabledAt) throw invalidClient();
  if (client.type === "confidential") {
    if (!credentials.clientSecret || credentials.clientSecret.length > 200 || !client.secretHash) throw invalidClient();
    if ((await sha256Hex(credentials.clientSecret)) !== client.secretHash) throw invalidClient();
  } else if (credentials.clientSecret) {
    throw invalidClient("A public client has no secret");
  }
  return client;
}
