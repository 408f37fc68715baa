// Reads what every process of the run recorded (see worker/worker-stats.ts): the durations for the cache
// and one peak-memory line per worker. Runs in: main process, at global teardown.

import fs from 'node:fs';
import path from 'node:path';
import { runLayout, type WorkerStats } from '../../shared/run-layout';

export interface RunStats {
  durations: Map<string, number>;
  workers: WorkerStats[];
  /** Tests loaded (and selected) per spec file, over every worker. */
  loaded: Map<string, number>;
}

export function readRunStats(runDir: string): RunStats {
  const folder = runLayout(runDir).stats;
  let names: string[] = [];
  try {
    names = fs.readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch {
    // No process finished a file (no tests, or global setup failed).
  }
  const durations = new Map<string, number>();
  const loaded = new Map<string, number>();
  const workers: WorkerStats[] = [];
  for (const name of names) {
    let stats: WorkerStats;
    try {
      stats = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as WorkerStats;
    } catch {
      continue; // a worker killed while writing: its files are simply not measured this time
    }
    workers.push(stats);
    // A file retried by a replacement worker appears twice; the longer figure is the safer plan.
    for (const [spec, ms] of Object.entries(stats.durations)) durations.set(spec, Math.max(ms, durations.get(spec) ?? 0));
    for (const [spec, count] of Object.entries(stats.loaded ?? {})) loaded.set(spec, (loaded.get(spec) ?? 0) + count);
  }
  workers.sort((a, b) => Number(a.workerId ?? 0) - Number(b.workerId ?? 0) || a.pid - b.pid);
  return { durations, workers, loaded };
}

/** Files whose tests were not all reported: a lost worker's events, or tests a failing hook skipped. */
export function missingTests(loaded: ReadonlyMap<string, number>, reported: ReadonlyMap<string, number>): string[] {
  const lines: string[] = [];
  for (const [file, count] of [...loaded].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const seen = reported.get(file) ?? 0;
    if (seen < count) lines.push(`${file}: ${count - seen} of ${count} tests were never reported`);
  }
  return lines;
}

export function formatMemoryLines(workers: readonly WorkerStats[]): string[] {
  return workers
    .filter((worker) => worker.workerId !== undefined)
    .map((worker) => {
      const mb = (worker.peakRssBytes / (1024 * 1024)).toFixed(1);
      return `mocha-isolation: worker ${worker.workerId} (pid ${worker.pid}): peak RSS ${mb} MB, ${worker.files} file${worker.files === 1 ? '' : 's'}.`;
    });
}
