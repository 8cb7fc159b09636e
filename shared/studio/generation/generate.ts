import { ApiError, badRequest, notFound } from "../../http/errors";
import { newId, randomToken } from "../../ids";
import { metrics } from "../../observability/metrics";
import type { Deps } from "../../platform/deps-types";
import { ownBox } from "../library/projects";
import type { AssetView } from "../library/views";
import { checkPathValues } from "../providers/definitions";
import { checkParams } from "../providers/params";
import { editRequest, providerPrompt } from "./edit-config";
import { generationJob } from "./pipeline";
import { generatedAssetView, publishAsset } from "./publish";
import { type AssetRecord, findAsset, insertPendingAssets, type NewAssetRecord } from "./records";

export interface GenerateRequest {
  modelId: string;
  prompt: string;
  params?: Record<string, unknown>;
  count?: number;
  parentAssetId?: string;
}

/** Seeds are 31-bit, what image models commonly accept. */
const SEED_RANGE = 2 ** 31;

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % SEED_RANGE;
}

/**
 * Asks for `count` generations in a box of the owner: checks the model and its params, takes the
 * owner's concurrency slots and stores the pending assets in one statement, then queues one job
 * per asset. A send that fails leaves the asset to the sweep, which sends it again.
 */
export async function generateAssets(deps: Deps, ownerId: string, boxId: string, request: GenerateRequest): Promise<AssetView[]> {
  const _db = deps.db;
  const config = deps.config.studio;
  await ownBox(deps, boxId, ownerId);
  const resolved = await deps.ai.resolveModel(request.modelId);
  if (!resolved?.offered)
    throw badRequest("unknown_model", `No model ${request.modelId}`, [{ path: "modelId", message: "Not a model of GET /v1/studio/models" }]);
  const kind = resolved.model.kind;
  if (kind === "text") throw badRequest("invalid_model", "A text model cannot make assets", [{ path: "modelId", message: "Pick an image or video model" }]);
  let parent: AssetRecord | undefined;
  if (request.parentAssetId) {
    parent = await findAsset(deps.db, request.parentAssetId);
    if (!parent || parent.ownerId !== ownerId) throw notFound("No such parent asset");
    if (parent.status !== "completed" || parent.type !== "image" || !parent.fileId) {
      throw badRequest("invalid_parent", "The parent asset must be a completed image", [{ path: "parentAssetId", message: "A completed image asset" }]);
    }
  }
  // An edit of a parent picture (Smart Edit) is framed by the operators' configuration in force.
  const edit = parent ? await editRequest(deps, resolved.model.paramsSchema, request.params) : { version: null, params: request.params };
  const params = checkParams(resolved.model.paramsSchema, edit.params);
  const sentPrompt = edit.version === null ? request.prompt : await providerPrompt(deps, { prompt: request.prompt, editConfigVersion: edit.version });
  checkPathValues(resolved.model, { ...params, prompt: sentPrompt });

  const count = request.count ?? 1;
  const baseSeed = typeof params.seed === "number" ? params.seed : randomSeed();
  const now = deps.clock.now();
  const at = new Date(now);
  const assets: NewAssetRecord[] = Array.from({ length: count }, (_, i) => ({
    id: newId(now),
    boxId,
    ownerId,
    type: kind,
    status: "pending",
    source: parent && kind === "video" ? "img2vid" : "generated",
    prompt: request.prompt,
    modelId: resolved.model.id,
    params: JSON.stringify(params),
    seed: (baseSeed + i) % SEED_RANGE,
    parentAssetId: parent?.id ?? null,
    editConfigVersion: edit.version,
    createdAt: at,
    updatedAt: at,
  }));
  const generations = assets.map((asset) => ({
    assetId: asset.id!,
    ownerId,
    token: randomToken(16),
    modelId: resolved.model.id,
    request: JSON.stringify({ prompt: sentPrompt, params, seed: asset.seed }),
    deadlineAt: new Date(now + config.generationTimeoutMs),
    updatedAt: at,
  }));
  if (!(await insertPendingAssets(deps.db, assets, generations, ownerId, config.maxConcurrentGenerations))) {
    throw new ApiError(
      429,
      "generation_limit",
      `At most ${config.maxConcurrentGenerations} generations may run at once (tasks of deleted assets count until the provider stops them); wait for some to finish`,
      { limit: config.maxConcurrentGenerations, retryAfter: 10 },
      { "retry-after": "10" },
    );
  }
  metrics.count("studio_generations_total", { outcome: "requested" }, count);
  try {
    await deps.queue.sendBatch(generations.map((g) => generationJob(g.assetId, g.token)));
  } catch (error) {
    deps.log("error", "studio generation not queued; the sweep will send it", { assetIds: generations.map((g) => g.assetId), error: String(error) });
  }
  const stored = assets.map(
    (asset) => ({ ...asset, fileId: null, thumbnailFileId: null, favorite: false, providerTaskId: null, error: null, attempts: 0 }) as AssetRecord,
  );
  await Promise.all(stored.map((asset) => publishAsset(deps, asset)));
  return stored.map((asset) => generatedAssetView(deps, asset, resolved.model.name));
}
