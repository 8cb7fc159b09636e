import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { chats } from "./chat";
import { sessions, users } from "./identity";
import { timestamp } from "./columns";

/**
 * Push devices (docs/notifications.md): a Web Push subscription or an FCM token, registered by
 * one session and removed with it (the delete of an ended session's devices is explicit; the
 * cascade covers sessions the housekeeping deletes).
 */
export const pushDevices = sqliteTable(
  "push_devices",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["webpush", "fcm"] }).notNull(),
    /** The Web Push endpoint URL, or the FCM registration token: one device per address. */
    address: text("address").notNull(),
    /** Web Push only: the subscription's P-256 public key and auth secret (base64url). */
    p256dh: text("p256dh"),
    auth: text("auth"),
    createdAt: timestamp("created_at").notNull(),
    lastSuccessAt: timestamp("last_success_at"),
    lastFailureAt: timestamp("last_failure_at"),
    lastFailureReason: text("last_failure_reason"),
  },
  (t) => [
    uniqueIndex("push_devices_address_unique").on(t.address),
    index("push_devices_user_idx").on(t.userId),
    index("push_devices_session_idx").on(t.sessionId),
  ],
);

/**
 * One row per (event, device): the idempotency key of delivery and the record of every attempt's
 * outcome. `status`: sending (claimed), retrying (a later attempt is queued), sent, gone (the push
 * service said 404/410; the device was removed), failed (a permanent refusal or retries exhausted).
 */
export const pushDeliveries = sqliteTable(
  "push_deliveries",
  {
    eventId: text("event_id").notNull(),
    deviceId: text("device_id").notNull(),
    userId: text("user_id").notNull(),
    status: text("status", { enum: ["sending", "retrying", "sent", "gone", "failed"] }).notNull(),
    attempts: integer("attempts").notNull(),
    reason: text("reason"),
    claimedAt: timestamp("claimed_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.deviceId] }),
    index("push_deliveries_updated_idx").on(t.updatedAt),
    index("push_deliveries_user_idx").on(t.userId),
  ],
);

/** A member's notification level for one chat (no row: the default, docs/notifications.md). */
export const chatNotificationSettings = sqliteTable(
  "chat_notification_settings",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    level: text("level", { enum: ["all", "mentions", "off"] }).notNull(),
    mutedUntil: timestamp("muted_until"),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index("chat_notification_settings_user_idx").on(t.userId)],
);

/** A user's push preferences (no row: content shown, no quiet hours). */
export const notificationSettings = sqliteTable("notification_settings", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** "full": title, sender and excerpt; "none": only ids (`{type, chatId, messageId}`). */
  content: text("content", { enum: ["full", "none"] })
    .notNull()
    .default("full"),
  /** Quiet hours as minutes after local midnight; both null: none. */
  quietStart: integer("quiet_start"),
  quietEnd: integer("quiet_end"),
  /** IANA time zone the quiet hours are in. */
  timezone: text("timezone").notNull().default("UTC"),
  /** JSON array of user ids whose calls ring during quiet hours. */
  callsAllowedFrom: text("calls_allowed_from").notNull().default("[]"),
  updatedAt: timestamp("updated_at").notNull(),
});
