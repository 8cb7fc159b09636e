import type { MetricsBatch } from "./metrics-buffer";
import type { WindowState } from "./metrics-window";

/** What isolates and `/metrics` may ask of one MetricsStore shard (durable-objects/metrics-store.ts). */
export interface MetricsStoreRpc extends Rpc.DurableObjectBranded {
  /** Adds one isolate's flushed batch. */
  record(batch: MetricsBatch): Promise<void>;
  /** The totals and the minutes of the last hour. */
  window(): Promise<WindowState>;
  reset(): Promise<void>;
}
