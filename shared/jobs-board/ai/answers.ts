import { z } from "zod";
import { EMPLOYMENT_TYPES, SALARY_PERIODS, SENIORITIES } from "../schemas";
import { MAX_TAGS } from "../tags";

/** ISO 4217 codes a salary suggestion may be in. */
export const DRAFT_CURRENCIES = ["EUR", "USD", "GBP", "CHF", "PLN", "CZK", "SEK", "NOK", "DKK", "CAD", "AUD", "JPY", "INR", "BRL"] as const;

/**
 * A model's tag or role as a slug: what is not a letter, digit or `+ # . _ -` becomes `-` (models
 * write "Node JS" or "node.js, backend"); empty when nothing is left.
 */
export function slugOf(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+#._-]+/gu, "-")
    .replace(/-+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 40)
    .replace(/[-.]+$/g, "");
}

/**
 * What the model must answer, twice: as JSON Schema (sent to the model as its response format:
 * `responseSchema` for the development model, `response_format` for OpenAI-compatible ones) and
 * as zod (what the answer is checked against before anything is stored). Keep the two alike.
 */

export const VACANCY_DRAFT_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["title", "description", "tags", "role", "employmentType", "seniority", "remote", "salary"],
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200 },
    description: { type: "string", minLength: 1, maxLength: 20000 },
    tags: { type: "array", minItems: 1, maxItems: MAX_TAGS, items: { type: "string", minLength: 1, maxLength: 40 } },
    role: { type: "string", minLength: 1, maxLength: 40 },
    employmentType: { type: "string", enum: [...EMPLOYMENT_TYPES] },
    seniority: { type: "string", enum: [...SENIORITIES] },
    remote: { type: "boolean" },
    salary: {
      type: "object",
      additionalProperties: false,
      required: ["min", "max", "currency", "period"],
      properties: {
        min: { type: "integer", minimum: 0, maximum: 10000000 },
        max: { type: "integer", minimum: 0, maximum: 10000000 },
        currency: { type: "string", enum: [...DRAFT_CURRENCIES] },
        period: { type: "string", enum: [...SALARY_PERIODS] },
      },
    },
  },
} as const;

export const VacancyDraftAnswer = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().min(1).max(20_000),
    tags: z.array(z.string().min(1).max(40)).min(1).max(MAX_TAGS),
    role: z.string().min(1).max(40),
    employmentType: z.enum(EMPLOYMENT_TYPES),
    seniority: z.enum(SENIORITIES),
    // whether the notes say the work can be done remotely; a model that leaves it out says no
    remote: z.boolean().default(false),
    salary: z
      .object({
        min: z.number().int().min(0).max(10_000_000),
        max: z.number().int().min(0).max(10_000_000),
        currency: z.enum(DRAFT_CURRENCIES),
        period: z.enum(SALARY_PERIODS),
      })
      .strict()
      // a suggestion's bounds in either order mean the same range
      .transform((s) => ({ ...s, min: Math.min(s.min, s.max), max: Math.max(s.min, s.max) })),
  })
  .strict()
  .transform((draft) => ({ ...draft, tags: [...new Set(draft.tags.map(slugOf).filter(Boolean))], role: slugOf(draft.role) }))
  .refine((draft) => draft.role.length > 0 && draft.tags.length > 0, "role and tags need letters or digits");

export const PROFILE_ANALYSIS_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["strengths", "gaps", "suggestedTags"],
  properties: {
    strengths: { type: "array", minItems: 1, maxItems: 10, items: { type: "string", minLength: 1, maxLength: 300 } },
    gaps: { type: "array", maxItems: 10, items: { type: "string", minLength: 1, maxLength: 300 } },
    suggestedTags: { type: "array", maxItems: MAX_TAGS, items: { type: "string", minLength: 1, maxLength: 40 } },
  },
} as const;

export const ProfileAnalysisAnswer = z
  .object({
    strengths: z.array(z.string().min(1).max(300)).min(1).max(10),
    gaps: z.array(z.string().min(1).max(300)).max(10),
    suggestedTags: z.array(z.string().min(1).max(40)).max(MAX_TAGS),
  })
  .strict()
  .transform((analysis) => ({ ...analysis, suggestedTags: [...new Set(analysis.suggestedTags.map(slugOf).filter(Boolean))] }));

/** A script to read while recording a video introduction (a teleprompter's text) and the points it makes. */
export const INTRO_SCRIPT_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["script", "talkingPoints"],
  properties: {
    script: { type: "string", minLength: 1, maxLength: 3000 },
    talkingPoints: { type: "array", minItems: 1, maxItems: 8, items: { type: "string", minLength: 1, maxLength: 200 } },
  },
} as const;

export const IntroScriptAnswer = z
  .object({
    script: z.string().trim().min(1).max(3000),
    talkingPoints: z.array(z.string().trim().min(1).max(200)).min(1).max(8),
  })
  .strict();

export type VacancyDraftAnswer = z.output<typeof VacancyDraftAnswer>;
export type IntroScriptAnswer = z.output<typeof IntroScriptAnswer>;
export type ProfileAnalysisAnswer = z.output<typeof ProfileAnalysisAnswer>;
