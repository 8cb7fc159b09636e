import type { Deps } from "../../platform/deps-types";
import { type BatchQuery, runBatch } from "../../db/client";
import { ApiError, notFound } from "../../http/errors";
import { newId, randomToken, sha256Hex } from "../../ids";
import { accessTokenTtlSeconds, issueAccessToken } from "../tokens/access-tokens";
import { auditEventQuery, recordAuditEvent } from "../audit/events";
import type { PublicUser } from "../account/users";
import type { ClientInfo } from "./client-info";
import { afterSessionsEnded } from "./session-sockets";
import { seal, unseal } from "../tokens/sealing";
import {
  findRefreshToken,
  insertRefreshTokenQuery,
  insertSessionQuery,
  listActiveSessionRecords,
  refreshTokenUnspent,
  revokeAllSessionsQuery,
  revokeSessionByIdQuery,
  revokeUserSession,
  rotationQueries,
  type SessionRecord,
} from "./records";
import { metrics } from "../../observability/metrics";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** What signing in answers: the tokens and the user (login, registration, the second factor). */
export interface AuthResult extends TokenPair {
  user: PublicUser;
}

async function pairFor(deps: Deps, userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
  return {
    accessToken: await issueAccessToken(deps, userId, sessionId),
    refreshToken,
    expiresIn: accessTokenTtlSeconds(deps),
    sessionId,
  };
}

/** A new session (one per login) and its first token pair; `extra` queries commit in the same batch. */
export async function startSession(deps: Deps, userId: string, client: ClientInfo, extra: BatchQuery[] = []): Promise<TokenPair> {
  const db = deps.db;
  const now = deps.clock.now();
  const sessionId = newId(now);
  const refreshToken = randomToken(32);
  const expiresAt = new Date(now + deps.config.tokens.refreshTokenTtlMs);
  await runBatch(db, [
    insertSessionQuery(db, {
      id: sessionId,
      userId,
      userAgent: client.userAgent,
      ip: client.ip,
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
      expiresAt,
    }),
    insertRefreshTokenQuery(db, { id: newId(now), sessionId, tokenHash: await sha256Hex(refreshToken), createdAt: new Date(now), expiresAt }),
    ...extra,
  ]);
  return pairFor(deps, userId, sessionId, refreshToken);
}

const invalidRefreshToken = () => new ApiError(401, "invalid_refresh_token", "Refresh token is invalid or expired");

/**
 * Spends `refreshToken` and returns its successor pair. The spend is a compare-and-set, so of
 * two concurrent refreshes exactly one creates the successor; the other, within the grace
 * window, receives that same successor (tabs racing). A spent token presented after the grace
 * is a stolen-token signal: the whole session is revoked (RFC 9700 section 4.14.2).
 */
export async function rotateRefreshToken(deps: Deps, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const db = deps.db;
  const tokenHash = await sha256Hex(refreshToken);
  let record = await findRefreshToken(db, tokenHash);
  const now = deps.clock.now();
  if (!record || record.sessionRevokedAt !== null || record.userDisabledAt !== null) throw invalidRefreshToken();
  if (record.token.expiresAt.getTime() <= now || record.sessionExpiresAt.getTime() <= now) throw invalidRefreshToken();

  if (record.token.spentAt === null) {
    const successor = randomToken(32);
    const [spend] = await db.batch(
      rotationQueries(db, {
        spent: record.token,
        successor: {
          id: newId(now),
          sessionId: record.token.sessionId,
          tokenHash: await sha256Hex(successor),
          createdAt: new Date(now),
          expiresAt: new Date(now + deps.config.tokens.refreshTokenTtlMs),
        },
        successorSealed: await seal(successor, refreshToken),
        now: new Date(now),
        client,
      }),
    );
    if (spend.length === 1) return pairFor(deps, record.userId, record.token.sessionId, successor);
    record = await findRefreshToken(db, tokenHash);
    if (!record || record.token.spentAt === null) throw invalidRefreshToken();
  }

  const { spentAt, successorId, successorSealed, sessionId } = record.token;
  if (now - spentAt.getTime() <= deps.config.tokens.refreshReuseGraceMs && successorSealed && successorId) {
    const successor = await unseal(successorSealed, refreshToken);
    if (successor && (await refreshTokenUnspent(db, successorId))) return pairFor(deps, record.userId, sessionId, successor);
  }

  await db.batch([
    revokeSessionByIdQuery(db, sessionId, "refresh_token_reused", new Date(now)),
    auditEventQuery(db, {
      userId: record.userId,
      type: "refresh_token.reused",
      client,
      detail: { sessionId, spentAt: spentAt.toISOString() },
    }),
  ]);
  await afterSessionsEnded(deps, record.userId, [sessionId]);
  metrics.count("identity_refresh_reuse_total", {});
  throw new ApiError(401, "token_reused", "This refresh token was already used; the session has been revoked");
}

/**
 * Every way a session ends goes through `endSession` or `endSessions`: the revocation is written
 * to D1 first (so its tokens stop working), then every socket the session opened is closed.
 */
export async function endSession(deps: Deps, userId: string, sessionId: string, reason: string): Promise<boolean> {
  if (!(await revokeSession(deps, userId, sessionId, reason))) return false;
  await afterSessionsEnded(deps, userId, [sessionId]);
  return true;
}

/** Ends every session of `userId` but `keep`, with `extra` queries in the same batch; returns how many ended. */
export async function endSessions(deps: Deps, userId: string, reason: string, options: { keep?: string; extra?: BatchQuery[] } = {}): Promise<number> {
  const db = deps.db;
  const [revoked] = await db.batch([revokeAllSessionsQuery(db, userId, reason, deps.clock.date(), options.keep), ...(options.extra ?? [])]);
  await afterSessionsEnded(
    deps,
    userId,
    revoked.map((session) => session.id),
  );
  return revoked.length;
}

/** Ends one session of `userId` in D1 only; false when the user has no such session. Use `endSession`. */
export async function revokeSession(deps: Deps, userId: string, sessionId: string, reason: string): Promise<boolean> {
  return revokeUserSession(deps.db, userId, sessionId, reason, deps.clock.date());
}

export async function listActiveSessions(deps: Deps, userId: string): Promise<SessionRecord[]> {
  return listActiveSessionRecords(deps.db, userId, deps.clock.date());
}

/** POST /logout: the caller's session ends, its tokens and sockets with it. */
export async function logout(deps: Deps, userId: string, sessionId: string, client: ClientInfo): Promise<void> {
  await endSession(deps, userId, sessionId, "logout");
  await recordAuditEvent(deps.db, { userId, type: "logout", client, detail: { sessionId } });
}

/** POST /logout-all: every session of the user ends. */
export async function logoutEverywhere(deps: Deps, userId: string, client: ClientInfo): Promise<void> {
  await endSessions(deps, userId, "logout_all");
  await recordAuditEvent(deps.db, { userId, type: "logout.all", client });
}

/** DELETE /sessions/{id}: ends one of the user's own sessions, or 404 when there is no such live session. */
export async function endOwnSession(deps: Deps, userId: string, sessionId: string, client: ClientInfo): Promise<void> {
  if (!(await endSession(deps, userId, sessionId, "revoked_by_user"))) throw notFound("No such active session");
  await recordAuditEvent(deps.db, { userId, type: "session.revoked", client, detail: { sessionId } });
}
