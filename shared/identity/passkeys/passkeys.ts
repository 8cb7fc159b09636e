import type { Deps } from "../../platform/deps-types";
import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { badRequest, conflict, notFound } from "../../http/errors";
import { base64url, newId } from "../../ids";
import { recordAuditEvent } from "../audit/events";
import { findUserById } from "../account/users";
import { confirmPassword } from "../credentials/password-checks";
import type { ClientInfo } from "../sessions/client-info";
import { CHALLENGE_TTL_MS, rememberChallenge, takeChallenge } from "./challenges";
import { countPasskeys, deletePasskeyRecord, insertPasskeyWithinCap, listPasskeyRecords, type PasskeyRecord, renamePasskeyRecord } from "./records";

/** Enough for every device a person owns; a bound keeps the allowCredentials list of a second factor small. */
export const MAX_PASSKEYS_PER_USER = 20;

export interface PasskeyView {
  id: string;
  name: string;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

export function transportsOf(row: Pick<PasskeyRecord, "transports">): string[] {
  try {
    const parsed = JSON.parse(row.transports) as unknown;
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

function toView(row: PasskeyRecord): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    transports: transportsOf(row),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Options for `navigator.credentials.create()`. Needs the current password, as 2FA setup does: a
 * passkey signs in on its own, so a stolen access token must not be able to add one.
 */
export async function startPasskeyRegistration(
  deps: Deps,
  userId: string,
  password: string,
  client: ClientInfo,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await confirmPassword(deps, userId, password, client, "passkey.add");
  const user = await findUserById(deps.db, userId);
  if (!user) throw notFound("User not found");
  const existing = await listPasskeyRecords(deps.db, userId);
  if (existing.length >= MAX_PASSKEYS_PER_USER) throw conflict("too_many_passkeys", `An account can have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
  const { rpId, rpName } = deps.config.passkeys;
  const options = await generateRegistrationOptions({
    rpName,
    rpID: rpId,
    userName: user.email,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    userDisplayName: user.displayName,
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    // The authenticator is asked not to make a second credential for this account.
    excludeCredentials: existing.map((row) => ({ id: row.credentialId, transports: transportsOf(row) })),
    // Discoverable, so the credential can sign in without an e-mail typed first (conditional UI).
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  await rememberChallenge(deps, options.challenge, "registration", userId);
  return options;
}

function defaultName(deviceType: string, count: number): string {
  return `${deviceType === "multiDevice" ? "Synced passkey" : "Passkey"} ${count + 1}`;
}

/** Verifies the authenticator's answer to a registration challenge of this user and stores the passkey. */
export async function finishPasskeyRegistration(
  deps: Deps,
  userId: string,
  response: RegistrationResponseJSON,
  name: string | undefined,
  client: ClientInfo,
): Promise<PasskeyView> {
  const taken = await takeChallenge(deps, response.response.clientDataJSON, ["registration"]);
  // Another user's challenge is as good as none: it says nothing about this account.
  if (taken.userId !== userId) throw badRequest("invalid_challenge", "This passkey prompt expired or was already used; start again");
  const { rpId, origins } = deps.config.passkeys;
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: taken.challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: false,
    });
  } catch (error) {
    throw badRequest("invalid_webauthn_response", `The authenticator's answer does not verify: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!verification.verified) throw badRequest("invalid_webauthn_response", "The authenticator's answer does not verify");
  const info = verification.registrationInfo;
  const db = deps.db;
  // Only names the passkey ("Passkey 3"); the cap is counted inside the insert.
  const count = await countPasskeys(db, userId);
  const now = deps.clock.date();
  const row = await insertPasskeyWithinCap(
    db,
    {
      id: newId(now.getTime()),
      userId,
      credentialId: info.credential.id,
      publicKey: base64url(info.credential.publicKey),
      counter: info.credential.counter,
      transports: JSON.stringify(info.credential.transports ?? response.response.transports ?? []),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
      name: name ?? defaultName(info.credentialDeviceType, count),
      createdAt: now,
    },
    MAX_PASSKEYS_PER_USER,
  );
  if (row === "full") throw conflict("too_many_passkeys", `An account can have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
  if (row === "exists") throw conflict("passkey_exists", "This passkey is registered already");
  await recordAuditEvent(db, { userId, type: "passkey.added", client, detail: { passkeyId: row.id, name: row.name } });
  return toView(row);
}

export async function listPasskeys(deps: Deps, userId: string): Promise<PasskeyView[]> {
  return (await listPasskeyRecords(deps.db, userId)).map(toView);
}

/** Someone else's passkey answers like a missing one: 404. */
export async function renamePasskey(deps: Deps, userId: string, id: string, name: string, client: ClientInfo): Promise<PasskeyView> {
  const row = await renamePasskeyRecord(deps.db, userId, id, name);
  if (!row) throw notFound("No such passkey");
  await recordAuditEvent(deps.db, { userId, type: "passkey.renamed", client, detail: { passkeyId: id, name } });
  return toView(row);
}

export async function deletePasskey(deps: Deps, userId: string, id: string, client: ClientInfo): Promise<void> {
  const row = await deletePasskeyRecord(deps.db, userId, id);
  if (!row) throw notFound("No such passkey");
  await recordAuditEvent(deps.db, { userId, type: "passkey.deleted", client, detail: { passkeyId: id, name: row.name } });
}
