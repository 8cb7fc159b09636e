import type { Deps } from "../../platform/deps-types";
import { Secret, TOTP } from "otpauth";
import { renderSVG } from "uqr";
import { clock } from "../../clock";
import type { Database } from "../../db/client";
import { ApiError, conflict, notFound } from "../../http/errors";
import { newId, sha256Hex } from "../../ids";
import { beginSecretAttempt, type SecretAttempt } from "../../secret-attempts";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { findUserById } from "../account/users";
import { confirmPassword } from "../credentials/password-checks";
import {
  advanceTotpStep,
  countUnusedBackupCodes,
  disableTotpQueries,
  enableTotpQueries,
  findEnabledTotpCredential,
  findTotpCredential,
  savePendingTotpSecret,
  spendBackupCode,
} from "./records";

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30 s steps, +-1 step of drift. */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_WINDOW = 1;
const BACKUP_CODE_COUNT = 10;

function totpFor(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/**
 * Creates (or replaces) a not yet enabled TOTP secret; 2FA only turns on once a code proves the
 * app has it. Needs the current password: a stolen access token alone must not be able to put
 * the account behind a second factor its owner does not have.
 */
export async function setupTotp(deps: Deps, userId: string, password: string, client: ClientInfo): Promise<TotpSetup> {
  await confirmPassword(deps, userId, password, client, "2fa.setup");
  const db = deps.db;
  const user = await findUserById(db, userId);
  if (!user) throw notFound("User not found");
  const existing = await findTotpCredential(db, userId);
  if (existing?.enabledAt) throw conflict("totp_already_enabled", "Two-factor authentication is already on; disable it first");
  const secret = new Secret({ size: 20 }).base32;
  await savePendingTotpSecret(db, userId, secret, deps.clock.date());
  const otpauthUrl = totpFor(secret, user.email, deps.config.email.totpIssuer).toString();
  return { secret, otpauthUrl, qrSvg: renderSVG(otpauthUrl, { ecc: "M", border: 2 }) };
}

/** One attempt at a 2FA code of a user: its slot is taken before the code is checked; past the limit every attempt is 429. */
function beginCodeAttempt(deps: Deps, userId: string): Promise<SecretAttempt> {
  return beginSecretAttempt(deps, `mfa-failures:user:${userId}`, deps.config.rateLimits.mfaFailuresPerUser, "Too many wrong codes; try again later");
}

/**
 * Accepts a TOTP code at most once: the matched time step must be above the last accepted one,
 * and moving `last_used_step` is a compare-and-set, so two requests racing with one code
 * cannot both win.
 */
async function acceptTotpCode(db: Database, userId: string, secret: string, code: string, requireEnabled: boolean): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const timestamp = clock.now();
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    timestamp,
    window: TOTP_WINDOW,
  });
  if (delta === null) return false;
  const step = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
  return advanceTotpStep(db, userId, secret, step, requireEnabled);
}

/** Crockford base32: no i, l, o, u, so codes survive being read aloud or copied by hand. */
const BACKUP_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** 10 characters of base32, 50 bits: shown as "xxxxx-xxxxx". */
function newBackupCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const raw = Array.from(bytes, (b) => BACKUP_CODE_ALPHABET[b & 31]).join("");
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

function normalizeBackupCode(code: string): string {
  return code.trim().toLowerCase().replace(/[\s-]/g, "");
}

/** Turns 2FA on with a first valid code; returns 10 single-use backup codes (only their hashes are kept). */
export async function enableTotp(deps: Deps, userId: string, code: string, client: ClientInfo): Promise<string[]> {
  const db = deps.db;
  const credential = await findTotpCredential(db, userId);
  if (!credential) throw conflict("totp_not_set_up", "Call /2fa/totp/setup first");
  if (credential.enabledAt) throw conflict("totp_already_enabled", "Two-factor authentication is already on");
  const attempt = await beginCodeAttempt(deps, userId);
  if (!(await acceptTotpCode(db, userId, credential.secret, code, false))) {
    await attempt.failed();
    throw new ApiError(400, "invalid_code", "The code is wrong or expired", { errors: [{ path: "code", message: "Wrong code" }] });
  }
  await attempt.succeeded();
  const now = deps.clock.now();
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  const hashes = await Promise.all(codes.map(async (c) => ({ id: newId(now), codeHash: await sha256Hex(normalizeBackupCode(c)) })));
  await db.batch([
    ...enableTotpQueries(db, userId, hashes, new Date(now)),
    auditEventQuery(db, { userId, type: "2fa.enabled", client, detail: { method: "totp" } }),
  ]);
  return codes;
}

/** Turns 2FA off (password required); the secret and backup codes are deleted. */
export async function disableTotp(deps: Deps, userId: string, password: string, client: ClientInfo): Promise<void> {
  await confirmPassword(deps, userId, password, client, "2fa.disable");
  const db = deps.db;
  const [removed] = await db.batch(disableTotpQueries(db, userId));
  if (removed.length !== 1) throw conflict("totp_not_enabled", "Two-factor authentication is not on");
  await auditEventQuery(db, { userId, type: "2fa.disabled", client, detail: { method: "totp" } }).run();
}

export async function totpEnabled(db: Database, userId: string): Promise<boolean> {
  return (await findEnabledTotpCredential(db, userId)) !== undefined;
}

/**
 * Checks a second factor at login: a 6-digit TOTP code (each accepted once) or a backup code
 * (each usable once). Every attempt takes a slot of the per-user limit before the code is
 * checked; a right code gives it back. Returns the method used.
 */
export async function verifySecondFactor(deps: Deps, userId: string, code: string): Promise<"totp" | "backup_code"> {
  const attempt = await beginCodeAttempt(deps, userId);
  const db = deps.db;
  const credential = await findEnabledTotpCredential(db, userId);
  if (credential) {
    if (await acceptTotpCode(db, userId, credential.secret, code.trim(), true)) {
      await attempt.succeeded();
      return "totp";
    }
    const normalized = normalizeBackupCode(code);
    if (/^[a-z0-9]{10}$/.test(normalized) && (await spendBackupCode(db, userId, await sha256Hex(normalized), deps.clock.date()))) {
      await attempt.succeeded();
      return "backup_code";
    }
  }
  await attempt.failed();
  throw new ApiError(401, "invalid_mfa_code", "The code is wrong, expired or already used");
}

export async function remainingBackupCodes(db: Database, userId: string): Promise<number> {
  return countUnusedBackupCodes(db, userId);
}
