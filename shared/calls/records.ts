import { z } from "zod";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import type { CallRecord, CallStatus, CallType } from "./call";

interface CallRow {
  id: string;
  caller_id: string;
  callee_id: string;
  type: CallType;
  status: CallStatus;
  created_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_seconds: number | null;
  ended_by: string | null;
  hidden_for_caller: number;
  hidden_for_callee: number;
}

export interface StoredCall extends CallRecord {
  hiddenForCaller: boolean;
  hiddenForCallee: boolean;
}

function fromRow(row: CallRow): StoredCall {
  return {
    id: row.id,
    callerId: row.caller_id,
    calleeId: row.callee_id,
    type: row.type,
    status: row.status,
    createdAt: row.created_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
    endedBy: row.ended_by,
    hiddenForCaller: Boolean(row.hidden_for_caller),
    hiddenForCallee: Boolean(row.hidden_for_callee),
  };
}

export const isHiddenFor = (call: StoredCall, userId: string) =>
  (call.callerId === userId && call.hiddenForCaller) || (call.calleeId === userId && call.hiddenForCallee);

const IN_CALL = (user: string) =>
  `EXISTS (SELECT 1 FROM calls WHERE status IN ('ringing', 'answered') AND (caller_id = ${user} OR callee_id = ${user}))`;

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
export async function insertCallRecord(db: D1Database, call: NewCall): Promise<"ringing" | "busy" | null> {
  const row = await db
    .prepare(
      `INSERT INTO calls (id, caller_id, callee_id, type, status, created_at, ended_at)
       SELECT ?1, ?2, ?3, ?4,
              CASE WHEN ${IN_CALL("?3")} THEN 'busy' ELSE 'ringing' END, ?5,
              CASE WHEN ${IN_CALL("?3")} THEN ?5 ELSE NULL END
        WHERE ${IN_CALL("?3")} OR NOT ${IN_CALL("?2")}
       RETURNING status`,
    )
    .bind(call.id, call.callerId, call.calleeId, call.type, call.createdAt)
    .first<{ status: "ringing" | "busy" }>();
  return row?.status ?? null;
}

/**
 * The statements that bring the D1 record and the call metrics up to the CallSession's state.
 * They depend only on that state (metric events have ids derived from the call), so running
 * them again after a failed or doubtful attempt changes nothing: the sync is idempotent.
 */
export function syncCallStatements(db: D1Database, call: CallRecord): D1PreparedStatement[] {
  const statements = [
    db
      .prepare("UPDATE calls SET status = ?, answered_at = ?, ended_at = ?, duration_seconds = ?, ended_by = ? WHERE id = ?")
      .bind(call.status, call.answeredAt, call.endedAt, call.durationSeconds, call.endedBy, call.id),
  ];
  const setupMs = call.answeredAt === null ? null : call.answeredAt - call.createdAt;
  if (call.answeredAt !== null) {
    statements.push(metricStatement(db, call, "answered", call.calleeId, { callId: call.id, type: call.type, setupMs }, call.answeredAt));
  }
  if (call.endedAt !== null) {
    statements.push(
      metricStatement(
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
  return statements;
}

function metricStatement(db: D1Database, call: CallRecord, event: "answered" | "ended", userId: string | null, detail: Record<string, unknown>, at: number) {
  return db
    .prepare("INSERT OR IGNORE INTO audit_events (id, user_id, type, detail, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(`call.${event}:${call.id}`, userId ?? call.callerId, `call.${event}`, JSON.stringify(detail), at);
}

export async function findCall(db: D1Database, id: string): Promise<StoredCall | null> {
  const row = await db.prepare("SELECT * FROM calls WHERE id = ?").bind(id).first<CallRow>();
  return row ? fromRow(row) : null;
}

const VISIBLE_TO = "((caller_id = ?1 AND hidden_for_caller = 0) OR (callee_id = ?1 AND hidden_for_callee = 0))";

const HistoryCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/** The user's calls, newest first, without those the user deleted from their history. */
export async function listCallHistory(db: D1Database, userId: string, limit: number, cursor: string | undefined): Promise<Page<StoredCall>> {
  const after = decodeCursor(cursor, HistoryCursor);
  const { results } = await db
    .prepare(
      `SELECT * FROM calls WHERE ${VISIBLE_TO}
          AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3))
        ORDER BY created_at DESC, id DESC LIMIT ?4`,
    )
    .bind(userId, after?.t ?? null, after?.id ?? "", limit + 1)
    .all<CallRow>();
  return keysetPage(results, limit, fromRow, (last) => ({ t: last.created_at, id: last.id }));
}

/** Calls of the user that are ringing or answered right now. */
export async function listActiveCalls(db: D1Database, userId: string): Promise<StoredCall[]> {
  const { results } = await db
    .prepare("SELECT * FROM calls WHERE status IN ('ringing', 'answered') AND (caller_id = ?1 OR callee_id = ?1) ORDER BY created_at DESC LIMIT 20")
    .bind(userId)
    .all<CallRow>();
  return results.map(fromRow);
}

/** Calls to the user that nobody answered (timed out, hung up by the caller, or while busy). */
export async function countMissedCalls(db: D1Database, userId: string, since: number | null): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM calls WHERE callee_id = ? AND hidden_for_callee = 0 AND status IN ('missed', 'busy') AND created_at > ?")
    .bind(userId, since ?? -1)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Hides the call from one participant's history; the other participant keeps it. */
export async function hideCallFor(db: D1Database, callId: string, userId: string): Promise<void> {
  await db
    .prepare(
      `UPDATE calls SET hidden_for_caller = CASE WHEN caller_id = ?2 THEN 1 ELSE hidden_for_caller END,
                        hidden_for_callee = CASE WHEN callee_id = ?2 THEN 1 ELSE hidden_for_callee END
        WHERE id = ?1`,
    )
    .bind(callId, userId)
    .run();
}

export async function listAllCallsOf(db: D1Database, userId: string): Promise<StoredCall[]> {
  const { results } = await db
    .prepare("SELECT * FROM calls WHERE caller_id = ?1 OR callee_id = ?1 ORDER BY created_at")
    .bind(userId)
    .all<CallRow>();
  return results.map(fromRow);
}

/**
 * A deleted user's side of every call disappears; a row that no participant sees any more is
 * removed. The other participant keeps their history (with the departed user's opaque id).
 */
export function forgetUserCallsStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return [
    db.prepare("UPDATE calls SET hidden_for_caller = 1 WHERE caller_id = ?").bind(userId),
    db.prepare("UPDATE calls SET hidden_for_callee = 1 WHERE callee_id = ?").bind(userId),
    db.prepare("DELETE FROM calls WHERE (caller_id = ?1 OR callee_id = ?1) AND hidden_for_caller = 1 AND hidden_for_callee = 1 AND status NOT IN ('ringing', 'answered')").bind(userId),
  ];
}
