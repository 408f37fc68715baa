// Dispatch order for parallel runs. Runs in: main process (from .mocharc.cjs).
// mocha hands files to idle workers exactly in spec-list order; a long file dispatched last leaves the other
// workers idle while it runs, so long files go first.

import type { Durations } from './duration-cache';

/**
 * Files without a recorded duration first (they may be the longest, and running them records one), in the
 * order given; then known files, longest first. The sort is stable: equal durations keep the given (seeded) order.
 */
export function longestFirst(files: readonly string[], durations: Durations): string[] {
  const unseen = files.filter((file) => !durations.has(file));
  const known = files.filter((file) => durations.has(file));
  known.sort((a, b) => (durations.get(b) ?? 0) - (durations.get(a) ?? 0));
  return [...unseen, ...known];
}
