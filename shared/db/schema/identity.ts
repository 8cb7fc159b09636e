import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    /** Lower-cased e-mail: uniqueness and look-ups are case-insensitive. */
    emailNormalized: text("email_normalized").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ["user", "moderator", "admin"] })
      .notNull()
      .default("user"),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    passwordHash: text("password_hash").notNull(),
    bio: text("bio"),
    avatarUrl: text("avatar_url"),
    locale: text("locale"),
    timezone: text("timezone"),
    disabledAt: timestamp("disabled_at"),
    failedLoginCount: integer("failed_login_count").notNull().default(0),
    lockedUntil: timestamp("locked_until"),
    /** When the user's last socket to their hub closed (presence); null before the first. */
    lastSeenAt: timestamp("last_seen_at"),
    /**
     * Since when a device of the user has had its hub socket open; null while none has. Written by
     * the user's hub as that changes, so a chat's list update (`chat.updated`) goes only to members
     * whose hub can take it, not to every member of a chat of thousands (docs/chat.md).
     */
    onlineSince: timestamp("online_since"),
    /** Who sees whether the user is online and when they were last seen: people they share a chat with, or nobody. */
    presenceVisibility: text("presence_visibility", { enum: ["chats", "nobody"] })
      .notNull()
      .default("chats"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_normalized_unique").on(t.emailNormalized)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    revokedAt: timestamp("revoked_at"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    spentAt: timestamp("spent_at"),
    successorId: text("successor_id"),
    /** The successor token sealed with a key derived from this token, for the concurrent-refresh grace. */
    successorSealed: text("successor_sealed"),
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_unique").on(t.tokenHash),
    index("refresh_tokens_session_id_idx").on(t.sessionId),
    index("refresh_tokens_expires_at_idx").on(t.expiresAt),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    userId: text("user_id"),
    type: text("type").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** JSON object with event-specific fields. */
    detail: text("detail").notNull().default("{}"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("audit_events_user_id_created_at_idx").on(t.userId, t.createdAt), index("audit_events_type_created_at_idx").on(t.type, t.createdAt)],
);

export const realtimeTickets = sqliteTable(
  "realtime_tickets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [index("realtime_tickets_expires_at_idx").on(t.expiresAt)],
);

export const oneTimeTokens = sqliteTable(
  "one_time_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["email_verification", "password_reset", "mfa_login"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    /** JSON: purpose-specific context (e.g. the e-mail address being verified, login ip/ua). */
    context: text("context").notNull().default("{}"),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [
    uniqueIndex("one_time_tokens_token_hash_unique").on(t.tokenHash),
    index("one_time_tokens_user_purpose_idx").on(t.userId, t.purpose),
    index("one_time_tokens_expires_at_idx").on(t.expiresAt),
  ],
);

export const totpCredentials = sqliteTable("totp_credentials", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  enabledAt: timestamp("enabled_at"),
  /** Highest accepted TOTP time step: a code is accepted once (replay protection). */
  lastUsedStep: integer("last_used_step").notNull().default(0),
  createdAt: timestamp("created_at").notNull(),
});

export const backupCodes = sqliteTable(
  "backup_codes",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("backup_codes_user_id_idx").on(t.userId)],
);

export const inviteCodes = sqliteTable(
  "invite_codes",
  {
    code: text("code").primaryKey(),
    createdBy: text("created_by"),
    maxUses: integer("max_uses").notNull().default(1),
    uses: integer("uses").notNull().default(0),
    expiresAt: timestamp("expires_at"),
    revokedAt: timestamp("revoked_at"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("invite_codes_created_by_idx").on(t.createdBy, t.createdAt)],
);

export const knownDevices = sqliteTable(
  "known_devices",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceHash: text("device_hash").notNull(),
    firstSeenAt: timestamp("first_seen_at").notNull(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.deviceHash] })],
);

/** Development only: every e-mail sent while ENVIRONMENT=development, read by GET /dev/mailbox. */
export const devMailbox = sqliteTable(
  "dev_mailbox",
  {
    id: text("id").primaryKey(),
    to: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    createdAt: timestamp("created_at").notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index("dev_mailbox_to_idx").on(t.to, t.createdAt)],
);

/** WebAuthn credentials (passkeys): a sign-in method and a second factor. */
export const passkeys = sqliteTable(
  "passkeys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The authenticator's credential id, base64url: what an assertion names. */
    credentialId: text("credential_id").notNull(),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    /** The signature counter last accepted: an assertion must move it up (or both stay 0) or it is a clone. */
    counter: integer("counter").notNull().default(0),
    /** JSON array of transports the browser reported (usb, internal, hybrid...), passed back in allowCredentials. */
    transports: text("transports").notNull().default("[]"),
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull().default(false),
    aaguid: text("aaguid").notNull(),
    name: text("name").notNull(),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [uniqueIndex("passkeys_credential_id_unique").on(t.credentialId), index("passkeys_user_id_idx").on(t.userId)],
);

/** Outstanding WebAuthn challenges: each is deleted by the verification that uses it, so it works once. */
export const passkeyChallenges = sqliteTable(
  "passkey_challenges",
  {
    challenge: text("challenge").primaryKey(),
    purpose: text("purpose", { enum: ["registration", "login", "mfa"] }).notNull(),
    /** Registration and second factor: whose ceremony this is; a first-factor login does not know yet. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [index("passkey_challenges_expires_at_idx").on(t.expiresAt)],
);

/** The countries a user has signed in from (Cloudflare's request.cf.country): a sign-in from another is flagged. */
export const knownCountries = sqliteTable(
  "known_countries",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** ISO 3166-1 alpha-2, as Cloudflare reports it (T1 for Tor). */
    country: text("country").notNull(),
    firstSeenAt: timestamp("first_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.country] })],
);

/** A user's confirmed phone number (E.164): at most one per account, and one account per number. */
export const userPhones = sqliteTable(
  "user_phones",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** E.164, e.g. +14155550123. */
    phone: text("phone").notNull(),
    confirmedAt: timestamp("confirmed_at").notNull(),
  },
  (t) => [uniqueIndex("user_phones_phone_unique").on(t.phone)],
);

/**
 * One-time SMS codes. Only a hash of the code is kept; `attempts` counts wrong tries inside the
 * statement that checks a code, so parallel guesses cannot pass a check made before they count.
 */
export const phoneCodes = sqliteTable(
  "phone_codes",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["phone_confirm", "phone_sign_in", "password_reset"] }).notNull(),
    /** The number the code went to (E.164): confirming adds this number; signing in must name it. */
    phone: text("phone").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [index("phone_codes_user_purpose_idx").on(t.userId, t.purpose), index("phone_codes_expires_at_idx").on(t.expiresAt)],
);

/** Development and tests only: every SMS the platform "sent" (GET /dev/sms-outbox). */
export const devSmsOutbox = sqliteTable(
  "dev_sms_outbox",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("dev_sms_outbox_to_idx").on(t.to, t.createdAt)],
);
