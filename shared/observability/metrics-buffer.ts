import { emptyHistogram, type HistogramData, mergeHistogram, observe } from "./histogram";
import {
  type CounterName,
  type GaugeName,
  type HistogramName,
  LATENCY_BUCKETS_SECONDS,
  type LabelsOf,
  METRIC_CATALOG,
  type MetricName,
} from "./metric-catalog";

/**
 * A series: `name{labels}` as in the exposition format, e.g.
 * `http_requests_total{method="GET",route="/v1/me",status_class="2xx"}`; labels in catalog order.
 */
export type SeriesKey = string;

/** What one flush carries: plain data, so it crosses an RPC call and fits a storage value. */
export interface MetricsBatch {
  counters: Record<SeriesKey, number>;
  histograms: Record<SeriesKey, HistogramData>;
  /** The highest value seen since the last flush. */
  gauges: Record<SeriesKey, number>;
}

export function emptyBatch(): MetricsBatch {
  return { counters: {}, histograms: {}, gauges: {} };
}

export function isEmptyBatch(batch: MetricsBatch): boolean {
  for (const _ in batch.counters) return false;
  for (const _ in batch.histograms) return false;
  for (const _ in batch.gauges) return false;
  return true;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export function seriesKey<N extends MetricName>(name: N, labels: LabelsOf<N>): SeriesKey {
  const names = METRIC_CATALOG[name].labels as readonly string[];
  if (names.length === 0) return name;
  let text = "";
  for (const label of names) {
    text += `${text ? "," : ""}${label}="${escapeLabelValue((labels as Record<string, string>)[label] ?? "")}"`;
  }
  return `${name}{${text}}`;
}

/** `name` and the label text inside the braces of a series key. */
export function splitSeriesKey(key: SeriesKey): { name: string; labels: string } {
  const brace = key.indexOf("{");
  return brace < 0 ? { name: key, labels: "" } : { name: key.slice(0, brace), labels: key.slice(brace + 1, -1) };
}

/** Label values of a series key, by name. */
export function labelValues(key: SeriesKey): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of splitSeriesKey(key).labels.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
    values[match[1]!] = match[2]!.replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : c));
  }
  return values;
}

/** Adds `from` into `into`: counters and histograms sum, gauges keep the highest. */
export function mergeBatch(into: MetricsBatch, from: MetricsBatch): MetricsBatch {
  for (const [key, value] of Object.entries(from.counters)) into.counters[key] = (into.counters[key] ?? 0) + value;
  for (const [key, value] of Object.entries(from.histograms)) {
    const target = (into.histograms[key] ??= emptyHistogram(LATENCY_BUCKETS_SECONDS));
    mergeHistogram(target, value);
  }
  for (const [key, value] of Object.entries(from.gauges)) into.gauges[key] = Math.max(into.gauges[key] ?? -Infinity, value);
  return into;
}

/**
 * The metrics of one isolate since its last flush: recording is a map update in memory, and a
 * flush hands the whole batch on at once, so no request waits on a metrics write.
 */
export class MetricsBuffer {
  private batch = emptyBatch();
  private empty = true;
  /** When the first record since the last drain was made (0 while empty). */
  firstRecordAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  count<N extends CounterName>(name: N, labels: LabelsOf<N>, by = 1): void {
    const key = seriesKey(name, labels);
    this.batch.counters[key] = (this.batch.counters[key] ?? 0) + by;
    this.touch();
  }

  observe<N extends HistogramName>(name: N, labels: LabelsOf<N>, value: number): void {
    const key = seriesKey(name, labels);
    observe((this.batch.histograms[key] ??= emptyHistogram(LATENCY_BUCKETS_SECONDS)), LATENCY_BUCKETS_SECONDS, value);
    this.touch();
  }

  gaugeMax<N extends GaugeName>(name: N, labels: LabelsOf<N>, value: number): void {
    const key = seriesKey(name, labels);
    this.batch.gauges[key] = Math.max(this.batch.gauges[key] ?? -Infinity, value);
    this.touch();
  }

  get isEmpty(): boolean {
    return this.empty;
  }

  /** Whether the oldest record waiting has waited `intervalMs` (always, for an interval of 0). */
  isDue(intervalMs: number): boolean {
    return !this.empty && this.now() - this.firstRecordAt >= intervalMs;
  }

  /** Takes everything recorded so far; the buffer starts over empty. */
  drain(): MetricsBatch {
    const batch = this.batch;
    this.batch = emptyBatch();
    this.empty = true;
    this.firstRecordAt = 0;
    return batch;
  }

  private touch(): void {
    if (this.empty) {
      this.empty = false;
      this.firstRecordAt = this.now();
    }
  }
}
