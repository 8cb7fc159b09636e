import { ApiError } from "../../http/errors";
import type { Deps } from "../../platform/deps-types";
import { type ModelTaskInput, type ModelTaskResult, pollModelTask, startModelTask } from "./model-tasks";
import { ProviderError } from "./provider-adapter";

/**
 * One step of a queued model task for callers outside the asset pipeline (moderation hints,
 * transcripts): start it, or poll the provider's task when there is one. A failure that trying
 * again cannot mend comes back as `failed` with a reason to store (`code: words`); a retryable
 * provider failure is thrown, so the queue retries the job with backoff.
 */
export async function advanceModelTask(deps: Deps, modelId: string, providerTaskId: string | null, input: ModelTaskInput): Promise<ModelTaskResult> {
  let result: ModelTaskResult;
  try {
    result = providerTaskId ? await pollModelTask(deps, modelId, providerTaskId, input) : await startModelTask(deps, modelId, input);
  } catch (error) {
    if (error instanceof ProviderError && error.retryable) throw error;
    if (error instanceof ApiError) return { kind: "failed", error: `${error.code}: ${error.detail ?? ""}` };
    if (error instanceof ProviderError) return { kind: "failed", error: `provider_error: ${error.message}` };
    throw error;
  }
  return result.kind === "failed" ? { kind: "failed", error: `model_failed: ${result.error}` } : result;
}
