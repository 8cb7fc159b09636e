import type { Deps } from "../../platform/deps-types";
import { metrics } from "../../observability/metrics";
import { redriveGeneration, timeoutMessage } from "./pipeline";
import { publishAsset } from "./publish";
import { failAsset, findIdleGenerations, findOrphanedActiveAssets, findOverdueGenerations } from "./records";

/** Generations handled per sweep and per kind of trouble (bounded work per cron run). */
const SWEEP_BATCH = 100;
/**
 * A generation whose message has not moved for this long lost its message (no poll waits longer
 * than 30 s, no retry longer than 300 s, no provider call longer than its timeout).
 */
const IDLE_MS = 10 * 60_000;

/**
 * The cron's part of generation: assets pending or processing past STUDIO_GENERATION_TIMEOUT_SECONDS
 * are failed (with the last error seen), and generations whose message chain broke are sent again.
 */
export async function sweepGenerations(deps: Deps): Promise<{ timedOut: number; redriven: number }> {
  const db = deps.db;
  const config = deps.config.studio;
  const now = deps.clock.now();
  let timedOut = 0;
  for (const generation of await findOverdueGenerations(db, now, SWEEP_BATCH)) {
    const failed = await failAsset(db, generation.assetId, timeoutMessage(config.generationTimeoutMs, generation.lastError), now);
    if (!failed) continue;
    timedOut++;
    metrics.count("studio_generations_total", { outcome: "timed_out" });
    await publishAsset(deps, failed);
  }
  for (const asset of await findOrphanedActiveAssets(db, now - config.generationTimeoutMs, SWEEP_BATCH)) {
    const failed = await failAsset(db, asset.id, timeoutMessage(config.generationTimeoutMs, null), now);
    if (!failed) continue;
    timedOut++;
    metrics.count("studio_generations_total", { outcome: "timed_out" });
    await publishAsset(deps, failed);
  }
  let redriven = 0;
  for (const generation of await findIdleGenerations(db, now - IDLE_MS, SWEEP_BATCH)) {
    await redriveGeneration(deps, generation);
    redriven++;
  }
  if (timedOut + redriven > 0) deps.log("info", "studio generations swept", { timedOut, redriven });
  return { timedOut, redriven };
}
