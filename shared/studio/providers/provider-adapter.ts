import type { ModelDefinition } from "./definitions";
import type { JsonValue } from "./templates";

/** One result of an image or video model: a URL to download, or bytes the provider handed over itself. */
export type ResultSource = { kind: "url"; url: string } | { kind: "bytes"; bytes: Uint8Array };

/** What a finished task produced. */
export type ModelOutput =
  | { kind: "text"; text: string /** The text parsed, when it is JSON. */; json?: JsonValue }
  | { kind: "files"; results: ResultSource[] };

/** The state of a task as the provider tells it. */
export type TaskAnswer =
  | { state: "pending"; taskId: string /** The provider's own word for it (queued, running...). */; providerStatus?: string }
  | { state: "succeeded"; output: ModelOutput; taskId?: string }
  | { state: "failed"; error: string; taskId?: string };

export interface TaskRequest {
  model: ModelDefinition;
  /** The template variables: prompt, seed, params... */
  variables: Record<string, JsonValue>;
  /** Sent as `Idempotency-Key`, so a repeated start does not make a second task where the provider honours it. */
  idempotencyKey?: string;
}

/** What a cancel request achieved: the provider accepted it, or the model has no way to cancel. */
export type CancelAnswer = "cancelled" | "unsupported";

/** Where the outside world (an AI provider) enters; `HttpProvider` and `DevelopmentProvider` implement it. */
export interface ProviderAdapter {
  start(request: TaskRequest): Promise<TaskAnswer>;
  poll(model: ModelDefinition, taskId: string, variables: Record<string, JsonValue>): Promise<TaskAnswer>;
  /** Asks the provider to stop a task (and its bill); throws `ProviderError` when it could not. */
  cancel(model: ModelDefinition, taskId: string, variables: Record<string, JsonValue>): Promise<CancelAnswer>;
}

/**
 * A provider call that did not produce an answer. `retryable` ones (5xx, 429, timeouts, network)
 * may succeed later; the others (4xx, a body the mapping cannot read) will not.
 */
export class ProviderError extends Error {
  constructor(
    readonly retryable: boolean,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
    /** The provider answered, but not in the shape the model's mapping reads. */
    readonly malformed = false,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** A model ready to call: its definition and the adapter that reaches its provider. */
export interface ResolvedModel {
  model: ModelDefinition;
  adapter: ProviderAdapter;
  /** False when an admin deactivated the model or its provider: no new work starts, running tasks finish. */
  offered: boolean;
}
