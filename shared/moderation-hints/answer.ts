import { z } from "zod";
import { HINT_LABELS } from "../db/schema/moderation-hints";

/** What the hint model answers: one to three labels with their confidence, and a one-line reason. */
export const HintAnswer = z.object({
  labels: z
    .array(z.object({ label: z.enum(HINT_LABELS), confidence: z.number().min(0).max(1) }))
    .min(1)
    .max(3),
  reason: z.string().trim().min(1).max(300),
});
export type HintAnswer = z.infer<typeof HintAnswer>;

/** The same, as the JSON Schema the model is asked to answer in (`responseSchema`). */
export const HINT_JSON_SCHEMA = {
  type: "object",
  properties: {
    labels: {
      type: "array",
      minItems: 1,
      maxItems: 3,
      items: {
        type: "object",
        properties: { label: { type: "string", enum: [...HINT_LABELS] }, confidence: { type: "number", minimum: 0, maximum: 1 } },
        required: ["label", "confidence"],
      },
    },
    reason: { type: "string", minLength: 1, maxLength: 120 },
  },
  required: ["labels", "reason"],
} as const;
