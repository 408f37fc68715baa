// Global aggregation across segments with robust outlier rejection. Pure functions.

export interface Aggregate {
  meanS: number;
  kept: number;
  rejected: number[];
}

/** Below this many segments there is no spread to judge an outlier by. */
export const MIN_SEGMENTS_FOR_REJECTION = 3;
/** Scales the median absolute deviation to a standard deviation for normally distributed data. */
const MAD_TO_SIGMA = 1.4826;

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Rejects values further than `sigma` robust standard deviations from the median (median and MAD, so a single
 * huge outlier cannot mask itself by inflating the spread), then averages the rest. Order never matters.
 */
export function globalAggregate(values: readonly number[], sigma: number): Aggregate | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  if (values.length < MIN_SEGMENTS_FOR_REJECTION) return { meanS: mean(sorted), kept: sorted.length, rejected: [] };
  const center = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - center));
  let spread = MAD_TO_SIGMA * median([...deviations].sort((a, b) => a - b));
  // Most values identical: fall back to the mean absolute deviation so a lone outlier is still caught.
  if (spread === 0) spread = 1.2533 * mean(deviations);
  const kept = spread === 0 ? sorted : sorted.filter((v) => Math.abs(v - center) <= sigma * spread);
  const rejected = sorted.filter((v) => !kept.includes(v));
  return { meanS: mean(kept), kept: kept.length, rejected };
}

function mean(values: readonly number[]): number {
  // Sorted input makes the floating-point sum independent of the caller's order.
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
