/** Order statistics for benchmark samples: medians and tail percentiles, never means of tails. */

/** The q-quantile (0..1) of the samples, nearest-rank; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median of the samples. */
export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** A distribution summary of latency samples, in the samples' unit. */
export interface Spread {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summarizes samples as n, p50, p95, p99 and max. */
export function spread(samples: readonly number[]): Spread {
  return {
    n: samples.length,
    p50: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    p99: quantile(samples, 0.99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}

/**
 * Several runs' summaries as one: n summed, each percentile the median of the runs' values (one
 * unlucky run does not decide a figure), max the largest.
 */
export function medianOfRuns(runs: readonly Spread[]): Spread {
  return {
    n: runs.reduce((a, r) => a + r.n, 0),
    p50: median(runs.map((r) => r.p50)),
    p95: median(runs.map((r) => r.p95)),
    p99: median(runs.map((r) => r.p99)),
    max: runs.length === 0 ? Number.NaN : Math.max(...runs.map((r) => r.max)),
  };
}

/** Rounds for display: 3 significant digits below 100, integers above. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}
