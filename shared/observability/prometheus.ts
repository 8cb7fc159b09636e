import { cumulativeCounts } from "./histogram";
import { type MetricsBatch, splitSeriesKey } from "./metrics-buffer";
import { LATENCY_BUCKETS_SECONDS, METRIC_CATALOG, type MetricName } from "./metric-catalog";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function withLabel(labels: string, extra: string): string {
  return `{${labels ? `${labels},` : ""}${extra}}`;
}

/**
 * The text exposition format (version 0.0.4) of `batch`: every catalog series with HELP and TYPE,
 * series sorted; label-less counters appear at 0 before anything is recorded, so a scraper sees
 * them from the start.
 */
export function renderPrometheus(batch: MetricsBatch): string {
  const byName = new Map<string, { counters: [string, number][]; histograms: [string, MetricsBatch["histograms"][string]][]; gauges: [string, number][] }>();
  const entry = (name: string) => {
    let found = byName.get(name);
    if (!found) byName.set(name, (found = { counters: [], histograms: [], gauges: [] }));
    return found;
  };
  for (const [key, value] of Object.entries(batch.counters)) entry(splitSeriesKey(key).name).counters.push([key, value]);
  for (const [key, value] of Object.entries(batch.histograms)) entry(splitSeriesKey(key).name).histograms.push([key, value]);
  for (const [key, value] of Object.entries(batch.gauges)) entry(splitSeriesKey(key).name).gauges.push([key, value]);

  const lines: string[] = [];
  for (const name of Object.keys(METRIC_CATALOG) as MetricName[]) {
    const spec = METRIC_CATALOG[name];
    const series = byName.get(name);
    lines.push(`# HELP ${name} ${escapeHelp(spec.help)}`, `# TYPE ${name} ${spec.type}`);
    if (spec.type === "counter") {
      const counters = series?.counters ?? [];
      if (counters.length === 0 && spec.labels.length === 0) lines.push(`${name} 0`);
      for (const [key, value] of counters.sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${key} ${formatNumber(value)}`);
    } else if (spec.type === "gauge") {
      for (const [key, value] of (series?.gauges ?? []).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${key} ${formatNumber(value)}`);
    } else {
      for (const [key, histogram] of (series?.histograms ?? []).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const { labels } = splitSeriesKey(key);
        const cumulative = cumulativeCounts(histogram);
        LATENCY_BUCKETS_SECONDS.forEach((bound, i) => lines.push(`${name}_bucket${withLabel(labels, `le="${bound}"`)} ${cumulative[i]}`));
        lines.push(`${name}_bucket${withLabel(labels, 'le="+Inf"')} ${histogram.count}`);
        lines.push(`${name}_sum${labels ? `{${labels}}` : ""} ${formatNumber(histogram.sum)}`);
        lines.push(`${name}_count${labels ? `{${labels}}` : ""} ${histogram.count}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
