import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * AI providers as data: where to send requests and how to authenticate. The credential itself is
 * a Worker secret; only its name (`secretRef`) is stored, so neither D1 nor any response holds it.
 */
export const studioProviders = sqliteTable("studio_providers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  baseUrl: text("base_url").notNull(),
  /** Header that carries the credential, e.g. "authorization"; null for none. */
  authHeaderName: text("auth_header_name"),
  /** Its value with `{{secret}}` where the secret goes, e.g. "Bearer {{secret}}". */
  authHeaderTemplate: text("auth_header_template"),
  /** Name of the Worker secret holding the credential (never its value). */
  secretRef: text("secret_ref"),
  /** JSON object of fixed extra headers (no secrets), e.g. an API version. */
  headers: text("headers").notNull().default("{}"),
  /** False: its models are not offered for new work (running generations finish). */
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: timestamp("created_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
});

/** One model of a provider: the request it takes (a JSON template) and how to read its answers. */
export const studioModels = sqliteTable(
  "studio_models",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => studioProviders.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["image", "video", "text"] }).notNull(),
    method: text("method", { enum: ["POST", "PUT", "GET"] }).notNull(),
    /** Path below the provider's base URL; may hold placeholders. */
    endpoint: text("endpoint").notNull(),
    /** JSON body with `{{placeholders}}`. */
    requestTemplate: text("request_template").notNull(),
    /** JSON Schema of the params a user may send. */
    paramsSchema: text("params_schema").notNull(),
    /** JSON: pointers to the task id, status, results and error, and the status values. */
    responseMapping: text("response_mapping").notNull(),
    /** JSON {method, endpoint, bodyTemplate?} of the status request of an asynchronous API; null when synchronous. */
    poll: text("poll"),
    /** JSON {method, endpoint, bodyTemplate?} of the request that cancels a task; null when the provider cannot cancel. */
    cancel: text("cancel"),
    /** False: not offered for new work (running generations finish). */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("studio_models_provider_idx").on(t.providerId, t.id)],
);

/** Tasks of the built-in development provider (no network): how often each was polled, and whether it was cancelled. */
export const studioDevTasks = sqliteTable("studio_dev_tasks", {
  id: text("id").primaryKey(),
  modelId: text("model_id").notNull(),
  /** JSON of the variables the task was started with. */
  input: text("input").notNull(),
  polls: integer("polls").notNull().default(0),
  cancelledAt: timestamp("cancelled_at"),
  createdAt: timestamp("created_at").notNull(),
});
