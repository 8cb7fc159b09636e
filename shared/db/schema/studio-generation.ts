import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * A generation in flight, one per asset being generated; gone once the asset is completed or
 * failed. `token` names the one queue message allowed to advance it: a redelivered or duplicate
 * message carries an older token and does nothing.
 *
 * It outlives its asset: an asset deleted while its provider task runs leaves the row behind
 * (with what the provider needs to poll or cancel that task), and the row holds the owner's
 * concurrency slot until the task is cancelled, ends, or times out.
 */
export const studioGenerations = sqliteTable(
  "studio_generations",
  {
    assetId: text("asset_id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    token: text("token").notNull(),
    /** The model asked; with `request` and `providerTaskId`, what a generation whose asset was deleted needs to poll or cancel its task. */
    modelId: text("model_id"),
    /** JSON {prompt, params, seed} of the request (the variables of the poll and cancel templates). */
    request: text("request"),
    /** The provider's task id once a start answered with one (also kept on the asset). */
    providerTaskId: text("provider_task_id"),
    /** When the provider refused to cancel the task of a deleted asset: not asked again, the task is polled to its end instead. */
    cancelRefusedAt: timestamp("cancel_refused_at"),
    /** JSON array of the result URLs once the provider named them (so a retry downloads, never starts again). */
    output: text("output"),
    /** The last retryable failure, reported if the generation gives up. */
    lastError: text("last_error"),
    /** When the generation counts as failed (STUDIO_GENERATION_TIMEOUT_SECONDS after it was asked for). */
    deadlineAt: timestamp("deadline_at").notNull(),
    /** When its message was last handed on; a generation idle far longer than any poll delay is sent again by the sweep. */
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    index("studio_generations_deadline_idx").on(t.deadlineAt),
    index("studio_generations_updated_idx").on(t.updatedAt),
    index("studio_generations_owner_idx").on(t.ownerId),
  ],
);

/**
 * The Smart Edit system configuration, one immutable row per version (the newest is in force):
 * the system prompt that frames what a user asks when they edit a picture with a model, and
 * default params. Assets record the version that shaped them; the rows are the audit trail.
 */
export const studioEditConfigs = sqliteTable("studio_edit_configs", {
  version: integer("version").primaryKey(),
  /** Holds `{{prompt}}` where the user's words go. */
  systemPrompt: text("system_prompt").notNull(),
  /** JSON object of default params, applied under the user's own. */
  params: text("params").notNull().default("{}"),
  note: text("note").notNull().default(""),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at").notNull(),
});
