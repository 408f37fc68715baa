// Ends a run: memory lines, the leak report, the run record, the report page, the duration cache, dead workers
// and tests that went missing. Runs in: main process, once per run, from mochaGlobalTeardown.

import fs from 'node:fs';
import path from 'node:path';
import { formatLeakReport, type Leak } from '../shared/leak-report';
import { writeRunReport } from './report/write-report';
import type { ReportInput } from './report/report-model';
import { checksLeaks, DEFAULT_REPORT_FILE, ENV } from '../config';
import { DROPPED_PREFIX, runRecordFile, type WorkerStats } from '../shared/run-layout';
import { reportDeadWorkers } from './workers/dead-workers';
import { describeOrder, typedCommand } from './invocation/seed-line';
import { buildRunRecord, type RunOutcome, writeRunRecord } from './run-record';
import { commitUnderTest } from './ci-run';
import { readShardPlan, shardPlanFile } from './scheduling/shard-plan';
import type { MainRun } from './run-state';
import { updateDurations } from './scheduling/duration-cache';
import { shardDurationsFile } from './scheduling/shard-durations';
import { formatMemoryLines, missingTests, readRunStats } from './workers/worker-stats-report';
import type { TestCounter } from './workers/lost-tests';
import { describeExit } from './workers/idle-worker-deaths';
import { shellQuote } from '../shared/shell-quote';

const print = (line: string): void => void process.stderr.write(`${line}\n`);

/** As mocha counts failures (a failed hook is one more), saying which are hooks: "3 failed: 2 tests, 1 hook". */
export function failedLine(tests: number, hooks: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return hooks === 0 ? `${plural(tests, 'test')} failed` : `${tests + hooks} failed: ${plural(tests, 'test')}, ${plural(hooks, 'hook')}`;
}

/** Ends the run global setup (or, serially, the first spec file) began; nothing to do when none began. */
export function tearDownRun(run: MainRun | undefined): void {
  if (run === undefined) return;
  try {
    run.stopWatching();
    reportRunStats(run);
    const { deaths } = run;
    reportDeadWorkers(run.config.runDir, String(run.config.seed), print, (pid) => describeExit(deaths?.exitOf(pid)));
  } finally {
    run.end();
  }
}

/** The leak report: on stderr, and as JSON beside the run record for CI. Returns the leaks. */
function reportLeaks(run: MainRun, workers: readonly WorkerStats[]): Array<Leak & { worker: string }> {
  const { config, invocation } = run;
  if (!checksLeaks(config.leaks)) return [];
  const leaks = workers.flatMap((worker) =>
    (worker.leaks ?? []).map((leak) => ({ ...leak, worker: worker.workerId === undefined ? 'serial' : `worker ${worker.workerId}` })),
  );
  const file = path.join(path.dirname(runRecordFile(config.durations, invocation.cwd)), 'leaks.json');
  for (const line of formatLeakReport(leaks, path.relative(invocation.cwd, file))) print(line);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ version: 1, leaks }, null, 2)}\n`);
  } catch (error) {
    print(`mocha-isolation: could not write the leak report "${file}" (${(error as NodeJS.ErrnoException).code ?? error}).`);
  }
  return leaks;
}

/** A sharded run's plan as the config helper published it: every shard's expected load, this one's files. */
function shardOfRun(run: MainRun): ReportInput['shard'] {
  const { shard } = run.config;
  const published = run.invocation.env[ENV.shardPlan];
  if (shard === undefined || published === undefined) return undefined;
  try {
    const plan = JSON.parse(published) as { loads: number[]; files: Record<string, number | null> };
    return {
      index: shard.index,
      total: shard.total,
      expectedMs: plan.loads,
      files: Object.entries(plan.files).map(([file, ms]) => [file, ms ?? Number.NaN]),
    };
  } catch {
    return undefined;
  }
}

/** The run report page, and its path in the closing lines. */
function writeReport(
  run: MainRun,
  file: string,
  ended: {
    workers: readonly WorkerStats[];
    leaks: Array<Leak & { worker: string }>;
    dropped: number;
    lost: string[];
    nextSteps: { replay: string; bisect?: string } | undefined;
    counter: TestCounter | undefined;
  },
): void {
  const { config, invocation, seedLine } = run;
  try {
    const written = writeRunReport(path.resolve(invocation.cwd, file), {
      seed: config.seed,
      order: describeOrder(config.shuffle, typedCommand(invocation.env, invocation.argv).files),
      commands: { reproduce: seedLine.slice(seedLine.indexOf('Reproduce: ') + 'Reproduce: '.length), ...ended.nextSteps },
      startedAt: run.startedAt,
      endedAt: Date.now(),
      workers: ended.workers
        .filter((worker) => worker.sequence.length > 0)
        .map((worker) => ({ workerId: worker.workerId, files: worker.sequence })),
      leaks: ended.leaks,
      dropped: ended.dropped,
      lost: ended.lost,
      ...(ended.counter === undefined
        ? {}
        : { failureDetails: ended.counter.details, failureCount: ended.counter.failed + ended.counter.hooksFailed }),
      shard: shardOfRun(run),
    });
    print(
      `mocha-isolation: run report: ${path.relative(invocation.cwd, written.file)} (${Math.round(written.bytes / 1024)} KB; ${ENV.report}=off skips it)`,
    );
  } catch (error) {
    print(
      `mocha-isolation: could not write the run report "${file}" (${(error as NodeJS.ErrnoException).code ?? error}). Point ${ENV.report} at a writable file, or set it to off.`,
    );
  }
}

/** Writes the run record and returns its path; undefined when there was nothing to record or it failed. */
function recordRun(run: MainRun, workers: readonly WorkerStats[], outcome: RunOutcome): string | undefined {
  const { config, invocation } = run;
  if (workers.every((worker) => worker.sequence.length === 0)) return undefined;
  const file = runRecordFile(config.durations, invocation.cwd);
  try {
    writeRunRecord(
      file,
      buildRunRecord(config.seed, config.shuffle, typedCommand(invocation.env, invocation.argv), workers, run.startup, outcome),
    );
    return file;
  } catch (error) {
    print(
      `mocha-isolation: could not write the run record "${file}" (${(error as NodeJS.ErrnoException).code ?? error}); replay and bisect need it.`,
    );
    return undefined;
  }
}

function reportRunStats(run: MainRun): void {
  const { config, invocation, counter } = run;
  const stats = readRunStats(config.runDir);
  for (const line of formatMemoryLines(stats.workers)) print(line);
  if (counter !== undefined && counter.dropped.size > 0) {
    const total = [...counter.dropped.values()].reduce((sum, n) => sum + n, 0);
    const reasons = [...counter.dropped].map(
      ([message, n]) => `  - ${n} test${n === 1 ? '' : 's'}: ${message.slice(DROPPED_PREFIX.length)}`,
    );
    print(
      `mocha-isolation: ${total} test${total === 1 ? '' : 's'} did not run because a hook failed (reported as failed):\n${reasons.join('\n')}`,
    );
  }
  const leaks = reportLeaks(run, stats.workers);
  const dropped = counter === undefined ? 0 : [...counter.dropped.values()].reduce((sum, n) => sum + n, 0);
  const missing = counter === undefined ? [] : missingTests(stats.loaded, counter.reported);
  const shard = config.shard === undefined ? undefined : readShardPlan(shardPlanFile(config.durations, invocation.cwd, config.shard));
  const record = recordRun(run, stats.workers, {
    startedAt: run.startedAt,
    endedAt: Date.now(),
    failures: counter?.details ?? [],
    failureCount: counter === undefined ? 0 : counter.failed + counter.hooksFailed,
    leaks,
    dropped,
    lost: missing,
    commit: commitUnderTest(invocation.env, invocation.cwd),
    ...(shard === undefined ? {} : { shard }),
  });
  let nextSteps: { replay: string; bisect?: string } | undefined;
  if (record !== undefined && counter !== undefined && counter.failed + counter.hooksFailed > 0) {
    const named = record === runRecordFile(undefined, invocation.cwd) ? '' : ` --record ${shellQuote(record)}`;
    nextSteps = { replay: `npx mocha-isolation replay${named}` };
    if (counter.firstFailure !== undefined)
      nextSteps.bisect = `npx mocha-isolation bisect${named} --test ${shellQuote(counter.firstFailure)}`;
    print(
      `mocha-isolation: ${failedLine(counter.failed, counter.hooksFailed)} (seed ${config.seed}). Next steps:\n` +
        `  run it again exactly:         ${nextSteps.replay}` +
        (nextSteps.bisect === undefined
          ? "\n  (nothing for bisect: each failure is a test's own doing, a file that failed to load, or a failed hook and the tests it kept from running)"
          : `\n  find a test that polluted it: ${nextSteps.bisect}`),
    );
  }
  if (missing.length > 0) {
    print(`mocha-isolation: the run reported fewer tests than its files loaded:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
    process.exitCode = process.exitCode || 1;
  }
  if (config.report !== undefined) {
    // By default beside the run record (which follows the duration cache); a path given in ISOLATION_REPORT as is.
    const file =
      config.report === DEFAULT_REPORT_FILE
        ? path.join(path.dirname(runRecordFile(config.durations, invocation.cwd)), 'report.html')
        : config.report;
    writeReport(run, file, { workers: stats.workers, leaks, dropped, lost: missing, nextSteps, counter });
  }
  if (config.durations === undefined || stats.durations.size === 0) return;
  const cache = path.resolve(invocation.cwd, config.durations);
  const cacheFile = config.shard === undefined ? cache : shardDurationsFile(cache, config.shard);
  try {
    updateDurations(cacheFile, stats.durations, invocation.cwd);
  } catch (error) {
    // The cache only plans the next run; failing to write it must not fail this one.
    print(
      `mocha-isolation: could not update the duration cache "${cacheFile}" (${(error as NodeJS.ErrnoException).code ?? error}). Point ${ENV.durations} at a writable file, or set it to off.`,
    );
  }
}
