import { clock } from "../../clock";
import { newId, randomToken, sha256Hex } from "../../ids";

export type OneTimeTokenPurpose = "email_verification" | "password_reset" | "mfa_login";

export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenPurpose, number> = {
  email_verification: 24 * 3600_000,
  password_reset: 30 * 60_000,
  mfa_login: 5 * 60_000,
};

export interface IssuedToken {
  token: string;
  /** Run these in one batch: they drop the user's older tokens of the purpose and store the new one. */
  statements: D1PreparedStatement[];
}

/**
 * A random 256-bit token; only its SHA-256 is stored. Issuing one cancels the user's earlier
 * unused tokens of the same purpose, so only the latest link works.
 */
export async function issueOneTimeToken(
  db: D1Database,
  userId: string,
  purpose: OneTimeTokenPurpose,
  context: Record<string, unknown> = {},
): Promise<IssuedToken> {
  const token = randomToken(32);
  const now = clock.now();
  return {
    token,
    statements: [
      db.prepare("DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = ? AND used_at IS NULL").bind(userId, purpose),
      db
        .prepare(
          "INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, context, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(newId(now), userId, purpose, await sha256Hex(token), JSON.stringify(context), now, now + ONE_TIME_TOKEN_TTL_MS[purpose]),
    ],
  };
}

export interface LiveToken {
  id: string;
  userId: string;
  context: Record<string, unknown>;
}

interface TokenRow {
  id: string;
  user_id: string;
  context: string;
}

function toLiveToken(row: TokenRow): LiveToken {
  let context: Record<string, unknown> = {};
  try {
    context = JSON.parse(row.context) as Record<string, unknown>;
  } catch {
    // a context that does not parse carries nothing
  }
  return { id: row.id, userId: row.user_id, context };
}

/** Reads an unused, unexpired token without spending it (to validate input before committing). */
export async function peekOneTimeToken(db: D1Database, token: string, purpose: OneTimeTokenPurpose): Promise<LiveToken | null> {
  const row = await db
    .prepare("SELECT id, user_id, context FROM one_time_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?")
    .bind(await sha256Hex(token), purpose, clock.now())
    .first<TokenRow>();
  return row ? toLiveToken(row) : null;
}

/** Spends a token (compare-and-set): of two concurrent uses exactly one gets it, the other null. */
export async function consumeOneTimeToken(db: D1Database, token: string, purpose: OneTimeTokenPurpose): Promise<LiveToken | null> {
  const now = clock.now();
  const row = await db
    .prepare(
      `UPDATE one_time_tokens SET used_at = ?
        WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
        RETURNING id, user_id, context`,
    )
    .bind(now, await sha256Hex(token), purpose, now)
    .first<TokenRow>();
  return row ? toLiveToken(row) : null;
}
