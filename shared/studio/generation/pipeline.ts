import { ApiError } from "../../http/errors";
import { randomToken } from "../../ids";
import { signedContentUrl } from "../../media/content-urls";
import { removeOwnFile } from "../../media/files";
import { findFile } from "../../media/records/files";
import { metrics } from "../../observability/metrics";
import { recordAuditEvent } from "../../identity/audit/events";
import { taskVariables } from "../providers/model-tasks";
import { type ModelOutput, ProviderError, type ResultSource, type TaskAnswer } from "../providers/provider-adapter";
import type { JsonValue } from "../providers/templates";
import { derivedId } from "./derived-ids";
import { providerPrompt } from "./edit-config";
import { publishAsset } from "./publish";
import {
  type AssetRecord,
  completeAsset,
  countProviderCall,
  dropGeneration,
  failAsset,
  findAsset,
  findGeneration,
  findGenerationRow,
  type GenerationRecord,
  markCancelRefused,
  type NewAssetRecord,
  passToken,
  saveOutput,
  saveProviderTask,
} from "./records";
import { ResultError, storeResult, type StoredResult } from "./result-files";
import type { Deps } from "../../platform/deps-types";

/** The JOBS message that advances one generation; only the holder of the generation's current token may. */
export interface GenerationJob {
  kind: "studio.generation";
  assetId: string;
  token: string;
}

/** Results of one task kept as assets; further ones are ignored. */
export const MAX_RESULTS_PER_TASK = 4;
/** Longest wait between two polls, however long the task takes. */
const MAX_POLL_DELAY_SECONDS = 30;
/** Longest wait before a retry after a retryable failure. */
const MAX_RETRY_DELAY_SECONDS = 300;
/** How long a signed URL of a parent asset (image to video) handed to a provider stays valid. */
const PARENT_URL_SECONDS = 3600;

export const generationJob = (assetId: string, token: string): GenerationJob => ({ kind: "studio.generation", assetId, token });

/** Seconds before poll number `polls` (1 = the first poll): the configured interval, growing by half each time. */
export function pollDelaySeconds(intervalSeconds: number, polls: number): number {
  return Math.min(MAX_POLL_DELAY_SECONDS, Math.ceil(intervalSeconds * 1.5 ** Math.max(0, polls - 1)));
}

/** Seconds before the retry after failure number `failures`: the provider's Retry-After, else doubling from the interval (at least a second). */
export function retryDelaySeconds(intervalSeconds: number, failures: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(MAX_RETRY_DELAY_SECONDS, retryAfterSeconds);
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(1, intervalSeconds) * 2 ** Math.min(10, Math.max(0, failures - 1)));
}

class Generation {
  private readonly config;

  constructor(
    private readonly deps: Deps,
    private asset: AssetRecord,
    private readonly generation: GenerationRecord,
  ) {
    this.config = deps.config.studio;
  }

  async advance(): Promise<void> {
    const now = this.deps.clock.now();
    if (now >= this.generation.deadlineAt.getTime()) {
      return this.fail(timeoutMessage(this.config.generationTimeoutMs, this.generation.lastError), "timed_out");
    }
    const resolved = this.asset.modelId ? await this.deps.ai.resolveModel(this.asset.modelId) : undefined;
    if (!resolved) return this.fail(`The model ${this.asset.modelId} is not offered any more`);
    if (resolved.model.kind === "text") return this.fail("A text model cannot make an asset");

    if (this.generation.output) return this.finish((JSON.parse(this.generation.output) as string[]).map((url) => ({ kind: "url", url })));

    if (this.asset.attempts >= this.config.generationMaxAttempts) {
      return this.fail(`Gave up after ${this.asset.attempts} provider calls${this.generation.lastError ? `: ${this.generation.lastError}` : ""}`);
    }
    const counted = await countProviderCall(this.deps.db, this.asset.id, this.generation.token, now);
    if (!counted) return;
    if (counted.status !== this.asset.status) await publishAsset(this.deps, counted);
    this.asset = counted;

    let answer: TaskAnswer;
    try {
      const variables = taskVariables(resolved, {
        prompt: await providerPrompt(this.deps, counted),
        params: JSON.parse(counted.params) as Record<string, unknown>,
        seed: counted.seed ?? undefined,
        parentImageUrl: await this.parentImageUrl(),
        idempotencyKey: counted.id,
      });
      answer = counted.providerTaskId
        ? await resolved.adapter.poll(resolved.model, counted.providerTaskId, variables)
        : await resolved.adapter.start({ model: resolved.model, variables, idempotencyKey: counted.id });
    } catch (error) {
      if (error instanceof ProviderError && error.retryable) {
        return this.retryLater(error.message, retryDelaySeconds(this.config.pollIntervalSeconds, counted.attempts, error.retryAfterSeconds));
      }
      if (error instanceof ProviderError) return this.fail(error.message);
      if (error instanceof ApiError && error.status < 500) return this.fail(error.detail ?? error.code);
      throw error;
    }

    if (answer.state === "failed") return this.fail(answer.error);
    if (answer.state === "pending") {
      if (!counted.providerTaskId) await saveProviderTask(this.deps.db, counted.id, answer.taskId, this.deps.clock.now());
      // attempts counts the start too, so it is the number of the poll that comes next.
      return this.handOn(pollDelaySeconds(this.config.pollIntervalSeconds, counted.attempts), null);
    }
    if (answer.taskId && !counted.providerTaskId) await saveProviderTask(this.deps.db, counted.id, answer.taskId, this.deps.clock.now());
    return this.finish(await this.sourcesOf(answer.output));
  }

  private async sourcesOf(output: ModelOutput): Promise<ResultSource[]> {
    if (output.kind !== "files") throw new ProviderError(false, "The model answered text, not files");
    const sources = output.results.slice(0, MAX_RESULTS_PER_TASK);
    const urls = sources.flatMap((s) => (s.kind === "url" ? [s.url] : []));
    // Named URLs are kept, so a retry of the download never asks the provider (or pays) again.
    if (urls.length === sources.length) await saveOutput(this.deps.db, this.asset.id, this.generation.token, urls);
    return sources;
  }

  private async parentImageUrl(): Promise<string | undefined> {
    if (!this.asset.parentAssetId) return undefined;
    const parent = await findAsset(this.deps.db, this.asset.parentAssetId);
    const fileId = parent?.ownerId === this.asset.ownerId ? parent.fileId : null;
    if (!fileId) throw new ApiError(400, "invalid_parent", "The parent asset has no file any more");
    const { url } = await signedContentUrl(this.deps, fileId, this.asset.ownerId, PARENT_URL_SECONDS);
    return url;
  }

  private async finish(sources: ResultSource[]): Promise<void> {
    const target = { assetId: this.asset.id, ownerId: this.asset.ownerId, kind: this.asset.type };
    const stored: StoredResult[] = [];
    try {
      for (const [index, source] of sources.entries()) stored.push(await storeResult(this.deps, target, index, source, this.config.providerTimeoutMs));
    } catch (error) {
      if (!(error instanceof ResultError)) throw error;
      if (error.retryable) return this.retryLater(error.message, retryDelaySeconds(this.config.pollIntervalSeconds, this.asset.attempts));
      return this.fail(error.message);
    }
    if (stored.length === 0) return this.fail("The provider named no results");
    const now = this.deps.clock.now();
    const siblings: NewAssetRecord[] = [];
    for (const [index, files] of stored.entries()) {
      if (index === 0) continue;
      siblings.push({
        id: await derivedId(this.asset.id, `asset:${index}`),
        boxId: this.asset.boxId,
        ownerId: this.asset.ownerId,
        type: this.asset.type,
        status: "completed",
        source: this.asset.source,
        fileId: files.fileId,
        thumbnailFileId: files.thumbnailFileId,
        prompt: this.asset.prompt,
        modelId: this.asset.modelId,
        params: this.asset.params,
        seed: this.asset.seed,
        parentAssetId: this.asset.parentAssetId,
        providerTaskId: this.asset.providerTaskId,
        createdAt: this.asset.createdAt,
        updatedAt: new Date(now),
      });
    }
    const done = await completeAsset(this.deps.db, this.asset.id, stored[0]!, siblings, now);
    if (!done) return this.dropOrphanFiles(stored);
    metrics.count("studio_generations_total", { outcome: "succeeded" });
    await publishAsset(this.deps, done.asset);
    for (const sibling of done.siblings) await publishAsset(this.deps, sibling);
  }

  /** The asset went (deleted by its owner) while its results were stored: the files it would have owned go too, and the task is over. */
  private async dropOrphanFiles(stored: StoredResult[]): Promise<void> {
    const current = await findGeneration(this.deps.db, this.asset.id);
    if (current) return;
    for (const files of stored) {
      for (const id of [files.fileId, files.thumbnailFileId]) {
        if (id && (await findFile(this.deps.db, id))) await removeOwnFile(this.deps, id, this.asset.ownerId);
      }
    }
    await dropGeneration(this.deps.db, this.asset.id);
  }

  private async fail(error: string, outcome: "failed" | "timed_out" = "failed"): Promise<void> {
    const failed = await failAsset(this.deps.db, this.asset.id, error, this.deps.clock.now());
    if (!failed) return;
    metrics.count("studio_generations_total", { outcome });
    await publishAsset(this.deps, failed);
  }

  private async retryLater(error: string, delaySeconds: number): Promise<void> {
    this.deps.log("warn", "studio generation will retry", { assetId: this.asset.id, attempts: this.asset.attempts, delaySeconds, error });
    metrics.count("studio_generations_total", { outcome: "retried" });
    return this.handOn(delaySeconds, error);
  }

  /** Passes the generation to a new message sent with `delaySeconds`; a failed send leaves it to this message's retry. */
  private async handOn(delaySeconds: number, lastError: string | null): Promise<void> {
    await sendNext(this.deps, this.generation, delaySeconds, lastError);
  }
}

/** Moves the generation's token on and sends the message that holds it. */
async function sendNext(deps: Deps, generation: GenerationRecord, delaySeconds: number, lastError: string | null): Promise<void> {
  const next = randomToken(16);
  if (!(await passToken(deps.db, generation.assetId, generation.token, next, lastError, deps.clock.now()))) return;
  try {
    await deps.queue.send(generationJob(generation.assetId, next), { delaySeconds });
  } catch (error) {
    // Give the token back, so the retry of the message being handled can hand on again.
    await passToken(deps.db, generation.assetId, next, generation.token, null, deps.clock.now()).catch(() => false);
    throw error;
  }
}

/**
 * A deleted asset's task is polled (and a failed cancel retried) at the pace a generation reaches
 * after a few steps (5 s with the default 2 s interval, 8 s for retries): nobody waits for the
 * result, only for the slot.
 */
const WIND_DOWN_STEP = 3;

/**
 * A generation whose asset was deleted while its provider task may still run (and bill): it holds
 * the owner's slot until the task is cancelled through the provider, ends, or times out. Each
 * step cancels where the model has a cancel request (recorded: audit event
 * `studio.generation_cancelled`, metric outcome `cancelled`), else polls, handing on like any
 * generation; results of an ended task are never downloaded.
 */
class DeletedAssetGeneration {
  private readonly config;

  constructor(
    private readonly deps: Deps,
    private readonly generation: GenerationRecord,
  ) {
    this.config = deps.config.studio;
  }

  async advance(): Promise<void> {
    const { assetId, providerTaskId: taskId, modelId } = this.generation;
    if (this.deps.clock.now() >= this.generation.deadlineAt.getTime()) return this.release("timed out");
    // No task id: no start answered (a start in flight holds this very token, and saves its task id before handing on).
    if (!taskId || !modelId) return this.release("never started at the provider");
    const resolved = await this.deps.ai.resolveModel(modelId);
    // A model no longer offered can be neither cancelled nor polled: the slot stays until the deadline (the sweep).
    if (!resolved) return;
    let variables: Record<string, JsonValue>;
    try {
      variables = taskVariables(resolved, { ...this.requestOf(), idempotencyKey: assetId });
    } catch {
      // The stored request no longer fits the model's templates: nothing can be sent, so the deadline frees the slot.
      return;
    }
    const { model, adapter } = resolved;
    if (!this.generation.cancelRefusedAt) {
      try {
        if ((await adapter.cancel(model, taskId, variables)) === "cancelled") return this.cancelled(taskId);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (error.retryable)
          return this.handOn(retryDelaySeconds(this.config.pollIntervalSeconds, WIND_DOWN_STEP, error.retryAfterSeconds), `Cancel: ${error.message}`);
        // Refused (the task may have ended): poll it to its end instead, without asking again.
        await markCancelRefused(this.deps.db, assetId, this.deps.clock.now());
      }
    }
    let answer: TaskAnswer;
    try {
      answer = await adapter.poll(model, taskId, variables);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (error.retryable) return this.handOn(retryDelaySeconds(this.config.pollIntervalSeconds, WIND_DOWN_STEP, error.retryAfterSeconds), error.message);
      // The provider will not tell: the slot stays until the deadline (the sweep).
      return;
    }
    if (answer.state === "pending") return this.handOn(pollDelaySeconds(this.config.pollIntervalSeconds, WIND_DOWN_STEP), null);
    return this.release(`ended at the provider (${answer.state})`);
  }

  private requestOf(): { prompt: string; params?: Record<string, unknown>; seed?: number } {
    const request = JSON.parse(this.generation.request ?? "{}") as { prompt?: string; params?: Record<string, unknown>; seed?: number | null };
    return { prompt: request.prompt ?? "", params: request.params, seed: request.seed ?? undefined };
  }

  private async cancelled(taskId: string): Promise<void> {
    const { assetId, ownerId, modelId } = this.generation;
    await recordAuditEvent(this.deps.db, {
      userId: ownerId,
      type: "studio.generation_cancelled",
      detail: { assetId, modelId, taskId, reason: "asset deleted" },
    });
    metrics.count("studio_generations_total", { outcome: "cancelled" });
    this.deps.log("info", "studio generation cancelled at the provider", { assetId, modelId, taskId });
    await dropGeneration(this.deps.db, assetId);
  }

  private async release(why: string): Promise<void> {
    this.deps.log("info", "studio generation of a deleted asset released its slot", { assetId: this.generation.assetId, why });
    await dropGeneration(this.deps.db, this.generation.assetId);
  }

  private async handOn(delaySeconds: number, lastError: string | null): Promise<void> {
    await sendNext(this.deps, this.generation, delaySeconds, lastError);
  }
}

export function timeoutMessage(timeoutMs: number, lastError: string | null): string {
  return `Timed out: not finished within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ""}`;
}

/** The JOBS consumer of `studio.generation`: one step of the generation (start, poll, store results, or give up). */
export async function runGenerationJob(message: GenerationJob, deps: Deps): Promise<void> {
  const db = deps.db;
  const found = await findGeneration(db, message.assetId);
  if (!found) {
    const left = await findGenerationRow(db, message.assetId);
    if (left?.token === message.token) await new DeletedAssetGeneration(deps, left).advance();
    return;
  }
  const { asset, generation } = found;
  if (!generation || generation.token !== message.token) return;
  if (asset.status === "completed" || asset.status === "failed") return dropGeneration(db, asset.id);
  await new Generation(deps, asset, generation).advance();
}

/** The dead-letter consumer of `studio.generation`: the message gave up (retried until exhausted), so does the asset. */
export async function deadLetterGeneration(message: GenerationJob, deps: Deps): Promise<void> {
  const db = deps.db;
  const found = await findGeneration(db, message.assetId);
  if (!found?.generation || found.generation.token !== message.token) return;
  const failed = await failAsset(
    db,
    message.assetId,
    `Gave up after repeated errors in the generation queue${found.generation.lastError ? ` (last error: ${found.generation.lastError})` : ""}`,
    deps.clock.now(),
  );
  if (!failed) return;
  metrics.count("studio_generations_total", { outcome: "dead_lettered" });
  await publishAsset(deps, failed);
}

/** Sends again the message of a generation whose chain of messages broke (a crash between two steps). */
export async function redriveGeneration(deps: Deps, generation: GenerationRecord): Promise<void> {
  await sendNext(deps, generation, 0, null);
}
