import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/** Call records; the live state machine runs in each call's CallSession Durable Object. */
export const calls = sqliteTable(
  "calls",
  {
    id: text("id").primaryKey(),
    callerId: text("caller_id").notNull(),
    calleeId: text("callee_id").notNull(),
    type: text("type", { enum: ["voice", "video"] }).notNull(),
    status: text("status", { enum: ["ringing", "answered", "ended", "missed", "rejected", "busy"] }).notNull(),
    createdAt: timestamp("created_at").notNull(),
    answeredAt: timestamp("answered_at"),
    endedAt: timestamp("ended_at"),
    durationSeconds: integer("duration_seconds"),
    endedBy: text("ended_by"),
    hiddenForCaller: integer("hidden_for_caller", { mode: "boolean" }).notNull().default(false),
    hiddenForCallee: integer("hidden_for_callee", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("calls_caller_created_idx").on(t.callerId, t.createdAt),
    index("calls_callee_created_idx").on(t.calleeId, t.createdAt),
    index("calls_status_idx").on(t.status),
  ],
);

/**
 * Group calls on a group chat or the general chat; the live roster and signalling run in each
 * call's CallRoom Durable Object. At most one active call per chat: the partial unique index makes
 * two members starting one at the same moment end up in the same call.
 */
export const groupCalls = sqliteTable(
  "group_calls",
  {
    id: text("id").primaryKey(),
    chatId: text("chat_id").notNull(),
    type: text("type", { enum: ["voice", "video"] }).notNull(),
    startedBy: text("started_by").notNull(),
    status: text("status", { enum: ["active", "ended"] }).notNull(),
    createdAt: timestamp("created_at").notNull(),
    endedAt: timestamp("ended_at"),
  },
  (t) => [
    uniqueIndex("group_calls_one_active_per_chat").on(t.chatId).where(sql`status = 'active'`),
    index("group_calls_chat_created_idx").on(t.chatId, t.createdAt),
  ],
);

/** One row per stretch of a person in a group call: who took part, from when to when (a rejoin is a new row). */
export const groupCallParticipants = sqliteTable(
  "group_call_participants",
  {
    callId: text("call_id").notNull(),
    userId: text("user_id").notNull(),
    joinedAt: timestamp("joined_at").notNull(),
    leftAt: timestamp("left_at"),
  },
  (t) => [primaryKey({ columns: [t.callId, t.userId, t.joinedAt] }), index("group_call_participants_user_idx").on(t.userId, t.joinedAt)],
);

/**
 * Group calls a participant deleted from their own call history; the call's record and the
 * others' histories keep it (one row per person and call, so deleting twice changes nothing).
 */
export const groupCallsHidden = sqliteTable(
  "group_calls_hidden",
  {
    callId: text("call_id").notNull(),
    userId: text("user_id").notNull(),
    hiddenAt: timestamp("hidden_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.userId] })],
);
