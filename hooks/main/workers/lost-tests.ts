// Accounts for every test of a parallel run. Runs in: main process, from global setup until the run ends.
//
// When a worker dies (process.exit, abort, out of memory, a signal) mocha loses every event of the file it was
// running and reports one "Uncaught error outside test suite". The worker's marker says which tests that file
// loaded and, if the worker could still write at exit, which had passed. Those are reported here as what they
// were, and every other test of the file as failed with the reason, so the totals and the JUnit file add up.
// A file that failed to load is reported as one failed test named after the file.

import type { Runner, Test } from 'mocha';
import { readLeftoverMarkers } from './dead-workers';
import type { FailureDetail } from '../report/report-model';
import { loadedMocha } from '../../shared/mocha-module';
import { requireMochaLib } from '../../shared/mocha-internals';
import { patchMocha } from '../../shared/mocha-patches';
import { describeExit } from './idle-worker-deaths';
import { fileCommand } from '../invocation/seed-line';
import type { WorkerExit } from './worker-exits';
import { DROPPED_PREFIX, specKey, TITLE_SEPARATOR, type WorkerMarker } from '../../shared/run-layout';

type MochaModule = typeof import('mocha');
type FailingRunner = Runner & { uncaught(error: unknown): void; fail(test: Test, error: Error): void };

export interface TestCounter {
  /** Tests reported per spec file (its key), counted from the main process's events. */
  reported: Map<string, number>;
  /** Tests a failing hook made mocha skip, by reason. */
  dropped: Map<string, number>;
  /** Tests that failed, and the first of them another test may have caused (the one bisect is offered for). */
  failed: number;
  /** Hooks that failed: mocha's "failing" count holds them too. */
  hooksFailed: number;
  firstFailure: string | undefined;
  /** The first failures with their errors, for the run report. */
  details: FailureDetail[];
}

const DETAILS_KEPT = 100;

function failureDetail(test: Test, error: unknown, cwd: string): FailureDetail {
  const err = (error ?? {}) as { message?: unknown; stack?: unknown; expected?: unknown; actual?: unknown; showDiff?: unknown };
  const text = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value)));
  const diff = err.showDiff !== false && 'expected' in err && 'actual' in err;
  return {
    title: test.fullTitle(),
    file: test.file === undefined ? '' : specKey(test.file, cwd),
    message: typeof err.message === 'string' ? err.message : String(error),
    ...(typeof err.stack === 'string' ? { stack: err.stack } : {}),
    ...(diff ? { expected: text(err.expected), actual: text(err.actual) } : {}),
  };
}

// Failures a test causes by itself (its own leak under ISOLATION_LEAKS=fail, process.exit, a rejection it left, a
// BEGIN inside the plugin's savepoint), and files that failed to load: no other test polluted them, so
// "find a test that polluted it" would only send the user on a search that cannot succeed.
const SELF_CAUSED: ReadonlySet<unknown> = new Set([
  'ERR_ISOLATION_LEAK',
  'ERR_ISOLATION_PROCESS_EXIT',
  'ERR_ISOLATION_UNHANDLED_REJECTION',
  'ERR_ISOLATION_DB_TRANSACTION',
]);

function causedItself(test: Test, error: { code?: unknown } | undefined): boolean {
  return SELF_CAUSED.has(error?.code) || test.title.endsWith(' failed to load');
}

/** Counts what the main process's reporters are told, in either mode. */
export function countReportedTests(runner: Runner, cwd: string): TestCounter {
  const counter: TestCounter = { reported: new Map(), dropped: new Map(), failed: 0, hooksFailed: 0, firstFailure: undefined, details: [] };
  runner.on('test end', (test: Test) => {
    if (test.file === undefined) return;
    const key = specKey(test.file, cwd);
    counter.reported.set(key, (counter.reported.get(key) ?? 0) + 1);
  });
  runner.on('fail', (test: Test, error: { message?: unknown; code?: unknown } | undefined) => {
    if (test.type === 'test') {
      counter.failed += 1;
      // A test a failed hook kept from running has nothing for bisect to find either.
      const dropped = typeof error?.message === 'string' && error.message.startsWith(DROPPED_PREFIX);
      if (!causedItself(test, error) && !dropped) counter.firstFailure ??= test.fullTitle();
    } else {
      counter.hooksFailed += 1;
    }
    if (counter.details.length < DETAILS_KEPT) counter.details.push(failureDetail(test, error, cwd));
    const message = typeof error?.message === 'string' ? error.message : '';
    if (message.startsWith(DROPPED_PREFIX)) counter.dropped.set(message, (counter.dropped.get(message) ?? 0) + 1);
  });
  return counter;
}

export function accountForLostTests(
  runner: Runner,
  runDir: string,
  cwd: string,
  seed: string | undefined,
  exitOf: (pid: number) => WorkerExit | undefined = () => undefined,
): void {
  const target = runner as FailingRunner;
  if (!patchMocha('runnerUncaught', () => (typeof target.uncaught === 'function' ? undefined : 'its runner has no uncaught()'))) return;
  nameFileOnWorkerErrors();
  const uncaught = target.uncaught.bind(target);
  target.uncaught = (error: unknown) => {
    const file = (error as { file?: unknown } | null)?.file;
    if (typeof file !== 'string') return uncaught(error);
    const key = specKey(file, cwd);
    const marker = readLeftoverMarkers(runDir).find((m) => m.file === key);
    const mocha = loadedMocha();
    if (marker === undefined) {
      const reason = error instanceof Error ? error.message : String(error);
      reportTest(target, mocha, file, [`${key} failed to load`], new Error(`${key} failed to load: ${reason}`));
      return undefined;
    }
    reportMarker(target, mocha, file, marker, seed, describeExit(exitOf(marker.pid)));
    return undefined;
  };
}

type PoolRun = (file: string, options?: unknown) => Promise<unknown>;
const NAMED = Symbol.for('mocha-isolation.pool-errors-name-file');

/**
 * mocha 12's parallel runner puts the spec file on the error a dead worker's task rejects with (`error.file`),
 * which is how the death is matched to its file above; mocha 10 and 11 do not, and their run reported one
 * "Worker terminated Unexpectedly" and lost the file's tests. Their worker pool's `run(file)` is wrapped to do
 * what 12 does (an error that already names a file is left alone).
 */
function nameFileOnWorkerErrors(): void {
  type PoolClass = { prototype: { run: PoolRun; [NAMED]?: true } };
  let pool: PoolClass | undefined;
  patchMocha('poolErrorFile', () => {
    pool = requireMochaLib<{ BufferedWorkerPool?: PoolClass }>('nodejs/buffered-worker-pool').BufferedWorkerPool;
    return typeof pool?.prototype?.run === 'function' ? undefined : 'it has no BufferedWorkerPool#run';
  });
  if (pool === undefined || typeof pool.prototype?.run !== 'function' || pool.prototype[NAMED] === true) return;
  const run = pool.prototype.run;
  pool.prototype.run = async function runNamingFile(this: unknown, file: string, options?: unknown): Promise<unknown> {
    try {
      return await run.call(this, file, options);
    } catch (error) {
      if (error !== null && typeof error === 'object' && (error as { file?: unknown }).file === undefined) {
        try {
          (error as { file?: string }).file = file;
        } catch {
          // A frozen error keeps mocha's own report.
        }
      }
      throw error;
    }
  };
  pool.prototype[NAMED] = true;
}

function reportMarker(
  runner: FailingRunner,
  mocha: MochaModule,
  file: string,
  marker: WorkerMarker,
  seed: string | undefined,
  how: string | undefined,
): void {
  const death =
    `worker ${marker.workerId} (pid ${marker.pid}${how === undefined ? '' : `, ${how}`}) died while running ${marker.file}` +
    (marker.test === undefined ? '' : `, in test "${marker.test}"`);
  const replay = seed === undefined ? '' : ` Reproduce with ${fileCommand(seed, marker.file)}`;
  for (const titlePath of marker.tests) {
    const outcome = marker.outcomes?.[titlePath];
    const titles = titlePath.split(TITLE_SEPARATOR);
    if (outcome === 'passed' || outcome === 'pending') {
      reportTest(runner, mocha, file, titles, outcome);
      continue;
    }
    // Killed outright (SIGKILL), a worker says nothing at exit: the tests it had not reported may have been running.
    const what =
      outcome === 'failed'
        ? 'it failed, and its error was lost'
        : marker.test === titles.join(' ')
          ? 'it was running'
          : marker.test === undefined
            ? 'it had not reported when the worker was killed (it was running, or had not started)'
            : 'it did not run';
    reportTest(runner, mocha, file, titles, new Error(`${death}; ${what}.${replay}`));
  }
}

/** Tells the main process's reporters about a test no worker could report, as a test of `file`. */
export function reportTest(
  runner: Runner,
  mocha: MochaModule,
  file: string,
  titles: string[],
  outcome: Error | 'passed' | 'pending',
): void {
  let parent = new mocha.Suite('');
  parent.root = true;
  for (const title of titles.slice(0, -1)) {
    const suite = new mocha.Suite(title);
    suite.parent = parent;
    suite.file = file;
    parent = suite;
  }
  const test = new mocha.Test(titles[titles.length - 1] ?? file, () => undefined);
  test.parent = parent;
  test.file = file;
  runner.emit('test', test);
  if (outcome === 'passed') {
    test.state = 'passed';
    runner.emit('pass', test);
  } else if (outcome === 'pending') {
    test.pending = true;
    runner.emit('pending', test);
  } else {
    (runner as FailingRunner).fail(test, outcome);
  }
  runner.emit('test end', test);
}
