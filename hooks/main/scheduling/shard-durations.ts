// Where a shard's measured durations go, and how they join the cache. Runs in: main process (global teardown),
// and in the `mocha-isolation merge-durations` command.
//
// Every shard plans from the same cache; a shard that rewrote it would change the plan of the shards run after
// it (on one machine, one after another), so a file could run twice and another never. A shard writes next to
// the cache instead, `durations.shard-2-of-4.json`, and the merge folds those files into the cache.

import fs from 'node:fs';
import path from 'node:path';
import type { Shard } from '../../config';
import { readDurations, updateDurations } from './duration-cache';

const SHARD_FILE = /^(.*)\.shard-(\d+)-of-(\d+)\.json$/;

export function shardDurationsFile(cacheFile: string, shard: Shard): string {
  const { dir, name } = path.parse(cacheFile);
  return path.join(dir, `${name}.shard-${shard.index}-of-${shard.total}.json`);
}

/** Folds every shard's file into the cache (each file's mean with the cached value) and removes them. */
export function mergeShardDurations(cacheFile: string, cwd: string, warn: (line: string) => void): string[] {
  const { dir, name } = path.parse(cacheFile);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const merged: string[] = [];
  for (const file of names.sort()) {
    if (SHARD_FILE.exec(file)?.[1] !== name) continue;
    const full = path.join(dir, file);
    updateDurations(cacheFile, readDurations(full, warn), cwd);
    fs.rmSync(full, { force: true });
    merged.push(full);
  }
  return merged;
}
