import { and, desc, eq, gt, isNotNull, isNull, lte, ne, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Database } from "../../db/client";
import { refreshTokens, sessions, users } from "../../db/schema/identity";
import type { UserRecord } from "../account/records";

/** Every query of `sessions` and `refresh_tokens`, the per-request auth check among them. */

export type SessionRecord = typeof sessions.$inferSelect;
export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;

/**
 * The columns of the user an authenticated request uses: the public profile (GET /v1/me answers
 * with it) and the role. Not the password hash, lockout counters or presence: the check runs on
 * every request, so it reads no secret it does not need and ships no bytes nobody reads.
 */
const sessionUserColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  emailVerified: users.emailVerified,
  role: users.role,
  bio: users.bio,
  avatarUrl: users.avatarUrl,
  locale: users.locale,
  timezone: users.timezone,
  presenceVisibility: users.presenceVisibility,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

/** The user of a live session, as the session check reads it. */
export type SessionUserRecord = Pick<UserRecord, keyof typeof sessionUserColumns>;

/**
 * Revocation takes effect at once (ASVS 7.4.1): besides the signature, every request reads the
 * session by primary key from D1, the single source of truth across regions. The same query
 * returns the user (role, disabled flag checked, profile), so an authenticated request costs one
 * D1 read and nothing is cached between requests.
 */
function activeSessionQuery(db: Pick<Database, "select">) {
  return db
    .select({ user: sessionUserColumns })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSessionConditions(sql.placeholder("sessionId"), sql.placeholder("userId"), sql.placeholder("now")))
    .limit(1)
    .prepare();
}

/**
 * What makes a session live, over `sessions` joined with its user: this id and user, not revoked,
 * not expired at `now`, the user not disabled. The one definition the per-request read and
 * `liveSessionClause` share.
 */
function liveSessionConditions(sessionId: SQLWrapper | string, userId: SQLWrapper | string, now: SQLWrapper): SQL | undefined {
  return and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt));
}

/**
 * The same conditions as a clause another module's statement can carry: true while the session
 * `sessionId` of the user in `userId` (a column of that statement, or a value) is live and the
 * user is not disabled. A route whose first statement is a write of its own (the tus PATCH's lease)
 * checks the session inside it instead of in a read before it: one D1 round trip per request, with
 * revocation just as instant.
 */
export function liveSessionClause(sessionId: string, userId: SQLWrapper | string, now: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${sessions} INNER JOIN ${users} ON ${users.id} = ${sessions.userId}
    WHERE ${liveSessionConditions(sessionId, userId, sql`${now}`)})`;
}

// Prepared once per binding: this query runs on every authenticated request.
const activeSessionQueries = new WeakMap<D1Database, ReturnType<typeof activeSessionQuery>>();

/** The user of a live session of `userId` (not revoked, not expired, user not disabled), or null. */
export async function findActiveSessionUser(
  db: Database,
  userId: string,
  sessionId: string,
  now: number,
  reads: "primary" | "replica" = "primary",
): Promise<SessionUserRecord | null> {
  let query = reads === "replica" ? activeSessionQuery(replicaReader(db.$client)) : activeSessionQueries.get(db.$client);
  if (!query) {
    query = activeSessionQuery(db);
    activeSessionQueries.set(db.$client, query);
  }
  const [row] = await query.all({ sessionId, userId, now });
  return row?.user ?? null;
}

/**
 * A D1 Sessions API session that may answer from the nearest read replica (AUTH_SESSION_READS =
 * replica, docs/latency.md): no bookmark, so a revocation shows once the replica has it. One per
 * request; drizzle without the schema, which only the relational queries need, is cheap to build.
 */
function replicaReader(d1: D1Database) {
  // drizzle only prepares and batches, which a Sessions API session offers like the binding.
  return drizzle(d1.withSession("first-unconstrained") as unknown as D1Database);
}

export function insertSessionQuery(db: Database, session: typeof sessions.$inferInsert) {
  return db.insert(sessions).values(session);
}

export function insertRefreshTokenQuery(db: Database, token: typeof refreshTokens.$inferInsert) {
  return db.insert(refreshTokens).values(token);
}

/** A refresh token with the state of its session and user, which decide whether it may be used. */
export async function findRefreshToken(db: Database, tokenHash: string) {
  return db
    .select({
      token: refreshTokens,
      userId: sessions.userId,
      sessionRevokedAt: sessions.revokedAt,
      sessionExpiresAt: sessions.expiresAt,
      userDisabledAt: users.disabledAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .get();
}

export interface Rotation {
  spent: RefreshTokenRecord;
  successor: typeof refreshTokens.$inferInsert & { id: string };
  successorSealed: string;
  now: Date;
  client: { ip: string | null; userAgent: string | null };
}

/**
 * The rotation, as one batch: spend the token (compare-and-set), store its successor only if
 * this batch's spend won, and extend the session. The first result tells whether the spend won.
 */
export function rotationQueries(db: Database, r: Rotation) {
  return [
    db
      .update(refreshTokens)
      .set({ spentAt: r.now, successorId: r.successor.id, successorSealed: r.successorSealed })
      .where(and(eq(refreshTokens.id, r.spent.id), isNull(refreshTokens.spentAt)))
      .returning({ id: refreshTokens.id }),
    db.insert(refreshTokens).select(
      db
        .select({
          id: sql<string>`${r.successor.id}`.as("id"),
          sessionId: sql<string>`${r.successor.sessionId}`.as("session_id"),
          tokenHash: sql<string>`${r.successor.tokenHash}`.as("token_hash"),
          createdAt: sql<number>`${r.now.getTime()}`.as("created_at"),
          expiresAt: sql<number>`${r.successor.expiresAt.getTime()}`.as("expires_at"),
          spentAt: sql<null>`NULL`.as("spent_at"),
          successorId: sql<null>`NULL`.as("successor_id"),
          successorSealed: sql<null>`NULL`.as("successor_sealed"),
        })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.id, r.spent.id), eq(refreshTokens.successorId, r.successor.id))),
    ),
    db
      .update(sessions)
      .set({
        lastUsedAt: r.now,
        expiresAt: r.successor.expiresAt,
        ip: sql`COALESCE(${r.client.ip}, ${sessions.ip})`,
        userAgent: sql`COALESCE(${r.client.userAgent}, ${sessions.userAgent})`,
      })
      .where(eq(sessions.id, r.successor.sessionId)),
  ] as const;
}

/** Whether the token is still unspent (the successor a racing refresh may be handed). */
export async function refreshTokenUnspent(db: Database, id: string): Promise<boolean> {
  const row = await db.select({ spentAt: refreshTokens.spentAt }).from(refreshTokens).where(eq(refreshTokens.id, id)).get();
  return row !== undefined && row.spentAt === null;
}

export function revokeSessionByIdQuery(db: Database, sessionId: string, reason: string, now: Date) {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends one live session of `userId`; false when the user has no such session. */
export async function revokeUserSession(db: Database, userId: string, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const row = await db
    .update(sessions)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id })
    .get();
  return row !== undefined;
}

/** Ends every live session of `userId`, optionally keeping one (the caller's own); returns the ids it ended. */
export function revokeAllSessionsQuery(db: Database, userId: string, reason: string, now: Date, keepSessionId?: string) {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, keepSessionId ?? "")))
    .returning({ id: sessions.id });
}

const live = (userId: string, now: Date) => and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

export async function listActiveSessionRecords(db: Database, userId: string, now: Date): Promise<SessionRecord[]> {
  return db.select().from(sessions).where(live(userId, now)).orderBy(desc(sessions.lastUsedAt));
}

export async function activeSessionIdList(db: Database, userId: string, now: Date): Promise<string[]> {
  const rows = await db.select({ id: sessions.id }).from(sessions).where(live(userId, now));
  return rows.map((row) => row.id);
}

/** Every session of the user, ended ones included, newest first (the data export). */
export async function listUserSessions(db: Database, userId: string): Promise<SessionRecord[]> {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.createdAt));
}

export function deleteExpiredRefreshTokensQuery(db: Database, now: Date) {
  return db.delete(refreshTokens).where(lte(refreshTokens.expiresAt, now));
}

/** Expired sessions, and revoked ones once they were kept `revokedRetentionMs` for exports and admins. */
export function deleteExpiredSessionsQuery(db: Database, now: Date, revokedRetentionMs: number) {
  return db
    .delete(sessions)
    .where(or(lte(sessions.expiresAt, now), and(isNotNull(sessions.revokedAt), lte(sessions.revokedAt, new Date(now.getTime() - revokedRetentionMs)))));
}
