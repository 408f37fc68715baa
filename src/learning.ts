// Per-segment travel-time learning: age-weighted observations shrunk toward a global prior. Pure functions.

import type { Settings } from './settings';

export interface Observation {
  segmentId: string;
  travelTimeS: number;
  /** Milliseconds since the epoch. */
  observedAt: number;
  /** Map-matching confidence, 0..1. */
  confidence: number;
}

export interface SegmentEstimate {
  estimateS: number;
  /** Sum of the weights of the observations used (the effective sample size). */
  weight: number;
  used: number;
}

const DAY_MS = 86_400_000;

/** An observation loses half its weight every half-life; one from the future counts as fresh. */
export function ageWeight(ageDays: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
}

export function segmentEstimate(
  observations: readonly Observation[],
  priorS: number,
  settings: Pick<Settings, 'n0' | 'halfLifeDays' | 'mapmatchMinConf'>,
  now: number,
): SegmentEstimate {
  let weight = 0;
  let weightedSum = 0;
  let used = 0;
  for (const observation of observations) {
    if (observation.confidence < settings.mapmatchMinConf) continue;
    const w = ageWeight((now - observation.observedAt) / DAY_MS, settings.halfLifeDays);
    weight += w;
    weightedSum += w * observation.travelTimeS;
    used++;
  }
  const totalWeight = settings.n0 + weight;
  const estimateS = totalWeight === 0 ? priorS : (settings.n0 * priorS + weightedSum) / totalWeight;
  return { estimateS, weight, used };
}
