import { deleteExpiredAssets, findExpiredAssets } from "./records";
import type { Deps } from "../../platform/deps-types";

export interface RetentionBounds {
  /** Assets per batch: one read, then one transaction per owner among them, each deleting at most this many. */
  batch: number;
  /** Batches per run: a run ends after this many even if more assets expired (the next run goes on). */
  maxBatches: number;
}

export const RETENTION_BOUNDS: RetentionBounds = { batch: 50, maxBatches: 20 };

export interface RetentionResult {
  deleted: number;
  /** True when the run stopped at maxBatches with expired assets perhaps left. */
  more: boolean;
}

/**
 * Deletes assets older than STUDIO_RETENTION_DAYS that are neither favourites nor a box's
 * headliner, in bounded batches; their files go with them, so the media cleanup frees bytes
 * nobody else references.
 */
export async function applyRetention(deps: Deps, now: number, bounds: RetentionBounds = RETENTION_BOUNDS): Promise<RetentionResult> {
  const createdBefore = now - deps.config.studioLibrary.retentionDays * 86_400_000;
  let deleted = 0;
  for (let batch = 0; batch < bounds.maxBatches; batch++) {
    const expired = await findExpiredAssets(deps.db, createdBefore, bounds.batch);
    const owners = new Set(expired.map((asset) => asset.ownerId));
    for (const ownerId of owners) deleted += await deleteExpiredAssets(deps.db, ownerId, createdBefore, bounds.batch, now);
    if (expired.length < bounds.batch) return { deleted, more: false };
  }
  return { deleted, more: true };
}
