import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sessions, users } from "./identity";
import { timestamp } from "./columns";

/**
 * MLS devices (docs/e2ee.md): one per signed-in session, with the Ed25519 signature key its MLS
 * leaf signs with. A device whose session ends is marked `endedAt` (not deleted at once), so the
 * chat rooms can demand the removal of its leaf; the rows go with the user or the session.
 */
export const mlsDevices = sqliteTable(
  "mls_devices",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    /** The Ed25519 public key (32 bytes, base64url) every leaf node and key package of the device carries. */
    signatureKey: text("signature_key").notNull(),
    createdAt: timestamp("created_at").notNull(),
    endedAt: timestamp("ended_at"),
  },
  (t) => [uniqueIndex("mls_devices_session_unique").on(t.sessionId), index("mls_devices_user_idx").on(t.userId)],
);

/**
 * Key packages a device uploaded (RFC 9420 §10), handed out once each: `claimedAt` is set by
 * the one UPDATE that claims it. A device's one last-resort package (§16.8) is never claimed,
 * only handed out when no other is left; a new one replaces it.
 */
export const mlsKeyPackages = sqliteTable(
  "mls_key_packages",
  {
    /** KeyPackageRef (RFC 9420 §5.2), hex: the same package cannot be uploaded twice. */
    ref: text("ref").primaryKey(),
    deviceId: text("device_id")
      .notNull()
      .references(() => mlsDevices.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    /** The MLSMessage-wrapped KeyPackage, base64url, as the device sent it. */
    keyPackage: text("key_package").notNull(),
    lastResort: integer("last_resort", { mode: "boolean" }).notNull().default(false),
    /** The package's lifetime `not_after`; an expired one is never handed out. */
    expiresAt: timestamp("expires_at").notNull(),
    createdAt: timestamp("created_at").notNull(),
    claimedAt: timestamp("claimed_at"),
    claimedBy: text("claimed_by"),
  },
  (t) => [
    index("mls_key_packages_device_idx").on(t.deviceId, t.claimedAt),
    uniqueIndex("mls_key_packages_last_resort_unique").on(t.deviceId).where(sql`${t.lastResort} = 1`),
  ],
);

/** A user's key backup (docs/e2ee.md): an opaque blob encrypted on a device under a recovery key. */
export const mlsKeyBackups = sqliteTable("mls_key_backups", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** Increases by one with every upload; an upload names the version it replaces. */
  version: integer("version").notNull(),
  /** The encrypted backup, base64url; its format is the client's. */
  blob: text("blob").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
});
