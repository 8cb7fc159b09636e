import { and, asc, count, desc, eq, exists, inArray, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client";
import { calls, groupCallParticipants, groupCalls, groupCallsHidden } from "../db/schema/calls";
import { chats } from "../db/schema/chat";
import { auditEvents, users } from "../db/schema/identity";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { ACTIVE_STATUSES, type CallRecord, type CallType } from "./call";
import type { GroupCallRecord, Stretch } from "./group-call";

/** Every query of the `calls` table (and the call metrics it writes to `audit_events`). */

type CallRow = typeof calls.$inferSelect;

/** A call as D1 records it: the CallSession's state plus who deleted it from their history. */
export type StoredCall = CallRecord & Pick<CallRow, "hiddenForCaller" | "hiddenForCallee">;

const epochMs = (date: Date | null) => (date === null ? null : date.getTime());

function fromRow(row: CallRow): StoredCall {
  return {
    ...row,
    createdAt: row.createdAt.getTime(),
    answeredAt: epochMs(row.answeredAt),
    endedAt: epochMs(row.endedAt),
  };
}

export const isHiddenFor = (call: StoredCall, userId: string) =>
  (call.callerId === userId && call.hiddenForCaller) || (call.calleeId === userId && call.hiddenForCallee);

/** Whether `userId` takes part in a call that is ringing or answered. */
const inCall = (db: Database, userId: string) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(calls)
      .where(and(inArray(calls.status, [...ACTIVE_STATUSES]), or(eq(calls.callerId, userId), eq(calls.calleeId, userId)))),
  );

export interface NewCall {
  id: string;
  callerId: string;
  calleeId: string;
  type: CallType;
  createdAt: number;
}

/**
 * Records a new call and decides, in ONE statement, whether it rings: D1 runs statements one at a
 * time, so two callers dialling the same callee, or A and B dialling each other, cannot both see
 * the other "free". A busy callee still gets a row (status `busy`, for both histories); a caller
 * who is already in a call gets none (null).
 */
export async function insertCallRecord(db: Database, call: NewCall): Promise<"ringing" | "busy" | null> {
  const calleeBusy = inCall(db, call.calleeId);
  const [row] = await db
    .insert(calls)
    .select(
      sql`SELECT ${call.id}, ${call.callerId}, ${call.calleeId}, ${call.type},
                 CASE WHEN ${calleeBusy} THEN 'busy' ELSE 'ringing' END, ${call.createdAt},
                 NULL, CASE WHEN ${calleeBusy} THEN ${call.createdAt} ELSE NULL END, NULL, NULL, 0, 0
           WHERE ${calleeBusy} OR NOT ${inCall(db, call.callerId)}`,
    )
    .returning({ status: calls.status });
  if (!row) return null;
  return row.status === "busy" ? "busy" : "ringing";
}

/**
 * The queries that bring the D1 record and the call metrics up to the CallSession's state.
 * They depend only on that state (metric events have ids derived from the call), so running
 * them again after a failed or doubtful attempt changes nothing: the sync is idempotent.
 */
export async function syncCallRecord(db: Database, call: CallRecord): Promise<void> {
  const update = db
    .update(calls)
    .set({
      status: call.status,
      answeredAt: call.answeredAt === null ? null : new Date(call.answeredAt),
      endedAt: call.endedAt === null ? null : new Date(call.endedAt),
      durationSeconds: call.durationSeconds,
      endedBy: call.endedBy,
    })
    .where(eq(calls.id, call.id));
  const setupMs = call.answeredAt === null ? null : call.answeredAt - call.createdAt;
  const metrics = [];
  if (call.answeredAt !== null) {
    metrics.push(recordMetric(db, call, "answered", call.calleeId, { callId: call.id, type: call.type, setupMs }, call.answeredAt));
  }
  if (call.endedAt !== null) {
    metrics.push(
      recordMetric(
        db,
        call,
        "ended",
        call.endedBy,
        {
          callId: call.id,
          type: call.type,
          outcome: call.status,
          setupMs,
          ringMs: (call.answeredAt ?? call.endedAt) - call.createdAt,
          durationSeconds: call.durationSeconds,
          endedBy: call.endedBy,
        },
        call.endedAt,
      ),
    );
  }
  await db.batch([update, ...metrics]);
}

function recordMetric(db: Database, call: CallRecord, event: "answered" | "ended", userId: string | null, detail: Record<string, unknown>, at: number) {
  return db
    .insert(auditEvents)
    .values({ id: `call.${event}:${call.id}`, userId: userId ?? call.callerId, type: `call.${event}`, detail: JSON.stringify(detail), createdAt: new Date(at) })
    .onConflictDoNothing();
}

/**
 * A call whose CallSession stopped between the D1 insert and recording it: ended as missed,
 * unless the record moved on meanwhile.
 */
export async function markStartingCallMissed(db: Database, callId: string, now: number): Promise<void> {
  await db
    .update(calls)
    .set({ status: "missed", endedAt: new Date(now) })
    .where(and(eq(calls.id, callId), eq(calls.status, "ringing")));
}

export async function findCall(db: Database, id: string): Promise<StoredCall | null> {
  const row = await db.select().from(calls).where(eq(calls.id, id)).get();
  return row ? fromRow(row) : null;
}

const visibleTo = (userId: string) =>
  or(and(eq(calls.callerId, userId), eq(calls.hiddenForCaller, false)), and(eq(calls.calleeId, userId), eq(calls.hiddenForCallee, false)));

const HistoryCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/** The user's calls, newest first, without those the user deleted from their history. */
export async function listCallHistory(db: Database, userId: string, limit: number, cursor: string | undefined): Promise<Page<StoredCall>> {
  const after = decodeCursor(cursor, HistoryCursor);
  // The cursor carries the stored integer; compared as such, so no cursor value can make an invalid Date.
  const before = after ? or(sql`${calls.createdAt} < ${after.t}`, and(sql`${calls.createdAt} = ${after.t}`, lt(calls.id, after.id))) : undefined;
  const rows = await db
    .select()
    .from(calls)
    .where(and(visibleTo(userId), before))
    .orderBy(desc(calls.createdAt), desc(calls.id))
    .limit(limit + 1);
  return keysetPage(
    rows.map(fromRow),
    limit,
    (call) => call,
    (last) => ({ t: last.createdAt, id: last.id }),
  );
}

/** Calls of the user that are ringing or answered right now. */
export async function listActiveCalls(db: Database, userId: string): Promise<StoredCall[]> {
  const rows = await db
    .select()
    .from(calls)
    .where(and(inArray(calls.status, [...ACTIVE_STATUSES]), or(eq(calls.callerId, userId), eq(calls.calleeId, userId))))
    .orderBy(desc(calls.createdAt))
    .limit(20);
  return rows.map(fromRow);
}

/** Calls to the user that nobody answered (timed out, hung up by the caller, or while busy). */
export async function countMissedCalls(db: Database, userId: string, since: number | null): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(calls)
    .where(
      and(eq(calls.calleeId, userId), eq(calls.hiddenForCallee, false), inArray(calls.status, ["missed", "busy"]), sql`${calls.createdAt} > ${since ?? -1}`),
    )
    .get();
  return row?.n ?? 0;
}

/** Hides the call from one participant's history; the other participant keeps it. */
export async function hideCallFor(db: Database, callId: string, userId: string): Promise<void> {
  await db
    .update(calls)
    .set({
      hiddenForCaller: sql`CASE WHEN ${calls.callerId} = ${userId} THEN 1 ELSE ${calls.hiddenForCaller} END`,
      hiddenForCallee: sql`CASE WHEN ${calls.calleeId} = ${userId} THEN 1 ELSE ${calls.hiddenForCallee} END`,
    })
    .where(eq(calls.id, callId));
}

export async function listAllCallsOf(db: Database, userId: string): Promise<StoredCall[]> {
  const rows = await db
    .select()
    .from(calls)
    .where(or(eq(calls.callerId, userId), eq(calls.calleeId, userId)))
    .orderBy(asc(calls.createdAt));
  return rows.map(fromRow);
}

/**
 * A deleted user's side of every call disappears; a row that no participant sees any more is
 * removed. The other participant keeps their history (with the departed user's opaque id).
 * Run in the account-deletion batch.
 */
export function forgetUserCallsQueries(db: Database, userId: string) {
  return [
    db.update(calls).set({ hiddenForCaller: true }).where(eq(calls.callerId, userId)),
    db.update(calls).set({ hiddenForCallee: true }).where(eq(calls.calleeId, userId)),
    db
      .delete(calls)
      .where(
        and(
          or(eq(calls.callerId, userId), eq(calls.calleeId, userId)),
          eq(calls.hiddenForCaller, true),
          eq(calls.hiddenForCallee, true),
          notInArray(calls.status, [...ACTIVE_STATUSES]),
        ),
      ),
  ] as const;
}

/** The name a group call shows for someone joining it. */
export async function findDisplayName(db: Database, userId: string): Promise<string | null> {
  const row = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, userId)).get();
  return row?.displayName ?? null;
}

/** Whether `userId` names an active (not disabled) user: only they can be called. */
export async function isActiveUser(db: Database, userId: string): Promise<boolean> {
  const row = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .get();
  return row !== undefined;
}

type GroupCallRow = typeof groupCalls.$inferSelect;

function fromGroupRow(row: GroupCallRow): GroupCallRecord {
  return { ...row, createdAt: row.createdAt.getTime(), endedAt: epochMs(row.endedAt) };
}

/**
 * Records a new group call unless the chat has an active one (the partial unique index decides, in
 * one statement): the answer is the chat's active call and whether this insert created it.
 */
export async function insertGroupCall(db: Database, call: GroupCallRecord): Promise<{ call: GroupCallRecord; created: boolean }> {
  const [row] = await db
    .insert(groupCalls)
    .values({ ...call, createdAt: new Date(call.createdAt), endedAt: null, status: "active" })
    .onConflictDoNothing()
    .returning();
  if (row) return { call: fromGroupRow(row), created: true };
  const active = await findActiveGroupCall(db, call.chatId);
  if (!active) throw new Error("group call insert conflicted but no active call exists");
  return { call: active, created: false };
}

export async function findGroupCall(db: Database, id: string): Promise<GroupCallRecord | null> {
  const row = await db.select().from(groupCalls).where(eq(groupCalls.id, id)).get();
  return row ? fromGroupRow(row) : null;
}

export async function findActiveGroupCall(db: Database, chatId: string): Promise<GroupCallRecord | null> {
  const row = await db
    .select()
    .from(groupCalls)
    .where(and(eq(groupCalls.chatId, chatId), eq(groupCalls.status, "active")))
    .get();
  return row ? fromGroupRow(row) : null;
}

/** The active group calls of these chats with who is in each now (for the chat list and header). */
export async function listActiveGroupCalls(
  db: Database,
  chatIds: readonly string[],
): Promise<{ call: GroupCallRecord; participants: { userId: string; displayName: string; joinedAt: number }[] }[]> {
  if (chatIds.length === 0) return [];
  const rows = await db
    .select()
    .from(groupCalls)
    .where(and(inArray(groupCalls.chatId, [...chatIds]), eq(groupCalls.status, "active")));
  if (rows.length === 0) return [];
  const present = await db
    .select({
      callId: groupCallParticipants.callId,
      userId: groupCallParticipants.userId,
      displayName: users.displayName,
      joinedAt: groupCallParticipants.joinedAt,
    })
    .from(groupCallParticipants)
    .innerJoin(users, eq(users.id, groupCallParticipants.userId))
    .where(
      and(
        inArray(
          groupCallParticipants.callId,
          rows.map((row) => row.id),
        ),
        isNull(groupCallParticipants.leftAt),
      ),
    )
    .orderBy(asc(groupCallParticipants.joinedAt));
  return rows.map((row) => ({
    call: fromGroupRow(row),
    participants: present.filter((p) => p.callId === row.id).map((p) => ({ userId: p.userId, displayName: p.displayName, joinedAt: p.joinedAt.getTime() })),
  }));
}

/**
 * Brings D1 up to the CallRoom's state: the call's status and every stretch of every participant.
 * It depends only on that state (stretches are keyed by call, user and join time), so a retry
 * after a failed attempt changes nothing more.
 */
export async function syncGroupCall(db: Database, call: GroupCallRecord, stretches: readonly Stretch[]): Promise<void> {
  const update = db
    .update(groupCalls)
    .set({ status: call.status, endedAt: call.endedAt === null ? null : new Date(call.endedAt) })
    .where(eq(groupCalls.id, call.id));
  const upserts = stretches.map((stretch) =>
    db
      .insert(groupCallParticipants)
      .values({
        callId: call.id,
        userId: stretch.userId,
        joinedAt: new Date(stretch.joinedAt),
        leftAt: stretch.leftAt === null ? null : new Date(stretch.leftAt),
      })
      .onConflictDoUpdate({
        target: [groupCallParticipants.callId, groupCallParticipants.userId, groupCallParticipants.joinedAt],
        set: { leftAt: stretch.leftAt === null ? null : new Date(stretch.leftAt) },
      }),
  );
  await db.batch([update, ...upserts]);
}

/** Who took part in a group call, each stretch from joining to leaving, in joining order. */
export async function listGroupCallStretches(db: Database, callId: string): Promise<(Stretch & { displayName: string | null })[]> {
  const rows = await db
    .select({
      userId: groupCallParticipants.userId,
      joinedAt: groupCallParticipants.joinedAt,
      leftAt: groupCallParticipants.leftAt,
      displayName: users.displayName,
    })
    .from(groupCallParticipants)
    .leftJoin(users, eq(users.id, groupCallParticipants.userId))
    .where(eq(groupCallParticipants.callId, callId))
    .orderBy(asc(groupCallParticipants.joinedAt));
  return rows.map((row) => ({ userId: row.userId, joinedAt: row.joinedAt.getTime(), leftAt: epochMs(row.leftAt), displayName: row.displayName }));
}

/** The user's stretches in group calls (their data export). */
export async function listGroupCallStretchesOf(db: Database, userId: string) {
  return db
    .select({
      callId: groupCallParticipants.callId,
      chatId: groupCalls.chatId,
      type: groupCalls.type,
      joinedAt: groupCallParticipants.joinedAt,
      leftAt: groupCallParticipants.leftAt,
    })
    .from(groupCallParticipants)
    .innerJoin(groupCalls, eq(groupCalls.id, groupCallParticipants.callId))
    .where(eq(groupCallParticipants.userId, userId))
    .orderBy(asc(groupCallParticipants.joinedAt));
}

/** Active group calls the user is in now (ended through their CallRoom when the account is deleted). */
export async function listActiveGroupCallIdsOf(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: groupCallParticipants.callId })
    .from(groupCallParticipants)
    .innerJoin(groupCalls, eq(groupCalls.id, groupCallParticipants.callId))
    .where(and(eq(groupCallParticipants.userId, userId), isNull(groupCallParticipants.leftAt), eq(groupCalls.status, "active")));
  return [...new Set(rows.map((row) => row.id))];
}

/** A deleted user's stretches are removed; the others keep the call's record without them. */
export function forgetUserGroupCallQueries(db: Database, userId: string) {
  return [
    db.delete(groupCallParticipants).where(eq(groupCallParticipants.userId, userId)),
    db.delete(groupCallsHidden).where(eq(groupCallsHidden.userId, userId)),
  ] as const;
}

/**
 * Keeps a participant's quality report of a call as an audit event (`call.quality`), once per
 * user and call (the id derives from both): true when this one was stored, false for a repeat.
 */
export async function insertQualityReport(db: Database, callId: string, userId: string, detail: Record<string, unknown>, at: number): Promise<boolean> {
  const rows = await db
    .insert(auditEvents)
    .values({ id: `call.quality:${callId}:${userId}`, userId, type: "call.quality", detail: JSON.stringify({ callId, ...detail }), createdAt: new Date(at) })
    .onConflictDoNothing()
    .returning({ id: auditEvents.id });
  return rows.length > 0;
}

/** Whether the user was ever in this group call (a stretch of theirs is recorded). */
export async function tookPartInGroupCall(db: Database, callId: string, userId: string): Promise<boolean> {
  const row = await db
    .select({ one: sql`1` })
    .from(groupCallParticipants)
    .where(and(eq(groupCallParticipants.callId, callId), eq(groupCallParticipants.userId, userId)))
    .get();
  return row !== undefined;
}

/** A group call as the history of one participant shows it. */
export interface GroupCallHistoryRow {
  call: GroupCallRecord;
  chatTitle: string | null;
  chatType: "general" | "direct" | "group" | null;
  /** Everyone who took part, in order of first joining, with their name (null once they deleted their account). */
  people: { userId: string; displayName: string | null }[];
  /** The user's own time in the call over all their stretches; null while they are still in it. */
  ownSeconds: number | null;
}

const tookPart = (userId: string) =>
  sql`exists (select 1 from ${groupCallParticipants} where ${groupCallParticipants.callId} = ${groupCalls.id} and ${groupCallParticipants.userId} = ${userId})`;
const notHiddenFrom = (userId: string) =>
  sql`not exists (select 1 from ${groupCallsHidden} where ${groupCallsHidden.callId} = ${groupCalls.id} and ${groupCallsHidden.userId} = ${userId})`;

/** Group calls the user took part in, newest first, without those they deleted from their history. */
export async function listGroupCallHistory(db: Database, userId: string, limit: number, cursor: string | undefined): Promise<Page<GroupCallHistoryRow>> {
  const after = decodeCursor(cursor, HistoryCursor);
  const before = after ? or(sql`${groupCalls.createdAt} < ${after.t}`, and(sql`${groupCalls.createdAt} = ${after.t}`, lt(groupCalls.id, after.id))) : undefined;
  const rows = await db
    .select({ call: groupCalls, chatTitle: chats.title, chatType: chats.type })
    .from(groupCalls)
    .leftJoin(chats, eq(chats.id, groupCalls.chatId))
    .where(and(tookPart(userId), notHiddenFrom(userId), before))
    .orderBy(desc(groupCalls.createdAt), desc(groupCalls.id))
    .limit(limit + 1);
  const callIds = rows.slice(0, limit).map((row) => row.call.id);
  const stretches =
    callIds.length === 0
      ? []
      : await db
          .select({
            callId: groupCallParticipants.callId,
            userId: groupCallParticipants.userId,
            displayName: users.displayName,
            joinedAt: groupCallParticipants.joinedAt,
            leftAt: groupCallParticipants.leftAt,
          })
          .from(groupCallParticipants)
          .leftJoin(users, eq(users.id, groupCallParticipants.userId))
          .where(inArray(groupCallParticipants.callId, callIds))
          .orderBy(asc(groupCallParticipants.joinedAt));
  return keysetPage(
    rows,
    limit,
    (row) => {
      const own = stretches.filter((s) => s.callId === row.call.id && s.userId === userId);
      const people = new Map<string, string | null>();
      for (const s of stretches) if (s.callId === row.call.id && !people.has(s.userId)) people.set(s.userId, s.displayName);
      return {
        call: fromGroupRow(row.call),
        chatTitle: row.chatTitle,
        chatType: row.chatType,
        people: [...people].map(([id, displayName]) => ({ userId: id, displayName })),
        ownSeconds: own.some((s) => s.leftAt === null)
          ? null
          : Math.round(own.reduce((sum, s) => sum + ((s.leftAt?.getTime() ?? 0) - s.joinedAt.getTime()), 0) / 1000),
      };
    },
    (last) => ({ t: last.call.createdAt.getTime(), id: last.call.id }),
  );
}

/** Hides a group call from one participant's history (again: nothing changes). */
export async function hideGroupCallFor(db: Database, callId: string, userId: string, at: number): Promise<void> {
  await db
    .insert(groupCallsHidden)
    .values({ callId, userId, hiddenAt: new Date(at) })
    .onConflictDoNothing();
}
