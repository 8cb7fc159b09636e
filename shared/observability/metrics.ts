import type { Deps } from "../platform/deps-types";
import { logEvent } from "./log";
import { type MetricsBatch, MetricsBuffer, splitSeriesKey } from "./metrics-buffer";
import { mergeWindows, type WindowState } from "./metrics-window";

/**
 * This isolate's metrics. Code anywhere records into it (`metrics.count(...)`: a map update, no
 * I/O); the Worker flushes it at most every METRICS_FLUSH_SECONDS, after a response is sent.
 */
export const metrics = new MetricsBuffer();

// An isolate sends all its flushes to one shard, picked at random on its first flush (random
// values may not be drawn at module scope in Workers).
let isolateShardSeed: number | undefined;
const shardSeed = () => (isolateShardSeed ??= crypto.getRandomValues(new Uint32Array(1))[0]!);
let flushing: Promise<void> = Promise.resolve();

function writeAnalytics(dataset: AnalyticsEngineDataset, batch: MetricsBatch): void {
  for (const [key, value] of Object.entries(batch.counters)) {
    const { name, labels } = splitSeriesKey(key);
    dataset.writeDataPoint({ indexes: [name], blobs: [name, labels], doubles: [value] });
  }
  for (const [key, histogram] of Object.entries(batch.histograms)) {
    const { name, labels } = splitSeriesKey(key);
    dataset.writeDataPoint({ indexes: [name], blobs: [name, labels], doubles: [histogram.count, histogram.sum, ...histogram.counts] });
  }
  for (const [key, value] of Object.entries(batch.gauges)) {
    const { name, labels } = splitSeriesKey(key);
    dataset.writeDataPoint({ indexes: [name], blobs: [name, labels], doubles: [value] });
  }
}

/**
 * Hands everything recorded so far to Analytics Engine (when bound) and to this isolate's
 * MetricsStore shard. Flushes run one after another, so a reader that awaits this sees them all.
 */
export function flushMetrics(deps: Deps): Promise<void> {
  if (metrics.isEmpty) return flushing;
  const batch = metrics.drain();
  const config = deps.config.observability;
  flushing = flushing.then(async () => {
    try {
      if (deps.analytics) writeAnalytics(deps.analytics, batch);
      await deps.objects.metricsStore(shardSeed() % config.metricsShards).record(batch);
    } catch (error) {
      // Lost metrics must not fail the work they describe.
      logEvent("warn", "metrics flush failed", { error: String(error) });
    }
  });
  return flushing;
}

/** A flush when one is due (to hand to `waitUntil`), otherwise undefined. */
export function flushMetricsIfDue(deps: Deps): Promise<void> | undefined {
  const config = deps.config.observability;
  if (!config.enabled || !metrics.isDue(config.metricsFlushMs)) return undefined;
  return flushMetrics(deps);
}

let flushTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * For Durable Objects, which have no end of request to flush at: arms one timer per flush
 * interval (checking a variable on every call, nothing more).
 */
export function scheduleMetricsFlush(deps: Deps): void {
  if (flushTimer !== undefined) return;
  const config = deps.config.observability;
  if (!config.enabled) return;
  flushTimer = setTimeout(() => {
    flushTimer = undefined;
    void flushMetrics(deps);
  }, config.metricsFlushMs);
}

/** Every shard's window merged, after this isolate's own pending metrics were flushed. */
export async function readMetrics(deps: Deps): Promise<WindowState> {
  await flushMetrics(deps);
  const shards = deps.config.observability.metricsShards;
  const states = await Promise.all(Array.from({ length: shards }, (_, shard) => deps.objects.metricsStore(shard).window()));
  return mergeWindows(states);
}
