import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * A generation in flight, one per asset being generated; gone once the asset is completed or
 * failed. `token` names the one queue message allowed to advance it: a redelivered or duplicate
 * message carries an older token and does nothing.
 */
export const studioGenerations = sqliteTable(
  "studio_generations",
  {
    assetId: text("asset_id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    token: text("token").notNull(),
    /** JSON array of the result URLs once the provider named them (so a retry downloads, never starts again). */
    output: text("output"),
    /** The last retryable failure, reported if the generation gives up. */
    lastError: text("last_error"),
    /** When the generation counts as failed (STUDIO_GENERATION_TIMEOUT_SECONDS after it was asked for). */
    deadlineAt: timestamp("deadline_at").notNull(),
    /** When its message was last handed on; a generation idle far longer than any poll delay is sent again by the sweep. */
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [index("studio_generations_deadline_idx").on(t.deadlineAt), index("studio_generations_updated_idx").on(t.updatedAt)],
);
