import type { Deps } from "../../platform/deps-types";
import { ApiError, badRequest } from "../../http/errors";
import { fromBase64url } from "../../ids";
import { insertPasskeyChallenge, type PasskeyPurpose, takePasskeyChallenge } from "./records";

/** How long a browser has to finish a ceremony; also the `timeout` the options carry. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

const invalidChallenge = () => new ApiError(400, "invalid_challenge", "This passkey prompt expired or was already used; start again");

/** Stores the challenge of options just generated, for `purpose` (and, when known, the user). */
export async function rememberChallenge(deps: Deps, challenge: string, purpose: PasskeyPurpose, userId: string | null): Promise<void> {
  const now = deps.clock.now();
  await insertPasskeyChallenge(deps.db, { challenge, purpose, userId, createdAt: new Date(now), expiresAt: new Date(now + CHALLENGE_TTL_MS) });
}

/** The challenge a WebAuthn response signed, read from its clientDataJSON; 400 when that is not readable. */
export function challengeOf(clientDataJSON: string): string {
  try {
    const clientData = JSON.parse(new TextDecoder().decode(fromBase64url(clientDataJSON))) as { challenge?: unknown };
    if (typeof clientData.challenge === "string" && clientData.challenge.length > 0 && clientData.challenge.length <= 512) return clientData.challenge;
  } catch {
    // falls through to the 400 below: clientDataJSON is not base64url JSON
  }
  throw badRequest("invalid_webauthn_response", "clientDataJSON is not a WebAuthn client data object with a challenge");
}

export interface TakenChallenge {
  challenge: string;
  purpose: PasskeyPurpose;
  userId: string | null;
}

/**
 * Spends the challenge a response answers before anything else is checked: it is deleted in the
 * same statement that reads it, so a replayed response (or two racing) finds nothing, and an
 * expired one is refused and gone. `purposes` are the ceremonies this endpoint finishes.
 */
export async function takeChallenge(deps: Deps, clientDataJSON: string, purposes: PasskeyPurpose[]): Promise<TakenChallenge> {
  const challenge = challengeOf(clientDataJSON);
  const row = await takePasskeyChallenge(deps.db, challenge);
  if (!row || row.expiresAt.getTime() <= deps.clock.now() || !purposes.includes(row.purpose)) throw invalidChallenge();
  return { challenge: row.challenge, purpose: row.purpose, userId: row.userId };
}
