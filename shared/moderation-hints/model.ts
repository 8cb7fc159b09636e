import { z } from "@hono/zod-openapi";
import { HINT_LABELS, HINT_STATUSES } from "../db/schema/moderation-hints";

/** A hint as the API shows it (GET /v1/moderation/hints/..., and beside each item of the moderation queues). */
export const ModerationHintSchema = z
  .object({
    status: z.enum(HINT_STATUSES).openapi({ description: "`kept`: a moderator kept the item (POST .../keep): the hint was wrong" }),
    labels: z
      .array(z.object({ label: z.enum(HINT_LABELS), confidence: z.number().min(0).max(1) }))
      .openapi({ description: "Strongest first; `ok` when the model saw nothing wrong. Empty until completed." }),
    reason: z.string().nullable().openapi({ description: "The model's one-line reason" }),
    error: z.string().nullable().openapi({ description: "Why there is no hint (`code: words`), when failed" }),
    model: z.string().openapi({ description: "The studio model that was asked (MODERATION_HINT_MODEL)" }),
    updatedAt: z.string(),
  })
  .openapi("ModerationHint", { description: "Advisory only: an AI model's opinion, never a decision. A moderator decides." });
