/** A histogram as Prometheus keeps it: per-bucket counts (not cumulative here), the sum and the count. */
export interface HistogramData {
  /** counts[i] = observations <= bounds[i] and > bounds[i-1]; the last entry is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export function emptyHistogram(bounds: readonly number[]): HistogramData {
  return { counts: new Array(bounds.length + 1).fill(0), sum: 0, count: 0 };
}

/** Index of the bucket `value` falls into (bounds are inclusive upper limits, as Prometheus' `le`). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= bounds[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

export function observe(histogram: HistogramData, bounds: readonly number[], value: number): void {
  histogram.counts[bucketIndex(bounds, value)]! += 1;
  histogram.sum += value;
  histogram.count += 1;
}

/** Adds `from` into `into` (same bounds). */
export function mergeHistogram(into: HistogramData, from: HistogramData): void {
  for (let i = 0; i < into.counts.length; i++) into.counts[i]! += from.counts[i] ?? 0;
  into.sum += from.sum;
  into.count += from.count;
}

/** Running totals per `le`, as the exposition format wants them. */
export function cumulativeCounts(histogram: HistogramData): number[] {
  let running = 0;
  return histogram.counts.map((count) => (running += count));
}

/**
 * The `q` quantile estimated as Prometheus' histogram_quantile does: linear within the bucket it
 * falls into; null without observations. Values past the last bound report the last bound.
 */
export function estimateQuantile(histogram: HistogramData, bounds: readonly number[], q: number): number | null {
  if (histogram.count === 0) return null;
  const rank = q * histogram.count;
  let below = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const inBucket = histogram.counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1] ?? null;
}
