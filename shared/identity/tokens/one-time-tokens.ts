import { clock } from "../../clock";
import type { BatchQuery, Database } from "../../db/client";
import { newId, randomToken, sha256Hex } from "../../ids";
import {
  deleteUnusedOneTimeTokensQuery,
  findLiveOneTimeToken,
  insertOneTimeTokenQuery,
  type OneTimeTokenPurpose,
  type OneTimeTokenRecord,
  spendOneTimeToken,
} from "./records";

export type { OneTimeTokenPurpose } from "./records";

export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenPurpose, number> = {
  email_verification: 24 * 3600_000,
  password_reset: 30 * 60_000,
  mfa_login: 5 * 60_000,
};

export interface IssuedToken {
  token: string;
  /** Run these in one batch: they drop the user's older tokens of the purpose and store the new one. */
  queries: BatchQuery[];
}

/**
 * A random 256-bit token; only its SHA-256 is stored. Issuing one cancels the user's earlier
 * unused tokens of the same purpose, so only the latest link works.
 */
export async function issueOneTimeToken(
  db: Database,
  userId: string,
  purpose: OneTimeTokenPurpose,
  context: Record<string, unknown> = {},
): Promise<IssuedToken> {
  const token = randomToken(32);
  const now = clock.now();
  return {
    token,
    queries: [
      deleteUnusedOneTimeTokensQuery(db, userId, [purpose]),
      insertOneTimeTokenQuery(db, {
        id: newId(now),
        userId,
        purpose,
        tokenHash: await sha256Hex(token),
        context: JSON.stringify(context),
        createdAt: new Date(now),
        expiresAt: new Date(now + ONE_TIME_TOKEN_TTL_MS[purpose]),
      }),
    ],
  };
}

export interface LiveToken {
  id: string;
  userId: string;
  context: Record<string, unknown>;
}

function toLiveToken(row: OneTimeTokenRecord): LiveToken {
  let context: Record<string, unknown> = {};
  try {
    context = JSON.parse(row.context) as Record<string, unknown>;
  } catch {
    // a context that does not parse carries nothing
  }
  return { id: row.id, userId: row.userId, context };
}

/** Reads an unused, unexpired token without spending it (to validate input before committing). */
export async function peekOneTimeToken(db: Database, token: string, purpose: OneTimeTokenPurpose): Promise<LiveToken | null> {
  const row = await findLiveOneTimeToken(db, await sha256Hex(token), purpose, clock.date());
  return row ? toLiveToken(row) : null;
}

/** Spends a token (compare-and-set): of two concurrent uses exactly one gets it, the other null. */
export async function consumeOneTimeToken(db: Database, token: string, purpose: OneTimeTokenPurpose): Promise<LiveToken | null> {
  const row = await spendOneTimeToken(db, await sha256Hex(token), purpose, clock.date());
  return row ? toLiveToken(row) : null;
}
