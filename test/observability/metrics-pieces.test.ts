import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { bucketIndex, emptyHistogram, estimateQuantile, observe } from "../../shared/observability/histogram";
import { LATENCY_BUCKETS_SECONDS, statusClass } from "../../shared/observability/metric-catalog";
import { labelValues, MetricsBuffer, mergeBatch, emptyBatch, seriesKey } from "../../shared/observability/metrics-buffer";
import { emptyWindow, lastHour, mergeWindows, recordBatch, summarize, WINDOW_MINUTES } from "../../shared/observability/metrics-window";
import { renderPrometheus } from "../../shared/observability/prometheus";

const MINUTE = 60_000;
const meLabels = { method: "GET", route: "/v1/me", status_class: "2xx" };

describe("histogram buckets", () => {
  it("puts a value in the first bucket whose bound is at least the value (le is inclusive)", () => {
    const bounds = [1, 2, 5];
    expect(bucketIndex(bounds, 0)).toBe(0);
    expect(bucketIndex(bounds, 1)).toBe(0);
    expect(bucketIndex(bounds, 1.5)).toBe(1);
    expect(bucketIndex(bounds, 5)).toBe(2);
    expect(bucketIndex(bounds, 7)).toBe(3);
  });

  it("estimates quantiles like histogram_quantile", () => {
    const bounds = [1, 2, 4];
    const h = emptyHistogram(bounds);
    for (const value of [0.5, 1.5, 1.5, 3]) observe(h, bounds, value);
    expect(h).toEqual({ counts: [1, 2, 1, 0], sum: 6.5, count: 4 });
    expect(estimateQuantile(h, bounds, 0.5)).toBeCloseTo(1.5);
    expect(estimateQuantile(h, bounds, 1)).toBeCloseTo(4);
    expect(estimateQuantile(emptyHistogram(bounds), bounds, 0.5)).toBeNull();
  });

  it("names status classes", () => {
    expect([101, 200, 204, 301, 404, 429, 500, 503, 42].map(statusClass)).toEqual(["1xx", "2xx", "2xx", "3xx", "4xx", "4xx", "5xx", "5xx", "other"]);
  });
});

describe("MetricsBuffer", () => {
  it("aggregates in memory and hands everything over at once when drained", () => {
    let now = 1_000;
    const buffer = new MetricsBuffer(() => now);
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.isDue(0)).toBe(false);
    buffer.count("http_requests_total", meLabels);
    buffer.count("http_requests_total", meLabels);
    buffer.count("identity_logins_total", { result: "success" }, 3);
    buffer.observe("http_request_duration_seconds", meLabels, 0.003);
    buffer.gaugeMax("queue_oldest_message_age_seconds", {}, 4);
    buffer.gaugeMax("queue_oldest_message_age_seconds", {}, 2);
    expect(buffer.isDue(10_000)).toBe(false);
    now += 10_000;
    expect(buffer.isDue(10_000)).toBe(true);

    const batch = buffer.drain();
    expect(batch.counters).toEqual({
      'http_requests_total{method="GET",route="/v1/me",status_class="2xx"}': 2,
      'identity_logins_total{result="success"}': 3,
    });
    expect(batch.histograms['http_request_duration_seconds{method="GET",route="/v1/me",status_class="2xx"}']!.count).toBe(1);
    expect(batch.gauges).toEqual({ queue_oldest_message_age_seconds: 4 });
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.drain()).toEqual(emptyBatch());
  });

  it("escapes label values and reads them back", () => {
    const key = seriesKey("queue_jobs_total", { kind: 'a"b\\c\nd', result: "ok" });
    expect(key).toBe('queue_jobs_total{kind="a\\"b\\\\c\\nd",result="ok"}');
    expect(labelValues(key)).toEqual({ kind: 'a"b\\c\nd', result: "ok" });
  });
});

describe("metrics window", () => {
  const batchOf = (requests: number, latency: number, now = 0) => {
    const buffer = new MetricsBuffer(() => now);
    for (let i = 0; i < requests; i++) {
      buffer.count("http_requests_total", meLabels);
      buffer.observe("http_request_duration_seconds", meLabels, latency);
    }
    return buffer.drain();
  };

  it("keeps totals for ever and the last hour per minute", () => {
    const state = emptyWindow();
    const start = 100 * 60 * MINUTE;
    recordBatch(state, batchOf(2, 0.02), start);
    recordBatch(state, batchOf(3, 0.02), start + 30_000);
    recordBatch(state, batchOf(1, 0.2), start + MINUTE);
    expect(Object.keys(state.minutes)).toHaveLength(2);
    const key = seriesKey("http_requests_total", meLabels);
    expect(state.totals.counters[key]).toBe(6);

    const { dropped } = recordBatch(state, batchOf(4, 0.02), start + WINDOW_MINUTES * MINUTE);
    expect(dropped).toEqual([start / MINUTE]);
    expect(state.totals.counters[key]).toBe(10);
    expect(lastHour(state, start + WINDOW_MINUTES * MINUTE).counters[key]).toBe(5);

    const summary = summarize(state, start + WINDOW_MINUTES * MINUTE);
    expect(summary.perMinute.map((m) => m.requests)).toEqual([1, 4]);
    expect(summary.routes).toEqual([expect.objectContaining({ method: "GET", route: "/v1/me", requests: 5, serverErrors: 0 })]);
    expect(summary.routes[0]!.p50Seconds).toBeGreaterThan(0.01);
    expect(summary.routes[0]!.p50Seconds).toBeLessThanOrEqual(0.025);
  });

  it("merges shards by adding them", () => {
    const a = emptyWindow();
    const b = emptyWindow();
    recordBatch(a, batchOf(2, 0.02), 0);
    recordBatch(b, batchOf(5, 0.02), 30_000);
    const merged = mergeWindows([a, b]);
    expect(merged.totals.counters[seriesKey("http_requests_total", meLabels)]).toBe(7);
    expect(merged.minutes[0]!.histograms[seriesKey("http_request_duration_seconds", meLabels)]!.count).toBe(7);
    expect(mergeBatch(emptyBatch(), merged.totals)).toEqual(merged.totals);
  });
});

describe("Prometheus text exposition", () => {
  it("parses with a Prometheus text parser and says what was recorded", () => {
    const buffer = new MetricsBuffer();
    buffer.count("http_requests_total", meLabels, 3);
    buffer.count("http_requests_total", { method: "POST", route: "/v1/auth/login", status_class: "4xx" });
    for (const value of [0.004, 0.02, 0.3]) buffer.observe("http_request_duration_seconds", meLabels, value);
    buffer.count("identity_logins_total", { result: "bad_credentials" }, 2);
    buffer.gaugeMax("queue_oldest_message_age_seconds", {}, 12);
    const text = renderPrometheus(buffer.drain());

    const families = parsePrometheusTextFormat(text);
    const family = (name: string) => families.find((f) => f.name === name)!;
    expect(family("http_requests_total").type).toBe("COUNTER");
    expect(family("http_requests_total").metrics).toEqual(
      expect.arrayContaining([
        { labels: meLabels, value: "3" },
        { labels: { method: "POST", route: "/v1/auth/login", status_class: "4xx" }, value: "1" },
      ]),
    );
    const histogram = family("http_request_duration_seconds");
    expect(histogram.type).toBe("HISTOGRAM");
    // This parser folds a histogram's series into one and drops their labels, sum and count, so with one series
    // recorded it checks the buckets, and the labels are checked on the text itself.
    const series = histogram.metrics[0] as { buckets: Record<string, string> };
    expect(text).toContain('http_request_duration_seconds_bucket{method="GET",route="/v1/me",status_class="2xx",le="0.025"} 2\n');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/v1/me",status_class="2xx"} 3\n');
    expect(text).toMatch(/^http_request_duration_seconds_sum\{method="GET",route="\/v1\/me",status_class="2xx"\} 0\.324\d*$/m);
    expect(series.buckets["0.005"]).toBe("1");
    expect(series.buckets["0.025"]).toBe("2");
    expect(series.buckets["0.5"]).toBe("3");
    expect(series.buckets["+Inf"]).toBe("3");
    expect(Object.keys(series.buckets)).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
    expect(family("identity_logins_total").metrics).toEqual([{ labels: { result: "bad_credentials" }, value: "2" }]);
    expect(family("identity_registrations_total").metrics).toEqual([{ value: "0" }]);
    expect(family("queue_oldest_message_age_seconds")).toMatchObject({ type: "GAUGE", metrics: [{ value: "12" }] });
  });
});
