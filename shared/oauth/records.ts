import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lte, notExists, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sessions, users } from "../db/schema/identity";
import { oauthAuthorizations, oauthClients, oauthCodes, oauthGrants, oauthTokens } from "../db/schema/oauth";

/** Every query of the OpenID Connect provider's tables. */

export type OAuthClientRecord = typeof oauthClients.$inferSelect;
export type OAuthCodeRecord = typeof oauthCodes.$inferSelect;
export type OAuthGrantRecord = typeof oauthGrants.$inferSelect;

// clients

export function insertClientQuery(db: Database, client: typeof oauthClients.$inferInsert) {
  return db.insert(oauthClients).values(client);
}

export async function findClient(db: Database, clientId: string): Promise<OAuthClientRecord | undefined> {
  return db.select().from(oauthClients).where(eq(oauthClients.id, clientId)).get();
}

/** Clients oldest first, `limit + 1` rows after `afterId` (keyset page). */
export async function listClientRecords(db: Database, limit: number, afterId?: string): Promise<OAuthClientRecord[]> {
  return db
    .select()
    .from(oauthClients)
    .where(afterId ? gt(oauthClients.id, afterId) : undefined)
    .orderBy(asc(oauthClients.id))
    .limit(limit + 1);
}

/** Deletes a client; its grants, codes, authorizations and tokens go with it (foreign keys cascade). */
export async function deleteClientRecord(db: Database, clientId: string): Promise<boolean> {
  const row = await db.delete(oauthClients).where(eq(oauthClients.id, clientId)).returning({ id: oauthClients.id }).get();
  return row !== undefined;
}

export async function updateClientRecord(
  db: Database,
  clientId: string,
  patch: Partial<
    Pick<
      OAuthClientRecord,
      | "name"
      | "redirectUris"
      | "postLogoutRedirectUris"
      | "backchannelLogoutUri"
      | "resourceServerFor"
      | "scopes"
      | "firstParty"
      | "disabledAt"
      | "secretHash"
      | "secretRotatedAt"
    >
  >,
  now: Date,
): Promise<OAuthClientRecord | undefined> {
  return db
    .update(oauthClients)
    .set({ ...patch, updatedAt: now })
    .where(eq(oauthClients.id, clientId))
    .returning()
    .get();
}

// grants (consent)

export async function findGrant(db: Database, userId: string, clientId: string): Promise<OAuthGrantRecord | undefined> {
  return db
    .select()
    .from(oauthGrants)
    .where(and(eq(oauthGrants.userId, userId), eq(oauthGrants.clientId, clientId)))
    .get();
}

/** Remembers the scopes a user granted a client (added to what was granted before). */
export function upsertGrantQuery(db: Database, userId: string, clientId: string, scopes: string[], now: Date) {
  return db
    .insert(oauthGrants)
    .values({ userId, clientId, scopes: JSON.stringify(scopes), createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [oauthGrants.userId, oauthGrants.clientId], set: { scopes: JSON.stringify(scopes), updatedAt: now } });
}

export function touchGrantQuery(db: Database, userId: string, clientId: string, now: Date) {
  return db
    .update(oauthGrants)
    .set({ lastUsedAt: now })
    .where(and(eq(oauthGrants.userId, userId), eq(oauthGrants.clientId, clientId)));
}

/** The user's grants with their clients, most recently used first. */
export async function listGrantsOfUser(db: Database, userId: string) {
  return db
    .select({ grant: oauthGrants, client: { id: oauthClients.id, name: oauthClients.name, firstParty: oauthClients.firstParty } })
    .from(oauthGrants)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientId))
    .where(eq(oauthGrants.userId, userId))
    .orderBy(desc(sql`COALESCE(${oauthGrants.lastUsedAt}, ${oauthGrants.createdAt})`));
}

export function deleteGrantQuery(db: Database, userId: string, clientId: string) {
  return db
    .delete(oauthGrants)
    .where(and(eq(oauthGrants.userId, userId), eq(oauthGrants.clientId, clientId)))
    .returning({ clientId: oauthGrants.clientId });
}

// codes

export function insertCodeQuery(db: Database, code: typeof oauthCodes.$inferInsert) {
  return db.insert(oauthCodes).values(code);
}

export async function findCode(db: Database, codeHash: string): Promise<OAuthCodeRecord | undefined> {
  return db.select().from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash)).get();
}

/** Spends a code (compare-and-set) and records the authorization its exchange starts: the first result is empty when the code was spent already. */
export function spendCodeQuery(db: Database, codeHash: string, authorizationId: string, now: Date) {
  return db
    .update(oauthCodes)
    .set({ usedAt: now, authorizationId })
    .where(and(eq(oauthCodes.codeHash, codeHash), isNull(oauthCodes.usedAt)))
    .returning({ codeHash: oauthCodes.codeHash });
}

// authorizations and tokens

export function insertAuthorizationQuery(db: Database, authorization: typeof oauthAuthorizations.$inferInsert) {
  return db.insert(oauthAuthorizations).values(authorization);
}

/**
 * Inserts an authorization only if the code spend of the same batch won (its authorization_id is
 * this one), so a losing concurrent exchange leaves nothing behind.
 */
export function insertAuthorizationForCodeQuery(db: Database, authorization: typeof oauthAuthorizations.$inferInsert & { id: string }, codeHash: string) {
  return db.insert(oauthAuthorizations).select(
    db
      .select({
        id: sql<string>`${authorization.id}`.as("id"),
        clientId: sql<string>`${authorization.clientId}`.as("client_id"),
        userId: sql<string | null>`${authorization.userId ?? null}`.as("user_id"),
        sessionId: sql<string | null>`${authorization.sessionId ?? null}`.as("session_id"),
        scope: sql<string>`${authorization.scope}`.as("scope"),
        createdAt: sql<number>`${authorization.createdAt.getTime()}`.as("created_at"),
        lastUsedAt: sql<number>`${authorization.lastUsedAt.getTime()}`.as("last_used_at"),
        revokedAt: sql<null>`NULL`.as("revoked_at"),
        revokeReason: sql<null>`NULL`.as("revoke_reason"),
        logoutNotifiedAt: sql<null>`NULL`.as("logout_notified_at"),
      })
      .from(oauthCodes)
      .where(and(eq(oauthCodes.codeHash, codeHash), eq(oauthCodes.authorizationId, authorization.id))),
  );
}

export function revokeAuthorizationQuery(db: Database, authorizationId: string, reason: string, now: Date) {
  return db
    .update(oauthAuthorizations)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(oauthAuthorizations.id, authorizationId), isNull(oauthAuthorizations.revokedAt)));
}

/** Every authorization a user gave a client (DELETE /v1/me/connected-apps/:clientId). */
export function revokeAuthorizationsOfUserClientQuery(db: Database, userId: string, clientId: string, reason: string, now: Date) {
  return db
    .update(oauthAuthorizations)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(oauthAuthorizations.userId, userId), eq(oauthAuthorizations.clientId, clientId), isNull(oauthAuthorizations.revokedAt)));
}

export function touchAuthorizationQuery(db: Database, authorizationId: string, now: Date) {
  return db.update(oauthAuthorizations).set({ lastUsedAt: now }).where(eq(oauthAuthorizations.id, authorizationId));
}

export function insertTokenQuery(db: Database, token: typeof oauthTokens.$inferInsert) {
  return db.insert(oauthTokens).values(token);
}

/** Spends a refresh token (compare-and-set): the first result is empty when it was spent already. */
export function spendRefreshTokenQuery(db: Database, tokenId: string, successorId: string, now: Date) {
  return db
    .update(oauthTokens)
    .set({ spentAt: now, successorId })
    .where(and(eq(oauthTokens.id, tokenId), isNull(oauthTokens.spentAt)))
    .returning({ id: oauthTokens.id });
}

/** Inserts the successor of a refresh token only if the spend of the same batch won. */
export function insertSuccessorTokenQuery(db: Database, token: typeof oauthTokens.$inferInsert & { id: string; tokenHash: string }, spentId: string) {
  return db.insert(oauthTokens).select(
    db
      .select({
        id: sql<string>`${token.id}`.as("id"),
        authorizationId: sql<string>`${token.authorizationId}`.as("authorization_id"),
        kind: sql<"refresh">`'refresh'`.as("kind"),
        scope: sql<null>`NULL`.as("scope"),
        tokenHash: sql<string>`${token.tokenHash}`.as("token_hash"),
        createdAt: sql<number>`${token.createdAt.getTime()}`.as("created_at"),
        expiresAt: sql<number>`${token.expiresAt.getTime()}`.as("expires_at"),
        spentAt: sql<null>`NULL`.as("spent_at"),
        successorId: sql<null>`NULL`.as("successor_id"),
        revokedAt: sql<null>`NULL`.as("revoked_at"),
      })
      .from(oauthTokens)
      .where(and(eq(oauthTokens.id, spentId), eq(oauthTokens.successorId, token.id))),
  );
}

export function revokeTokenQuery(db: Database, tokenId: string, now: Date) {
  return db
    .update(oauthTokens)
    .set({ revokedAt: now })
    .where(and(eq(oauthTokens.id, tokenId), isNull(oauthTokens.revokedAt)));
}

const userColumns = {
  id: users.id,
  email: users.email,
  emailVerified: users.emailVerified,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
  locale: users.locale,
  updatedAt: users.updatedAt,
  disabledAt: users.disabledAt,
};

/**
 * A token with everything that decides whether it is alive: its authorization, the platform
 * session that authorization is bound to, the user and the client. One read, on the primary.
 */
function tokenStateQuery(db: Database) {
  return db
    .select({
      token: oauthTokens,
      authorization: oauthAuthorizations,
      clientDisabledAt: oauthClients.disabledAt,
      session: { id: sessions.id, revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt },
      user: userColumns,
    })
    .from(oauthTokens)
    .innerJoin(oauthAuthorizations, eq(oauthAuthorizations.id, oauthTokens.authorizationId))
    .innerJoin(oauthClients, eq(oauthClients.id, oauthAuthorizations.clientId))
    .leftJoin(sessions, eq(sessions.id, oauthAuthorizations.sessionId))
    .leftJoin(users, eq(users.id, oauthAuthorizations.userId));
}

export type TokenState = NonNullable<Awaited<ReturnType<typeof findAccessTokenState>>>;
export type AuthorizationState = Omit<TokenState, "token">;

/** An authorization with its client's, session's and user's state (what a code exchange checks). */
export async function findAuthorizationState(db: Database, authorizationId: string): Promise<AuthorizationState | undefined> {
  return db
    .select({
      authorization: oauthAuthorizations,
      clientDisabledAt: oauthClients.disabledAt,
      session: { id: sessions.id, revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt },
      user: userColumns,
    })
    .from(oauthAuthorizations)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthAuthorizations.clientId))
    .leftJoin(sessions, eq(sessions.id, oauthAuthorizations.sessionId))
    .leftJoin(users, eq(users.id, oauthAuthorizations.userId))
    .where(eq(oauthAuthorizations.id, authorizationId))
    .get();
}

export async function findAccessTokenState(db: Database, jti: string) {
  return tokenStateQuery(db)
    .where(and(eq(oauthTokens.id, jti), eq(oauthTokens.kind, "access")))
    .get();
}

export async function findRefreshTokenState(db: Database, tokenHash: string) {
  return tokenStateQuery(db)
    .where(and(eq(oauthTokens.tokenHash, tokenHash), eq(oauthTokens.kind, "refresh")))
    .get();
}

/** The authorizations of one platform session that are still in force (RP-initiated logout). */
export async function liveAuthorizationsOfSession(db: Database, sessionId: string) {
  return db
    .select({ id: oauthAuthorizations.id, clientId: oauthAuthorizations.clientId })
    .from(oauthAuthorizations)
    .where(and(eq(oauthAuthorizations.sessionId, sessionId), isNull(oauthAuthorizations.revokedAt)));
}

// housekeeping

/** Codes past their expiry by `graceMs` (kept that long so a replay still revokes what the first use issued). */
export function deleteExpiredCodesQuery(db: Database, before: Date) {
  return db.delete(oauthCodes).where(lte(oauthCodes.expiresAt, before));
}

export function deleteExpiredTokensQuery(db: Database, now: Date) {
  return db.delete(oauthTokens).where(lte(oauthTokens.expiresAt, now));
}

/** Authorizations no token is left of, last used before `before`. */
export function deleteSpentAuthorizationsQuery(db: Database, before: Date) {
  return db
    .delete(oauthAuthorizations)
    .where(
      and(
        lte(oauthAuthorizations.lastUsedAt, before),
        notExists(db.select({ id: oauthTokens.id }).from(oauthTokens).where(eq(oauthTokens.authorizationId, oauthAuthorizations.id))),
      ),
    );
}

// back-channel logout

/**
 * Authorizations not yet announced whose platform session ended (revoked, or its user disabled),
 * of clients with a back-channel logout URI; optionally of the given sessions only.
 */
export async function endedSessionsToAnnounce(db: Database, limit: number, sessionIds?: string[]) {
  return db
    .select({
      authorizationId: oauthAuthorizations.id,
      clientId: oauthAuthorizations.clientId,
      userId: oauthAuthorizations.userId,
      sessionId: oauthAuthorizations.sessionId,
      backchannelLogoutUri: oauthClients.backchannelLogoutUri,
    })
    .from(oauthAuthorizations)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthAuthorizations.clientId))
    .innerJoin(sessions, eq(sessions.id, oauthAuthorizations.sessionId))
    .innerJoin(users, eq(users.id, oauthAuthorizations.userId))
    .where(
      and(
        isNull(oauthAuthorizations.logoutNotifiedAt),
        isNotNull(oauthClients.backchannelLogoutUri),
        or(isNotNull(sessions.revokedAt), isNotNull(users.disabledAt)),
        sessionIds ? inArray(oauthAuthorizations.sessionId, sessionIds) : undefined,
      ),
    )
    .limit(limit);
}

/** Every authorization of a user's sessions at clients with a back-channel logout URI (read before the account is deleted). */
export async function sessionsToAnnounceOfUser(db: Database, userId: string) {
  return db
    .select({
      clientId: oauthAuthorizations.clientId,
      sessionId: oauthAuthorizations.sessionId,
      backchannelLogoutUri: oauthClients.backchannelLogoutUri,
    })
    .from(oauthAuthorizations)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthAuthorizations.clientId))
    .where(and(eq(oauthAuthorizations.userId, userId), isNull(oauthAuthorizations.logoutNotifiedAt), isNotNull(oauthClients.backchannelLogoutUri)));
}

export function markLogoutNotifiedQuery(db: Database, authorizationIds: string[], now: Date) {
  return db.update(oauthAuthorizations).set({ logoutNotifiedAt: now }).where(inArray(oauthAuthorizations.id, authorizationIds));
}
