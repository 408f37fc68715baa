// The whole plan of a sharded run (every shard's files), kept beside the run record so that the record can carry
// it and `mocha-isolation merge` can name the files of a shard that never reported. Runs in: main process (the
// config writes it, teardown reads it into the record). A file, not a variable: 5,000 paths pass the 128 KB limit
// Linux puts on one environment string, and workers inherit the environment.

import fs from 'node:fs';
import path from 'node:path';
import type { Shard } from '../../config';
import { runRecordFile } from '../../shared/run-layout';
import { writeWhole } from '../../shared/write-whole';

export interface RecordedShard {
  index: number;
  total: number;
  /** Every shard's files, shard 1 first. */
  plan: string[][];
  /** What each shard was expected to take (ms), from the duration cache. */
  expectedMs: number[];
}

export function shardPlanFile(durations: string | undefined, cwd: string, shard: Shard): string {
  return path.join(path.dirname(runRecordFile(durations, cwd)), `shard-plan.${shard.index}-of-${shard.total}.json`);
}

/** Whole or not at all (renamed into place): shards run at once on one machine write the same file. */
export function writeShardPlan(file: string, recorded: RecordedShard): void {
  writeWhole(file, `${JSON.stringify(recorded)}\n`);
}

/** The plan this run's config wrote, or undefined (none, or damaged: the record then says nothing of the plan). */
export function readShardPlan(file: string): RecordedShard | undefined {
  try {
    const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedShard;
    return Array.isArray(recorded.plan) && recorded.plan.every(Array.isArray) ? recorded : undefined;
  } catch {
    return undefined;
  }
}
