// What writing the run report adds to a run: the page built from the default suite's parallel plugin run (its
// run record and leak report), written to a temp file, timed in the benchmark's process. Runs in: the benchmark.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../hooks/main/run-record';
import { writeRunReport } from '../../hooks/main/report/write-report';
import type { Leak } from '../../hooks/shared/leak-report';

export interface ReportCost {
  files: number;
  /** Median of the timed writes (ms), and the page's size (KB). */
  ms: number;
  kb: number;
}

/** Reads what the run left beside its duration cache; undefined when it left no record. */
export function readRunOutputs(cacheDir: string): { record: RunRecord; leaks: Array<Leak & { worker: string }> } | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(cacheDir, 'last-run.json'), 'utf8')) as RunRecord;
    const leaksFile = path.join(cacheDir, 'leaks.json');
    const leaks = fs.existsSync(leaksFile)
      ? ((JSON.parse(fs.readFileSync(leaksFile, 'utf8')) as { leaks: Array<Leak & { worker: string }> }).leaks ?? [])
      : [];
    return { record, leaks };
  } catch {
    return undefined;
  }
}

/** The run's start-up marks, in words: main process, config, global setup, each worker's start, state, first file and test. */
export function startupBreakdown(record: RunRecord): string[] | undefined {
  const main = record.startup;
  if (main === undefined) return undefined;
  const at = (epoch: number | undefined): string => (epoch === undefined ? 'n/a' : String(epoch - main.processStart));
  const lines = [`main: config read at ${at(main.configAt)}, global setup ${at(main.setupStart)}–${at(main.setupEnd)}`];
  for (const worker of record.workers) {
    const marks = worker.startup;
    if (marks === undefined) continue;
    lines.push(
      `worker ${worker.workerId ?? 'serial'}: process started ${at(marks.processStart)}, plugin state ready ${at(marks.stateReady)}, first file ${at(marks.firstFileStart)}, first test ${at(marks.firstTestStart)}`,
    );
  }
  return lines;
}

export function measureReportCost(outputs: NonNullable<ReturnType<typeof readRunOutputs>>, times = 15): ReportCost {
  const { record, leaks } = outputs;
  const starts = record.workers.flatMap((worker) => worker.files.map((file) => file.startedAt ?? 0)).filter((at) => at > 0);
  const startedAt = Math.min(...starts) - 300;
  const endedAt = Math.max(...record.workers.flatMap((worker) => worker.files.map((file) => (file.startedAt ?? 0) + (file.ms ?? 0))));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
  try {
    const timings: number[] = [];
    let bytes = 0;
    for (let i = 0; i < times; i++) {
      const written = writeRunReport(path.join(folder, 'report.html'), {
        seed: record.seed,
        order: 'files shuffled',
        commands: { reproduce: `ISOLATION_SEED=${record.seed} npx mocha` },
        startedAt,
        endedAt,
        workers: record.workers,
        leaks,
        dropped: 0,
        lost: [],
      });
      timings.push(written.ms);
      bytes = written.bytes;
    }
    timings.sort((a, b) => a - b);
    return {
      files: record.workers.reduce((sum, worker) => sum + worker.files.length, 0),
      ms: timings[Math.floor(timings.length / 2)] as number,
      kb: bytes / 1024,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
