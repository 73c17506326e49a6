import type { Distribution } from '@handoff/contracts';

/** A share, or null when there is nothing to share out (never 0/0 = 0). */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * The p-th percentile (0 ≤ p ≤ 1) by linear interpolation between the closest ranks (the
 * spreadsheet PERCENTILE.INC, R's type 7): rank h = (n − 1)·p; the value at ⌊h⌋ plus the
 * fraction of h times the step to the next value. The median is p = 0.5, the ordinary median.
 * Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (h - below) * (sorted[above]! - sorted[below]!);
}

export function distributionOf(values: readonly number[]): Distribution {
  return { count: values.length, median: percentile(values, 0.5), p90: percentile(values, 0.9) };
}
