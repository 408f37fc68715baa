// The record of the last run: its seed, the command, the order-changing settings, and for each process the files
// it ran in order with each test's outcome. Written at the end of every run next to the duration cache; read by
// `mocha-isolation replay` and `bisect`. Runs in: main process (global teardown) and the plugin's commands.

import fs from 'node:fs';
import type { ShuffleLevel } from '../config';
import type { Leak } from '../shared/leak-report';
import type { ProcessStartup, RecordedFile, WorkerStats } from '../shared/run-layout';
import type { FailureDetail } from './report/report-model';
import type { TypedCommand } from './invocation/seed-line';
import type { RecordedShard } from './scheduling/shard-plan';
import { writeWhole } from '../shared/write-whole';

export interface MainStartup {
  processStart: number;
  configAt?: number;
  setupStart?: number;
  setupEnd?: number;
}

export interface RunRecord {
  version: 1;
  date: string;
  seed: number;
  shuffle: ShuffleLevel;
  /** What the user typed after `mocha`, and the order-changing ISOLATION_* variables they had set. */
  command: TypedCommand;
  parallel: boolean;
  /** One entry per process that ran tests: a worker, or the one process of a serial run (`shard`: in a merged record, its shard). */
  workers: Array<{ workerId: string | undefined; pid: number; files: RecordedFile[]; startup?: ProcessStartup; shard?: number }>;
  /** The main process's start-up marks (ms since the epoch): process start, config, global setup. */
  startup?: MainStartup;
  /** What else a merge of CI shards needs (`mocha-isolation merge`): absent in records of older versions. */
  outcome?: RunOutcome;
}

export interface RunOutcome {
  /** When the run started and ended (ms since the epoch). */
  startedAt: number;
  endedAt: number;
  /** The first failures' errors (mocha's count in `failureCount`, a failed hook included). */
  failures: FailureDetail[];
  failureCount: number;
  leaks: Array<Leak & { worker: string }>;
  /** Tests a failed hook kept from running; tests the run loaded but never reported. */
  dropped: number;
  lost: string[];
  /** The commit under test, when CI or .git says it. */
  commit?: string;
  /** A sharded run's shard and the whole plan. */
  shard?: RecordedShard;
}

const RECORD_VERSION = 1;

export function buildRunRecord(
  seed: number,
  shuffle: ShuffleLevel,
  command: TypedCommand,
  workers: readonly WorkerStats[],
  startup?: MainStartup,
  outcome?: RunOutcome,
): RunRecord {
  const ran = workers.filter((worker) => worker.sequence.length > 0);
  return {
    version: RECORD_VERSION,
    date: new Date().toISOString(),
    seed,
    shuffle,
    command,
    parallel: ran.some((worker) => worker.workerId !== undefined),
    workers: ran.map((worker) => ({ workerId: worker.workerId, pid: worker.pid, files: worker.sequence, startup: worker.startup })),
    startup,
    ...(outcome === undefined ? {} : { outcome }),
  };
}

/** Replaced by a rename, so a reader never sees half a record. */
export function writeRunRecord(file: string, record: RunRecord): void {
  writeWhole(file, `${JSON.stringify(record)}\n`);
}

export function readRunRecord(file: string): RunRecord {
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `the run record "${file}" could not be read (${reason}). Run the suite once (npx mocha) to write one, or name a record file.`,
      { cause: error },
    );
  }
  if (record.version !== RECORD_VERSION || !Array.isArray(record.workers)) {
    throw new Error(`"${file}" is not a run record of this version of mocha-isolation. Run the suite again to write a new one.`);
  }
  return record;
}
