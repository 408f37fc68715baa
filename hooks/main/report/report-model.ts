// What the run report shows, computed from the run's records: lanes of files per worker, the lower bound, what
// slowed the run, leaks, failures and the next commands. Runs in: main process (global teardown), or the bench.
// Pure: no files read or written here.

import type { Leak } from '../../shared/leak-report';
import type { RecordedFile } from '../../shared/run-layout';

export interface ReportBar {
  file: string;
  /** ms from the run's start. */
  start: number;
  ms: number;
  tests: number;
  failed: number;
  pending: number;
}

export interface ReportLane {
  label: string;
  bars: ReportBar[];
  /** RSS after each file: [ms from the run's start, MB]. */
  memory: Array<[number, number]>;
}

/** A failed test as the main process's reporters were told it: its error's message, diff and stack. */
export interface FailureDetail {
  title: string;
  file: string;
  message: string;
  stack?: string;
  /** The assertion's two sides, as strings, when it gave them (chai's expected/actual). */
  expected?: string;
  actual?: string;
}

export interface ReportInput {
  seed: number;
  order: string;
  /** Copyable commands: the reproduce line, and replay/bisect for the first failure. */
  commands: { reproduce: string; replay?: string; bisect?: string };
  startedAt: number;
  endedAt: number;
  /** `label`: the lane's name when not "worker N" or "serial" (a merge of shards names the job too). */
  workers: Array<{ workerId: string | undefined; files: RecordedFile[]; label?: string }>;
  leaks: ReadonlyArray<Leak & { worker: string }>;
  dropped: number;
  lost: string[];
  /** Every failure the run reported, with its error (the first ones; `failureCount` says how many in all). */
  failureDetails?: FailureDetail[];
  failureCount?: number;
  /** For a sharded run: this shard and the expected durations of every shard's plan. */
  shard?: { index: number; total: number; expectedMs: number[]; files: Array<[file: string, expectedMs: number]> };
  /** For a merge of shards: each job's wall time (its lanes are laid from one start) and the plan's expectation; missing shards with their files. */
  shards?: { jobs: Array<{ index: number; wallMs: number; expectedMs?: number }>; missing: Array<{ index: number; files: string[] }> };
}

export interface ReportModel extends ReportInput {
  wallMs: number;
  lanes: ReportLane[];
  firstTestMs: number;
  totalFileMs: number;
  longestFile: ReportBar | undefined;
  /** first test + max(Σ file time / lanes, longest file) */
  lowerBoundMs: number;
  /** The busiest lane's file time if the same files had been dealt longest first (the duration cache's order). */
  longestFirstMs: number;
  /** The busiest lane's file time as dealt in this run. */
  busiestLaneMs: number;
  /** Time between files on all lanes: loading the next file, or waiting for one. */
  betweenFilesMs: number;
  /** When the last lane finished its files. */
  lastFileEndMs: number;
  longestFiles: ReportBar[];
  longestTests: Array<{ title: string; file: string; ms: number }>;
  lastStarted: ReportBar[];
  failures: Array<{ title: string; file: string; lane: string }>;
  totals: { passed: number; failed: number; pending: number };
}

const TOP = 10;

export function buildReportModel(input: ReportInput): ReportModel {
  const wallMs = Math.max(1, input.endedAt - input.startedAt);
  const totals = { passed: 0, failed: 0, pending: 0 };
  const failures: ReportModel['failures'] = [];
  const tests: ReportModel['longestTests'] = [];
  const lanes: ReportLane[] = input.workers.map((worker) => {
    const label = worker.label ?? (worker.workerId === undefined ? 'serial' : `worker ${worker.workerId}`);
    const bars: ReportBar[] = [];
    const memory: ReportLane['memory'] = [];
    for (const entry of worker.files) {
      const start = (entry.startedAt ?? input.startedAt) - input.startedAt;
      const ms = entry.ms ?? 0;
      let failed = 0;
      let pending = 0;
      for (const [title, outcome, testMs] of entry.tests) {
        totals[outcome] += 1;
        if (outcome === 'failed') {
          failed += 1;
          failures.push({ title, file: entry.file, lane: label });
        } else if (outcome === 'pending') pending += 1;
        if (testMs !== undefined) tests.push({ title, file: entry.file, ms: testMs });
      }
      bars.push({ file: entry.file, start, ms, tests: entry.tests.length, failed, pending });
      if (entry.rssMb !== undefined) memory.push([start + ms, entry.rssMb]);
    }
    return { label, bars, memory };
  });
  const bars = lanes.flatMap((lane) => lane.bars);
  const totalFileMs = bars.reduce((sum, bar) => sum + bar.ms, 0);
  const longestFiles = [...bars].sort((a, b) => b.ms - a.ms).slice(0, TOP);
  const firstTestMs = bars.length === 0 ? 0 : Math.min(...bars.map((bar) => bar.start));
  const laneCount = Math.max(1, lanes.length);
  return {
    ...input,
    wallMs,
    lanes,
    firstTestMs,
    totalFileMs,
    longestFile: longestFiles[0],
    lowerBoundMs: firstTestMs + Math.max(totalFileMs / laneCount, longestFiles[0]?.ms ?? 0),
    longestFirstMs: longestFirstMakespan(
      bars.map((bar) => bar.ms),
      laneCount,
    ),
    busiestLaneMs: Math.max(0, ...lanes.map((lane) => lane.bars.reduce((sum, bar) => sum + bar.ms, 0))),
    betweenFilesMs: lanes.reduce((sum, lane) => {
      if (lane.bars.length === 0) return sum;
      const first = Math.min(...lane.bars.map((bar) => bar.start));
      const last = Math.max(...lane.bars.map((bar) => bar.start + bar.ms));
      return sum + Math.max(0, last - first - lane.bars.reduce((busy, bar) => busy + bar.ms, 0));
    }, 0),
    lastFileEndMs: bars.reduce((end, bar) => Math.max(end, bar.start + bar.ms), 0),
    longestFiles,
    longestTests: tests.sort((a, b) => b.ms - a.ms).slice(0, TOP),
    lastStarted: [...bars].sort((a, b) => b.start - a.start).slice(0, 5),
    failures,
    totals,
  };
}

/** Deals the durations longest first, each to the lane that frees up first; returns when the last lane ends. */
export function longestFirstMakespan(durations: readonly number[], lanes: number): number {
  const ends = new Array<number>(lanes).fill(0);
  for (const ms of [...durations].sort((a, b) => b - a)) {
    let earliest = 0;
    for (let i = 1; i < ends.length; i++) if ((ends[i] as number) < (ends[earliest] as number)) earliest = i;
    ends[earliest] = (ends[earliest] as number) + ms;
  }
  return Math.max(0, ...ends);
}
