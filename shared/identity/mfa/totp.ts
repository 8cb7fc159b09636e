import { Secret, TOTP } from "otpauth";
import { renderSVG } from "uqr";
import { clock } from "../../clock";
import type { Env } from "../../env";
import { ApiError, conflict } from "../../http/errors";
import { newId, sha256Hex } from "../../ids";
import { parseRateLimit, rateLimited, rateLimiter } from "../../rate-limits";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { confirmPassword } from "../credentials/password-checks";

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30 s steps, +-1 step of drift. */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_WINDOW = 1;
const BACKUP_CODE_COUNT = 10;
const CODE_FAILURES_DEFAULT = { limit: 5, windowSeconds: 300 };

function totpFor(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

function issuerName(env: Env): string {
  try {
    return new URL(env.APP_BASE_URL || env.JWT_ISSUER).host || "edge-platform";
  } catch {
    return "edge-platform";
  }
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** Creates (or replaces) a not yet enabled TOTP secret; 2FA only turns on once a code proves the app has it. */
export async function setupTotp(env: Env, userId: string, accountLabel: string): Promise<TotpSetup> {
  const existing = await env.DB.prepare("SELECT enabled_at FROM totp_credentials WHERE user_id = ?").bind(userId).first<{ enabled_at: number | null }>();
  if (existing?.enabled_at) throw conflict("totp_already_enabled", "Two-factor authentication is already on; disable it first");
  const secret = new Secret({ size: 20 }).base32;
  await env.DB.prepare(
    `INSERT INTO totp_credentials (user_id, secret, enabled_at, last_used_step, created_at) VALUES (?, ?, NULL, 0, ?)
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_used_step = 0, created_at = excluded.created_at
     WHERE totp_credentials.enabled_at IS NULL`,
  )
    .bind(userId, secret, clock.now())
    .run();
  const otpauthUrl = totpFor(secret, accountLabel, issuerName(env)).toString();
  return { secret, otpauthUrl, qrSvg: renderSVG(otpauthUrl, { ecc: "M", border: 2 }) };
}

/** Counts wrong 2FA codes per user; past the limit every attempt is 429 until the window passes. */
async function codeFailureBudget(env: Env, userId: string) {
  const limit = parseRateLimit(env.RATE_LIMIT_MFA_FAILURES_PER_USER, CODE_FAILURES_DEFAULT);
  const limiter = rateLimiter(env, `mfa-failures:user:${userId}`);
  const budget = await limiter.check(limit.limit, limit.windowSeconds);
  if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds, "Too many wrong codes; try again later");
  return () => limiter.record(limit.limit, limit.windowSeconds);
}

/**
 * Accepts a TOTP code at most once: the matched time step must be above the last accepted one,
 * and moving `last_used_step` is a compare-and-set, so two requests racing with one code
 * cannot both win.
 */
async function acceptTotpCode(db: D1Database, userId: string, secret: string, code: string, requireEnabled: boolean): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const timestamp = clock.now();
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, timestamp, window: TOTP_WINDOW });
  if (delta === null) return false;
  const step = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
  const result = await db
    .prepare(
      `UPDATE totp_credentials SET last_used_step = ? WHERE user_id = ? AND last_used_step < ? AND secret = ?
         AND enabled_at IS ${requireEnabled ? "NOT NULL" : "NULL"}`,
    )
    .bind(step, userId, step, secret)
    .run();
  return result.meta.changes === 1;
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
export async function enableTotp(env: Env, userId: string, code: string, client: ClientInfo): Promise<string[]> {
  const credential = await env.DB.prepare("SELECT secret, enabled_at FROM totp_credentials WHERE user_id = ?")
    .bind(userId)
    .first<{ secret: string; enabled_at: number | null }>();
  if (!credential) throw conflict("totp_not_set_up", "Call /2fa/totp/setup first");
  if (credential.enabled_at) throw conflict("totp_already_enabled", "Two-factor authentication is already on");
  const recordFailure = await codeFailureBudget(env, userId);
  if (!(await acceptTotpCode(env.DB, userId, credential.secret, code, false))) {
    await recordFailure();
    throw new ApiError(400, "invalid_code", "The code is wrong or expired", { errors: [{ path: "code", message: "Wrong code" }] });
  }
  const now = clock.now();
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  const insertCode = env.DB.prepare("INSERT INTO backup_codes (id, user_id, code_hash, created_at) VALUES (?, ?, ?, ?)");
  await env.DB.batch([
    env.DB.prepare("UPDATE totp_credentials SET enabled_at = ? WHERE user_id = ? AND enabled_at IS NULL").bind(now, userId),
    env.DB.prepare("DELETE FROM backup_codes WHERE user_id = ?").bind(userId),
    ...(await Promise.all(codes.map(async (c) => insertCode.bind(newId(now), userId, await sha256Hex(normalizeBackupCode(c)), now)))),
    auditEventStatement(env.DB, { userId, type: "2fa.enabled", client, detail: { method: "totp" } }),
  ]);
  return codes;
}

/** Turns 2FA off (password required); the secret and backup codes are deleted. */
export async function disableTotp(env: Env, userId: string, password: string, client: ClientInfo): Promise<void> {
  await confirmPassword(env, userId, password, client, "2fa.disable");
  const [removed] = await env.DB.batch([
    env.DB.prepare("DELETE FROM totp_credentials WHERE user_id = ? AND enabled_at IS NOT NULL").bind(userId),
    env.DB.prepare("DELETE FROM backup_codes WHERE user_id = ? AND NOT EXISTS (SELECT 1 FROM totp_credentials WHERE user_id = ?)").bind(userId, userId),
  ]);
  if (removed?.meta.changes !== 1) throw conflict("totp_not_enabled", "Two-factor authentication is not on");
  await auditEventStatement(env.DB, { userId, type: "2fa.disabled", client, detail: { method: "totp" } }).run();
}

export async function totpEnabled(db: D1Database, userId: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS on_ FROM totp_credentials WHERE user_id = ? AND enabled_at IS NOT NULL").bind(userId).first();
  return row !== null;
}

/**
 * Checks a second factor at login: a 6-digit TOTP code (each accepted once) or a backup code
 * (each usable once). Wrong codes count toward the per-user limit. Returns the method used.
 */
export async function verifySecondFactor(env: Env, userId: string, code: string): Promise<"totp" | "backup_code"> {
  const recordFailure = await codeFailureBudget(env, userId);
  const credential = await env.DB.prepare("SELECT secret FROM totp_credentials WHERE user_id = ? AND enabled_at IS NOT NULL")
    .bind(userId)
    .first<{ secret: string }>();
  if (credential) {
    if (await acceptTotpCode(env.DB, userId, credential.secret, code.trim(), true)) return "totp";
    const normalized = normalizeBackupCode(code);
    if (/^[a-z0-9]{10}$/.test(normalized)) {
      const used = await env.DB.prepare("UPDATE backup_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL")
        .bind(clock.now(), userId, await sha256Hex(normalized))
        .run();
      if (used.meta.changes === 1) return "backup_code";
    }
  }
  await recordFailure();
  throw new ApiError(401, "invalid_mfa_code", "The code is wrong, expired or already used");
}

export async function remainingBackupCodes(db: D1Database, userId: string): Promise<number> {
  const row = await db.prepare("SELECT COUNT(*) AS n FROM backup_codes WHERE user_id = ? AND used_at IS NULL").bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}
