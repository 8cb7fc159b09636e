import type { ModelOutput } from "./provider-adapter";

/** Something that checks a value, as zod schemas do. */
interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * A text model's JSON answer read through `schema`, or the reason it cannot be used
 * (`invalid_model_answer: ...`, at most 500 characters, safe to store and show to operators).
 */
export function readModelJson<T>(output: ModelOutput, schema: AnswerSchema<T>): { ok: true; value: T } | { ok: false; reason: string } {
  if (output.kind !== "text") return { ok: false, reason: "invalid_model_answer: the model answered with files, not JSON text" };
  let json: unknown = output.json;
  if (json === undefined) {
    try {
      json = JSON.parse(output.text);
    } catch {
      return { ok: false, reason: "invalid_model_answer: the answer is not JSON" };
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      reason: `invalid_model_answer: ${parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"} ${i.message}`).join("; ")}`.slice(0, 500),
    };
  return { ok: true, value: parsed.data };
}
