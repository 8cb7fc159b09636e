import type { Deps } from "../../platform/deps-types";
import { ApiError } from "../../http/errors";
import { checkPathValues } from "./definitions";
import { checkParams } from "./params";
import type { ModelOutput, TaskAnswer } from "./provider-adapter";
import type { ResolvedModel } from "./provider-adapter";
import type { JsonValue } from "./templates";

/**
 * The provider layer for callers outside the asset pipeline (e.g. the jobs board's AI drafts):
 *
 *   startModelTask(env, db, modelId, { prompt, params?, seed?, parentImageUrl?, idempotencyKey? })
 *     -> { kind: "done", output } | { kind: "pending", taskId } | { kind: "failed", error }
 *   pollModelTask(env, db, modelId, taskId, sameInput) -> the same union
 *
 * `output` is `{ kind: "text", text, json? }` for text models (`json` when the text parses; with
 * `dev-text` pass `params: { responseSchema }` to get JSON of that shape) or
 * `{ kind: "files", results: [{ kind: "url", url } | { kind: "bytes", bytes }] }`.
 * Throws ApiError 404 `model_not_found`, 400 `invalid_params`; a provider call that produced no
 * answer throws `ProviderError` whose `retryable` says whether trying again may help.
 */
export interface ModelTaskInput {
  prompt: string;
  params?: Record<string, unknown>;
  seed?: number;
  parentImageUrl?: string;
  /** Sent to the provider as Idempotency-Key (the asset id in the pipeline). */
  idempotencyKey?: string;
}

export type ModelTaskResult =
  | { kind: "done"; output: ModelOutput }
  | { kind: "pending"; taskId: string; providerStatus?: string }
  | { kind: "failed"; error: string };

/** The model or 404 `model_not_found` (also for a development model outside development). */
export async function requireModel(deps: Deps, modelId: string): Promise<ResolvedModel> {
  const resolved = await deps.ai.resolveModel(modelId);
  if (!resolved) throw new ApiError(404, "model_not_found", `No model ${modelId}`);
  return resolved;
}

/** The template variables of a request: the reserved ones and the checked params (with their defaults). */
export function taskVariables(resolved: ResolvedModel, input: ModelTaskInput): Record<string, JsonValue> {
  const params = checkParams(resolved.model.paramsSchema, input.params);
  const variables: Record<string, JsonValue> = { ...params, prompt: input.prompt };
  const seed = input.seed ?? (typeof params.seed === "number" ? params.seed : undefined);
  if (seed !== undefined) variables.seed = seed;
  if (input.parentImageUrl !== undefined) variables.parentImageUrl = input.parentImageUrl;
  if (input.idempotencyKey !== undefined) variables.idempotencyKey = input.idempotencyKey;
  checkPathValues(resolved.model, variables);
  return variables;
}

export function resultOf(answer: TaskAnswer): ModelTaskResult {
  if (answer.state === "succeeded") return { kind: "done", output: answer.output };
  if (answer.state === "failed") return { kind: "failed", error: answer.error };
  return { kind: "pending", taskId: answer.taskId, providerStatus: answer.providerStatus };
}

export async function startModelTask(deps: Deps, modelId: string, input: ModelTaskInput): Promise<ModelTaskResult> {
  const resolved = await requireModel(deps, modelId);
  if (!resolved.offered) throw new ApiError(404, "model_not_found", `The model ${modelId} is not offered`);
  const variables = taskVariables(resolved, input);
  return resultOf(await resolved.adapter.start({ model: resolved.model, variables, idempotencyKey: input.idempotencyKey }));
}

export async function pollModelTask(deps: Deps, modelId: string, taskId: string, input: ModelTaskInput): Promise<ModelTaskResult> {
  const resolved = await requireModel(deps, modelId);
  return resultOf(await resolved.adapter.poll(resolved.model, taskId, taskVariables(resolved, input)));
}
