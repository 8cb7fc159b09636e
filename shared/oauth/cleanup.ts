import type { Deps } from "../platform/deps-types";
import { deleteExpiredCodesQuery, deleteExpiredTokensQuery, deleteSpentAuthorizationsQuery } from "./records";

/** A spent code is kept this long past its expiry, so presenting it again still revokes what it issued. */
export const CODE_RETENTION_MS = 86400_000;

/** Deletes expired codes and tokens, and the authorizations nothing is left of. */
export async function deleteExpiredOAuthRecords(deps: Deps, now: number): Promise<{ codes: number; tokens: number; authorizations: number }> {
  const db = deps.db;
  const [codes, tokens, authorizations] = await db.batch([
    deleteExpiredCodesQuery(db, new Date(now - CODE_RETENTION_MS)),
    deleteExpiredTokensQuery(db, new Date(now)),
    deleteSpentAuthorizationsQuery(db, new Date(now - CODE_RETENTION_MS)),
  ]);
  return { codes: codes.meta.changes, tokens: tokens.meta.changes, authorizations: authorizations.meta.changes };
}
