// Per-process statistics for the main process: how long each spec file took (for the duration cache) and the
// process's peak RSS (for the memory lines at the end of a parallel run). Runs in: worker (or the serial process).
// Cost per test: one string comparison; the clock is read and the file written only when a file starts or ends.

import fs from 'node:fs';
import path from 'node:path';
import type { Leak } from '../shared/leak-report';
import { type Outcome, type RunLayout, specKey, type WorkerStats } from '../shared/run-layout';

export interface StatsRecorder {
  /** A file starts (its key): its clock starts here rather than at its first test, and it joins the sequence. */
  fileStarting(key: string): void;
  /** A test of the running file ended so (for the run record). */
  testEnded(fullTitle: string, outcome: Outcome, durationMs: number | undefined): void;
  leaked(leaks: readonly Leak[]): void;
  testStarting(file: string | undefined): void;
  /** How many tests a file (its key) loaded that the run selected. */
  fileLoaded(key: string, tests: number): void;
  /** A file's root `after all` ran (in serial mode: the run's). Writes the statistics so far. */
  fileEnded(): void;
}

export function createStatsRecorder(layout: RunLayout, workerId: string | undefined, cwd: string): StatsRecorder {
  const epoch = (): number => Math.round(performance.timeOrigin + performance.now());
  // The statistics exist once the worker's state does: its start-up marks begin here.
  const startup = { processStart: Math.round(performance.timeOrigin), stateReady: epoch() } as NonNullable<WorkerStats['startup']>;
  const stats: WorkerStats = {
    pid: process.pid,
    workerId,
    peakRssBytes: 0,
    files: 0,
    durations: {},
    loaded: {},
    sequence: [],
    leaks: [],
    startup,
  };
  const target = layout.statsRecord(process.pid);
  let currentFile: string | undefined;
  let segmentStart: number | undefined;
  let pendingStart: number | undefined;
  let entryStart = 0;

  const closeSegment = (now: number): void => {
    if (currentFile === undefined || segmentStart === undefined) return;
    const spec = specKey(currentFile, cwd);
    stats.durations[spec] = (stats.durations[spec] ?? 0) + (now - segmentStart);
    currentFile = undefined;
    segmentStart = undefined;
  };

  return {
    fileStarting(key) {
      startup.firstFileStart ??= epoch();
      pendingStart = entryStart = performance.now();
      stats.sequence.push({ file: key, tests: [], startedAt: Math.round(performance.timeOrigin + entryStart) });
    },
    leaked(leaks) {
      stats.leaks.push(...leaks);
    },
    testEnded(fullTitle, outcome, durationMs) {
      stats.sequence.at(-1)?.tests.push(durationMs === undefined ? [fullTitle, outcome] : [fullTitle, outcome, durationMs]);
    },
    fileLoaded(key, tests) {
      stats.loaded[key] = (stats.loaded[key] ?? 0) + tests;
    },
    testStarting(file) {
      startup.firstTestStart ??= epoch();
      if (file === currentFile) return;
      const now = performance.now();
      closeSegment(now);
      currentFile = file;
      segmentStart = pendingStart ?? now;
      pendingStart = undefined;
    },
    fileEnded() {
      const now = performance.now();
      closeSegment(now);
      pendingStart = undefined;
      const entry = stats.sequence.at(-1);
      if (entry !== undefined && entry.ms === undefined) {
        entry.ms = Math.round((now - entryStart) * 10) / 10;
        entry.rssMb = Math.round(process.memoryUsage.rss() / 1e5) / 10;
      }
      stats.files += 1;
      stats.peakRssBytes = process.resourceUsage().maxRSS * 1024;
      try {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, JSON.stringify(stats));
      } catch {
        // The run folder is gone only when the run is being torn down; statistics are not worth an error then.
      }
    },
  };
}
