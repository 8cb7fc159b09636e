import { estimateQuantile, type HistogramData } from "./histogram";
import { emptyBatch, labelValues, type MetricsBatch, mergeBatch, splitSeriesKey } from "./metrics-buffer";
import { LATENCY_BUCKETS_SECONDS } from "./metric-catalog";

export const WINDOW_MINUTES = 60;
const MINUTE_MS = 60_000;

export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);

/** What one metrics shard holds: totals since it began (for counters) and the last hour per minute. */
export interface WindowState {
  totals: MetricsBatch;
  /** Minute number (ms / 60000) -> what arrived in that minute. */
  minutes: Record<number, MetricsBatch>;
}

export function emptyWindow(): WindowState {
  return { totals: emptyBatch(), minutes: {} };
}

/** Adds a flushed batch at time `now`; minutes older than the window are dropped. Returns the minutes changed or dropped. */
export function recordBatch(state: WindowState, batch: MetricsBatch, now: number): { changed: number; dropped: number[] } {
  const minute = minuteOf(now);
  // Gauges are a reading, not an amount: totals keep the latest reading, minutes the highest.
  const { gauges, ...amounts } = batch;
  mergeBatch(state.totals, { ...amounts, gauges: {} });
  Object.assign(state.totals.gauges, gauges);
  mergeBatch((state.minutes[minute] ??= emptyBatch()), batch);
  return { changed: minute, dropped: pruneWindow(state, now) };
}

export function pruneWindow(state: WindowState, now: number): number[] {
  const oldest = minuteOf(now) - WINDOW_MINUTES + 1;
  const dropped: number[] = [];
  for (const key of Object.keys(state.minutes)) {
    const minute = Number(key);
    if (minute < oldest) {
      delete state.minutes[minute];
      dropped.push(minute);
    }
  }
  return dropped;
}

/** Several shards' states as one (totals summed, minutes merged minute by minute). */
export function mergeWindows(states: readonly WindowState[]): WindowState {
  const merged = emptyWindow();
  for (const state of states) {
    mergeBatch(merged.totals, { ...state.totals, gauges: {} });
    for (const [key, value] of Object.entries(state.totals.gauges)) merged.totals.gauges[key] = Math.max(merged.totals.gauges[key] ?? -Infinity, value);
    for (const [minute, batch] of Object.entries(state.minutes)) mergeBatch((merged.minutes[Number(minute)] ??= emptyBatch()), batch);
  }
  return merged;
}

/** The last hour as one batch (gauges: the most recent minute's reading). */
export function lastHour(state: WindowState, now: number): MetricsBatch {
  const hour = emptyBatch();
  const oldest = minuteOf(now) - WINDOW_MINUTES + 1;
  const minutes = Object.keys(state.minutes)
    .map(Number)
    .filter((minute) => minute >= oldest)
    .sort((a, b) => a - b);
  for (const minute of minutes) {
    const { gauges, ...amounts } = state.minutes[minute]!;
    mergeBatch(hour, { ...amounts, gauges: {} });
    Object.assign(hour.gauges, gauges);
  }
  return hour;
}

export interface MinuteSummary {
  minute: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface RouteSummary {
  method: string;
  route: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface MetricsSummary {
  windowMinutes: number;
  perMinute: MinuteSummary[];
  routes: RouteSummary[];
  /** Every other counter over the last hour, by series (`name{labels}`). */
  counters: Record<string, number>;
  gauges: Record<string, number>;
}

function requestFigures(batch: MetricsBatch, filter: (labels: Record<string, string>) => boolean) {
  let requests = 0;
  let clientErrors = 0;
  let serverErrors = 0;
  const latency: HistogramData = { counts: new Array(LATENCY_BUCKETS_SECONDS.length + 1).fill(0), sum: 0, count: 0 };
  for (const [key, value] of Object.entries(batch.counters)) {
    if (splitSeriesKey(key).name !== "http_requests_total") continue;
    const labels = labelValues(key);
    if (!filter(labels)) continue;
    requests += value;
    if (labels.status_class === "4xx") clientErrors += value;
    if (labels.status_class === "5xx") serverErrors += value;
  }
  for (const [key, value] of Object.entries(batch.histograms)) {
    if (splitSeriesKey(key).name !== "http_request_duration_seconds" || !filter(labelValues(key))) continue;
    for (let i = 0; i < latency.counts.length; i++) latency.counts[i]! += value.counts[i] ?? 0;
    latency.sum += value.sum;
    latency.count += value.count;
  }
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
  return {
    requests,
    clientErrors,
    serverErrors,
    p50Seconds: round(estimateQuantile(latency, LATENCY_BUCKETS_SECONDS, 0.5)),
    p95Seconds: round(estimateQuantile(latency, LATENCY_BUCKETS_SECONDS, 0.95)),
  };
}

/** The admin view: the last hour per minute and per route, and the business counters of the hour. */
export function summarize(state: WindowState, now: number): MetricsSummary {
  const oldest = minuteOf(now) - WINDOW_MINUTES + 1;
  const perMinute: MinuteSummary[] = [];
  for (let minute = oldest; minute <= minuteOf(now); minute++) {
    const batch = state.minutes[minute];
    if (!batch) continue;
    perMinute.push({ minute: new Date(minute * MINUTE_MS).toISOString(), ...requestFigures(batch, () => true) });
  }
  const hour = lastHour(state, now);
  const routes = new Map<string, { method: string; route: string }>();
  for (const key of Object.keys(hour.counters)) {
    if (splitSeriesKey(key).name !== "http_requests_total") continue;
    const { method = "", route = "" } = labelValues(key);
    routes.set(`${method} ${route}`, { method, route });
  }
  const counters: Record<string, number> = {};
  for (const [key, value] of Object.entries(hour.counters)) if (!key.startsWith("http_")) counters[key] = value;
  return {
    windowMinutes: WINDOW_MINUTES,
    perMinute,
    routes: [...routes.values()]
      .map(({ method, route }) => ({ method, route, ...requestFigures(hour, (l) => l.method === method && l.route === route) }))
      .sort((a, b) => b.requests - a.requests),
    counters,
    gauges: hour.gauges,
  };
}

/** The latest reading of a gauge in the last hour, with the minute it was taken in; null when none. */
export function latestGauge(state: WindowState, key: string, now: number): { value: number; minute: number } | null {
  const oldest = minuteOf(now) - WINDOW_MINUTES + 1;
  let latest: { value: number; minute: number } | null = null;
  for (const [minuteKey, batch] of Object.entries(state.minutes)) {
    const minute = Number(minuteKey);
    const value = batch.gauges[key];
    if (minute >= oldest && value !== undefined && (!latest || minute > latest.minute)) latest = { value, minute };
  }
  return latest;
}
