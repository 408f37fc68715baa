// The duration cache: how long each spec file took in earlier runs, read to plan a run and updated after it.
// Runs in: main process (read while mocha loads .mocharc.cjs, written at global teardown).

import fs from 'node:fs';
import path from 'node:path';
import { writeWhole } from '../../shared/write-whole';

/** Milliseconds per spec file, keyed by the path relative to the working directory with `/` separators. */
export type Durations = ReadonlyMap<string, number>;

interface CacheFile {
  version: 1;
  files: Record<string, number>;
}

const CACHE_VERSION = 1;

/**
 * A missing cache is normal (first run); a damaged one only costs the schedule, so it is reported and
 * ignored rather than stopping the run. It is rewritten whole at the end of the run.
 */
export function readDurations(file: string, warn: (line: string) => void): Map<string, number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  try {
    const parsed = JSON.parse(text) as Partial<CacheFile>;
    if (parsed.version !== CACHE_VERSION || typeof parsed.files !== 'object' || parsed.files === null) {
      throw new Error(`expected {"version": ${CACHE_VERSION}, "files": {...}}`);
    }
    const durations = new Map<string, number>();
    for (const [spec, ms] of Object.entries(parsed.files)) {
      if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) durations.set(spec, ms);
    }
    return durations;
  } catch (error) {
    warn(`mocha-isolation: ignoring the duration cache "${file}" (${(error as Error).message}); this run rewrites it.`);
    return new Map();
  }
}

/**
 * Folds this run's measurements into the cache. The new value is the mean of the old one and the measured
 * one, so one run on a busy machine does not reorder the next run on its own. Files that no longer exist
 * are dropped. The file is replaced by a rename, so a reader never sees it half-written.
 */
export function updateDurations(file: string, measured: Durations, cwd: string): void {
  const merged = new Map(readDurations(file, () => undefined));
  for (const [spec, ms] of measured) {
    const previous = merged.get(spec);
    merged.set(spec, previous === undefined ? ms : (previous + ms) / 2);
  }
  const files: Record<string, number> = {};
  for (const spec of [...merged.keys()].sort()) {
    if (fs.existsSync(path.resolve(cwd, spec))) files[spec] = Math.round((merged.get(spec) ?? 0) * 10) / 10;
  }
  const content: CacheFile = { version: CACHE_VERSION, files };
  writeWhole(file, `${JSON.stringify(content, null, 2)}\n`);
}
