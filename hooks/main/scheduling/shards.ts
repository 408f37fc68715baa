// CI sharding: splits the spec files into `total` groups of about equal duration. Runs in: main process.
// Every CI job computes all the shards and keeps its own, so the split must depend only on inputs that are
// the same in every job: the file list and the duration cache (never on the seed, the clock or the machine).

import type { Shard } from '../../config';
import type { Durations } from './duration-cache';

export interface ShardPlan {
  /** The files of each shard, shard 1 first, each sorted by path. */
  shards: string[][];
  /** Estimated milliseconds per shard. */
  loads: number[];
  /** How many files had a recorded duration; the others were estimated. */
  known: number;
}

/**
 * Longest processing time first: the longest remaining file goes to the least-loaded shard (ties to the lower
 * shard). Files with no recorded duration count as the median recorded one, or 1 when nothing is recorded,
 * which balances by file count.
 */
export function planShards(files: readonly string[], durations: Durations, total: number): ShardPlan {
  const unique = [...new Set(files)].sort();
  const recorded = unique.map((file) => durations.get(file)).filter((ms): ms is number => ms !== undefined);
  const estimate = median(recorded) ?? 1;
  const weighted = unique.map((file) => ({ file, ms: durations.get(file) ?? estimate }));
  weighted.sort((a, b) => b.ms - a.ms || (a.file < b.file ? -1 : 1));

  const shards: string[][] = Array.from({ length: total }, () => []);
  const loads: number[] = Array.from({ length: total }, () => 0);
  for (const { file, ms } of weighted) {
    let target = 0;
    for (let i = 1; i < total; i++) if ((loads[i] ?? 0) < (loads[target] ?? 0)) target = i;
    shards[target]?.push(file);
    loads[target] = (loads[target] ?? 0) + ms;
  }
  for (const shard of shards) shard.sort();
  return { shards, loads, known: recorded.length };
}

export function filesOfShard(plan: ShardPlan, shard: Shard): string[] {
  return plan.shards[shard.index - 1] ?? [];
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
