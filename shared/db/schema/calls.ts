import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
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
