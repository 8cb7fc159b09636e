import { DurableObject } from "cloudflare:workers";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import type { MetricsStoreRpc } from "../shared/observability/metrics-store-rpc";
import { isEmptyBatch, type MetricsBatch } from "../shared/observability/metrics-buffer";
import { emptyWindow, pruneWindow, recordBatch, type WindowState } from "../shared/observability/metrics-window";

const TOTALS = "totals";
const minuteKey = (minute: number) => `minute:${minute}`;

/**
 * One shard of the platform's metrics (name `metrics:<n>`): isolates flush their batches into a
 * shard, and `/metrics` reads every shard. It keeps the totals since it began and the last hour
 * per minute, one storage value per minute so a write touches only what changed.
 */
export class MetricsStore extends DurableObject<Env> implements MetricsStoreRpc {
  private state: WindowState | undefined;

  private async load(): Promise<WindowState> {
    if (this.state) return this.state;
    const state = emptyWindow();
    const stored = await this.ctx.storage.list<MetricsBatch>();
    for (const [key, value] of stored) {
      if (key === TOTALS) state.totals = value;
      else if (key.startsWith("minute:")) state.minutes[Number(key.slice(7))] = value;
    }
    const dropped = pruneWindow(state, clock.now());
    if (dropped.length > 0) await this.ctx.storage.delete(dropped.map(minuteKey));
    this.state = state;
    return state;
  }

  /** Adds one isolate's flushed batch. */
  async record(batch: MetricsBatch): Promise<void> {
    if (isEmptyBatch(batch)) return;
    const state = await this.load();
    const { changed, dropped } = recordBatch(state, batch, clock.now());
    await this.ctx.storage.put({ [TOTALS]: state.totals, [minuteKey(changed)]: state.minutes[changed]! });
    if (dropped.length > 0) await this.ctx.storage.delete(dropped.map(minuteKey));
  }

  /** The totals and the minutes of the last hour. */
  async window(): Promise<WindowState> {
    const state = await this.load();
    pruneWindow(state, clock.now());
    return state;
  }

  /** Forgets everything (tests and operators starting over). */
  async reset(): Promise<void> {
    this.state = emptyWindow();
    await this.ctx.storage.deleteAll();
  }
}
