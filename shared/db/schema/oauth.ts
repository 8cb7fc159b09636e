import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";
import { sessions, users } from "./identity";

/** Apps registered by admins to sign users in through the platform (docs/sso.md). */
export const oauthClients = sqliteTable("oauth_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  type: text("type", { enum: ["public", "confidential"] }).notNull(),
  /** SHA-256 of the client secret (confidential clients only); the secret is shown once. */
  secretHash: text("secret_hash"),
  /** JSON array of exact redirect URIs. */
  redirectUris: text("redirect_uris").notNull(),
  /** JSON array of URIs /oauth/logout may send the browser back to. */
  postLogoutRedirectUris: text("post_logout_redirect_uris").notNull().default("[]"),
  /** JSON array of the scopes the client may ask for. */
  scopes: text("scopes").notNull(),
  /** Where OIDC Back-Channel Logout 1.0 logout tokens are posted when a session the client has tokens of ends. */
  backchannelLogoutUri: text("backchannel_logout_uri"),
  /**
   * JSON array of the clients this client is a resource server for: it may introspect their tokens
   * (RFC 7662 §4). Every client may introspect its own.
   */
  resourceServerFor: text("resource_server_for").notNull().default("[]"),
  /** First-party clients skip the consent page. */
  firstParty: integer("first_party", { mode: "boolean" }).notNull().default(false),
  createdAt: timestamp("created_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
  secretRotatedAt: timestamp("secret_rotated_at"),
  disabledAt: timestamp("disabled_at"),
});

/** A user's consent to a client: the scopes granted, remembered until revoked. */
export const oauthGrants = sqliteTable(
  "oauth_grants",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    /** JSON array of granted scopes. */
    scopes: text("scopes").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clientId] }), index("oauth_grants_client_id_idx").on(t.clientId)],
);

/**
 * One authorization: what one code exchange (or one client_credentials request) started, with
 * every token descending from it. Bound to the platform session the user signed in with, so
 * ending that session ends the authorization (and cascading deletes of sessions remove it).
 */
export const oauthAuthorizations = sqliteTable(
  "oauth_authorizations",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    /** Null for client_credentials (the client acts for itself). */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at").notNull(),
    revokedAt: timestamp("revoked_at"),
    revokeReason: text("revoke_reason"),
    /** When the client was sent (queued) a back-channel logout token for the end of this authorization's session. */
    logoutNotifiedAt: timestamp("logout_notified_at"),
  },
  (t) => [index("oauth_authorizations_user_client_idx").on(t.userId, t.clientId), index("oauth_authorizations_session_id_idx").on(t.sessionId)],
);

/** Single-use authorization codes (stored hashed), valid for OAUTH_CODE_TTL_SECONDS. */
export const oauthCodes = sqliteTable(
  "oauth_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    scope: text("scope").notNull(),
    nonce: text("nonce"),
    codeChallenge: text("code_challenge").notNull(),
    authTime: timestamp("auth_time").notNull(),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
    /** The authorization the code's exchange started: revoked if the code is presented again. */
    authorizationId: text("authorization_id"),
  },
  (t) => [index("oauth_codes_expires_at_idx").on(t.expiresAt)],
);

/** Access tokens (by `jti`) and refresh tokens (by hash) of an authorization. */
export const oauthTokens = sqliteTable(
  "oauth_tokens",
  {
    id: text("id").primaryKey(),
    authorizationId: text("authorization_id")
      .notNull()
      .references(() => oauthAuthorizations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["access", "refresh"] }).notNull(),
    /** An access token's scope when a refresh narrowed it; null: its authorization's. */
    scope: text("scope"),
    /** SHA-256 of a refresh token; null for access tokens, which are found by their `jti`. */
    tokenHash: text("token_hash"),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    /** A refresh token's rotation; presenting it again revokes the authorization. */
    spentAt: timestamp("spent_at"),
    /** The refresh token that replaced this one (set by the spend that won). */
    successorId: text("successor_id"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [
    uniqueIndex("oauth_tokens_token_hash_unique").on(t.tokenHash),
    index("oauth_tokens_authorization_id_idx").on(t.authorizationId),
    index("oauth_tokens_expires_at_idx").on(t.expiresAt),
  ],
);
