import { and, desc, eq, isNull, gt } from "drizzle-orm";
import { clock } from "../../clock";
import type { Database } from "../../db/client";
import { sessions } from "../../db/schema";
import type { Env } from "../../env";
import { ApiError } from "../../http/errors";
import { newId, randomToken, sha256Hex } from "../../ids";
import { accessTokenTtlSeconds, issueAccessToken } from "../tokens/access-tokens";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "./client-info";
import { seal, unseal } from "../tokens/sealing";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

function refreshTtlMs(env: Env): number {
  return (Number(env.REFRESH_TOKEN_TTL_SECONDS) || 30 * 86400) * 1000;
}

function reuseGraceMs(env: Env): number {
  return (Number(env.REFRESH_REUSE_GRACE_SECONDS) || 20) * 1000;
}

async function pairFor(env: Env, userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
  return {
    accessToken: await issueAccessToken(env, userId, sessionId),
    refreshToken,
    expiresIn: accessTokenTtlSeconds(env),
    sessionId,
  };
}

const insertRefreshToken = (db: D1Database) =>
  db.prepare("INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");

/** A new session (one per login) and its first token pair. */
export async function startSession(env: Env, userId: string, client: ClientInfo, extra: D1PreparedStatement[] = []): Promise<TokenPair> {
  const now = clock.now();
  const sessionId = newId(now);
  const refreshToken = randomToken(32);
  const expiresAt = now + refreshTtlMs(env);
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO sessions (id, user_id, user_agent, ip, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).bind(sessionId, userId, client.userAgent, client.ip, now, now, expiresAt),
    insertRefreshToken(env.DB).bind(newId(now), sessionId, await sha256Hex(refreshToken), now, expiresAt),
    ...extra,
  ]);
  return pairFor(env, userId, sessionId, refreshToken);
}

interface RefreshTokenRecord {
  id: string;
  session_id: string;
  user_id: string;
  expires_at: number;
  spent_at: number | null;
  successor_id: string | null;
  successor_sealed: string | null;
  session_revoked_at: number | null;
  session_expires_at: number;
  user_disabled_at: number | null;
}

async function readRefreshToken(db: D1Database, tokenHash: string): Promise<RefreshTokenRecord | null> {
  return db
    .prepare(
      `SELECT rt.id, rt.session_id, s.user_id, rt.expires_at, rt.spent_at, rt.successor_id, rt.successor_sealed,
              s.revoked_at AS session_revoked_at, s.expires_at AS session_expires_at, u.disabled_at AS user_disabled_at
         FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
        WHERE rt.token_hash = ?`,
    )
    .bind(tokenHash)
    .first<RefreshTokenRecord>();
}

const invalidRefreshToken = () => new ApiError(401, "invalid_refresh_token", "Refresh token is invalid or expired");

/**
 * Spends `refreshToken` and returns its successor pair. The spend is a compare-and-set, so of
 * two concurrent refreshes exactly one creates the successor; the other, within the grace
 * window, receives that same successor (tabs racing). A spent token presented after the grace
 * is a stolen-token signal: the whole session is revoked (RFC 9700 section 4.14.2).
 */
export async function rotateRefreshToken(env: Env, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const tokenHash = await sha256Hex(refreshToken);
  let record = await readRefreshToken(env.DB, tokenHash);
  const now = clock.now();
  if (!record || record.session_revoked_at !== null || record.user_disabled_at !== null) throw invalidRefreshToken();
  if (record.expires_at <= now || record.session_expires_at <= now) throw invalidRefreshToken();

  if (record.spent_at === null) {
    const successor = randomToken(32);
    const successorId = newId(now);
    const expiresAt = now + refreshTtlMs(env);
    const [spend] = await env.DB.batch([
      env.DB.prepare(
        "UPDATE refresh_tokens SET spent_at = ?, successor_id = ?, successor_sealed = ? WHERE id = ? AND spent_at IS NULL",
      ).bind(now, successorId, await seal(successor, refreshToken), record.id),
      env.DB.prepare(
        `INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at)
         SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM refresh_tokens WHERE id = ? AND successor_id = ?)`,
      ).bind(successorId, record.session_id, await sha256Hex(successor), now, expiresAt, record.id, successorId),
      env.DB.prepare(
        "UPDATE sessions SET last_used_at = ?, expires_at = ?, ip = COALESCE(?, ip), user_agent = COALESCE(?, user_agent) WHERE id = ?",
      ).bind(now, expiresAt, client.ip, client.userAgent, record.session_id),
    ]);
    if (spend?.meta.changes === 1) return pairFor(env, record.user_id, record.session_id, successor);
    record = await readRefreshToken(env.DB, tokenHash);
    if (!record || record.spent_at === null) throw invalidRefreshToken();
  }

  if (now - record.spent_at <= reuseGraceMs(env) && record.successor_sealed && record.successor_id) {
    const successor = await unseal(record.successor_sealed, refreshToken);
    const successorRow = await env.DB.prepare("SELECT spent_at FROM refresh_tokens WHERE id = ?")
      .bind(record.successor_id)
      .first<{ spent_at: number | null }>();
    if (successor && successorRow && successorRow.spent_at === null) {
      return pairFor(env, record.user_id, record.session_id, successor);
    }
  }

  await env.DB.batch([
    env.DB.prepare("UPDATE sessions SET revoked_at = ?, revoke_reason = 'refresh_token_reused' WHERE id = ? AND revoked_at IS NULL").bind(
      now,
      record.session_id,
    ),
    auditEventStatement(env.DB, {
      userId: record.user_id,
      type: "refresh_token.reused",
      client,
      detail: { sessionId: record.session_id, spentAt: new Date(record.spent_at).toISOString() },
    }),
  ]);
  throw new ApiError(401, "token_reused", "This refresh token was already used; the session has been revoked");
}

/** Ends one session of `userId`; false when the user has no such session. */
export async function revokeSession(db: D1Database, userId: string, sessionId: string, reason: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
    .bind(clock.now(), reason, sessionId, userId)
    .run();
  return result.meta.changes === 1;
}

/** Ends every session of `userId`, optionally keeping one (the caller's own). */
export function revokeAllSessionsStatement(db: D1Database, userId: string, reason: string, keepSessionId?: string): D1PreparedStatement {
  return db
    .prepare("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL AND id != ?")
    .bind(clock.now(), reason, userId, keepSessionId ?? "");
}

export async function listActiveSessions(db: Database, userId: string) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, clock.date())))
    .orderBy(desc(sessions.lastUsedAt));
}

export async function sessionBelongsToUser(db: D1Database, userId: string, sessionId: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS found FROM sessions WHERE id = ? AND user_id = ?").bind(sessionId, userId).first();
  return row !== null;
}
