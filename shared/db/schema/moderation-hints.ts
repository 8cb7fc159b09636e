import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

export const HINT_SUBJECTS = ["image", "video"] as const;
/** `kept` is a text value like the others (no CHECK constraint), so it needed no migration. */
export const HINT_STATUSES = ["pending", "completed", "failed", "kept"] as const;
export const HINT_LABELS = ["ok", "nudity", "violence", "hate", "spam", "other"] as const;

/**
 * An AI model's advisory opinion of one uploaded picture (gallery image) or video, asked for by a
 * queued job when the item arrives (docs/media.md, "AI moderation hints"). It never decides: a
 * moderator reads it beside the item. One row per item, so a repeated job asks the model once.
 */
export const moderationHints = sqliteTable(
  "moderation_hints",
  {
    subjectKind: text("subject_kind", { enum: HINT_SUBJECTS }).notNull(),
    subjectId: text("subject_id").notNull(),
    ownerId: text("owner_id").notNull(),
    /** `kept`: a moderator looked at the item and kept it, so the hint was wrong (who: the `moderation.hint_kept` audit event). */
    status: text("status", { enum: HINT_STATUSES }).notNull().default("pending"),
    modelId: text("model_id").notNull(),
    /** JSON: what the model is asked with (prompt, schema, picture URL), fixed when the item arrived. */
    input: text("input").notNull(),
    /** The provider's task id while an asynchronous model works. */
    providerTaskId: text("provider_task_id"),
    /** Runs of the consumer so far (polls included). */
    attempts: integer("attempts").notNull().default(0),
    /** JSON: [{ label, confidence }] strongest first, once completed. */
    labels: text("labels"),
    /** The model's one-line reason. */
    reason: text("reason"),
    /** Why there is no hint (`code: words`), once failed. */
    error: text("error"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectKind, t.subjectId] }), index("moderation_hints_owner_idx").on(t.ownerId)],
);
