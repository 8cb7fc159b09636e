import type { Deps } from "../../platform/deps-types";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import { ApiError, conflict } from "../../http/errors";
import { fromBase64url } from "../../ids";
import { enforceRateLimit } from "../../rate-limits";
import { reserveSecretAttempt, type SecretAttempt } from "../../secret-attempts";
import { rememberDevice } from "../account/new-device";
import { findUserById, toPublicUser } from "../account/users";
import { loginRequiresVerifiedEmail } from "../account/verified-email-policy";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import { clearLockoutQuery } from "../credentials/lockout";
import type { ClientInfo } from "../sessions/client-info";
import { type AuthResult, startSession } from "../sessions/sessions";
import { consumeOneTimeToken, peekOneTimeToken } from "../tokens/one-time-tokens";
import { CHALLENGE_TTL_MS, rememberChallenge, takeChallenge } from "./challenges";
import { transportsOf } from "./passkeys";
import { advancePasskeyCounter, findPasskeyByCredentialId, listPasskeyRecords, type PasskeyRecord } from "./records";

const invalidPasskey = () => new ApiError(401, "invalid_passkey", "This passkey could not sign you in");
const invalidMfaToken = () => new ApiError(401, "invalid_mfa_token", "The sign-in attempt expired or was already completed; log in again");

/**
 * Options for `navigator.credentials.get()`. Without `mfaToken` it is a first-factor sign-in:
 * no allowCredentials, so the browser offers every passkey it has for this site (conditional UI
 * in the username field, or a picker), and user verification is required, since the passkey is
 * then the only factor. With the `mfaToken` of a password that was right, it is the second
 * factor: the options list that account's passkeys.
 */
export async function startPasskeyLogin(deps: Deps, mfaToken: string | undefined, client: ClientInfo): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // Every options call stores a challenge row: an unauthenticated write, so it is limited per IP.
  await enforceRateLimit(deps, `passkey-options:ip:${client.ip ?? "unknown"}`, deps.config.rateLimits.loginPerIp);
  const { rpId } = deps.config.passkeys;
  if (mfaToken === undefined) {
    const options = await generateAuthenticationOptions({ rpID: rpId, userVerification: "required", timeout: CHALLENGE_TTL_MS });
    await rememberChallenge(deps, options.challenge, "login", null);
    return options;
  }
  const pending = await peekOneTimeToken(deps.db, mfaToken, "mfa_login");
  if (!pending) throw invalidMfaToken();
  const passkeys = await listPasskeyRecords(deps.db, pending.userId);
  if (passkeys.length === 0) throw conflict("no_passkeys", "This account has no passkey; use a code from your authenticator app or a backup code");
  const options = await generateAuthenticationOptions({
    rpID: rpId,
    userVerification: "preferred",
    timeout: CHALLENGE_TTL_MS,
    allowCredentials: passkeys.map((row) => ({ id: row.credentialId, transports: transportsOf(row) })),
  });
  await rememberChallenge(deps, options.challenge, "mfa", pending.userId);
  return options;
}

/** Verifies the assertion's signature, then its counter; on any failure the attempt keeps its slot. */
async function verifyAssertion(
  deps: Deps,
  passkey: PasskeyRecord,
  response: AuthenticationResponseJSON,
  challenge: string,
  requireUserVerification: boolean,
  attempt: SecretAttempt,
  client: ClientInfo,
): Promise<void> {
  const { rpId, origins } = deps.config.passkeys;
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      // The counter is checked below, with a compare-and-set, rather than by the library.
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(fromBase64url(passkey.publicKey)), counter: 0, transports: transportsOf(passkey) },
      requireUserVerification,
    });
    if (!verification.verified) throw new Error("signature does not verify");
    newCounter = verification.authenticationInfo.newCounter;
  } catch (error) {
    await attempt.failed();
    await recordAuditEvent(deps.db, {
      userId: passkey.userId,
      type: "login.failed",
      client,
      detail: { reason: "passkey_invalid", passkeyId: passkey.id, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" },
    });
    throw invalidPasskey();
  }
  // A counter that does not move up means a second copy of the key exists (W3C WebAuthn 6.1.1):
  // refused, and recorded where the owner sees it. Authenticators that never count stay at 0.
  const moves = newCounter > passkey.counter || (newCounter === 0 && passkey.counter === 0);
  if (!moves || !(await advancePasskeyCounter(deps.db, passkey.id, passkey.counter, newCounter, deps.clock.date()))) {
    await attempt.failed();
    await recordAuditEvent(deps.db, {
      userId: passkey.userId,
      type: "passkey.counter_regressed",
      client,
      detail: { passkeyId: passkey.id, name: passkey.name, storedCounter: passkey.counter, presentedCounter: newCounter },
    });
    throw invalidPasskey();
  }
  await attempt.succeeded();
}

/**
 * Finishes a passkey sign-in, first or second factor (the challenge says which), and starts a
 * session exactly as a password login does. Order matters: the per-IP login limit, then the
 * challenge is spent, then the account's attempt slot is taken, and only then is the signature
 * checked.
 */
export async function finishPasskeyLogin(
  deps: Deps,
  response: AuthenticationResponseJSON,
  mfaToken: string | undefined,
  client: ClientInfo,
): Promise<AuthResult> {
  const db = deps.db;
  await enforceRateLimit(deps, `login:ip:${client.ip ?? "unknown"}`, deps.config.rateLimits.loginPerIp);
  const taken = await takeChallenge(deps, response.response.clientDataJSON, ["login", "mfa"]);
  const secondFactor = taken.purpose === "mfa";
  if (secondFactor) {
    const pending = mfaToken === undefined ? null : await peekOneTimeToken(db, mfaToken, "mfa_login");
    if (!pending || pending.userId !== taken.userId) throw invalidMfaToken();
  }

  const passkey = await findPasskeyByCredentialId(db, response.id);
  if (!passkey || (secondFactor && passkey.userId !== taken.userId)) {
    await recordAuditEvent(db, { userId: taken.userId, type: "login.failed", client, detail: { reason: "unknown_passkey" } });
    throw invalidPasskey();
  }
  const reserved = secondFactor
    ? await reserveSecretAttempt(
        deps,
        `mfa-failures:user:${passkey.userId}`,
        deps.config.rateLimits.mfaFailuresPerUser,
        "Too many failed second factors; try again later",
      )
    : await reserveSecretAttempt(
        deps,
        `passkey-failures:user:${passkey.userId}`,
        deps.config.rateLimits.passkeyFailuresPerUser,
        "Too many failed passkey sign-ins; try again later",
      );
  if (!reserved.ok) throw reserved.error;
  await verifyAssertion(deps, passkey, response, taken.challenge, !secondFactor, reserved.attempt, client);

  const user = await findUserById(db, passkey.userId);
  if (!user) throw invalidPasskey();
  if (user.disabledAt) {
    await recordAuditEvent(db, { userId: user.id, type: "login.failed", client, detail: { reason: "account_disabled" } });
    throw new ApiError(403, "account_disabled", "This account has been disabled");
  }
  if (!secondFactor && loginRequiresVerifiedEmail(deps) && !user.emailVerified) {
    await recordAuditEvent(db, { userId: user.id, type: "login.failed", client, detail: { reason: "email_not_verified" } });
    throw new ApiError(403, "email_not_verified", "Verify your e-mail address before logging in");
  }
  if (secondFactor && !(mfaToken !== undefined && (await consumeOneTimeToken(db, mfaToken, "mfa_login")))) throw invalidMfaToken();

  const detail = secondFactor ? { mfa: "passkey", passkeyId: passkey.id } : { method: "passkey", passkeyId: passkey.id };
  const tokens = await startSession(deps, user.id, client, [
    auditEventQuery(db, { userId: user.id, type: "login.succeeded", client, detail }),
    clearLockoutQuery(db, user.id),
  ]);
  await rememberDevice(deps, user, client);
  return { ...tokens, user: toPublicUser(user) };
}
