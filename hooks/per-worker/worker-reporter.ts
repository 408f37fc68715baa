// The reporter every worker uses (given to mocha with Runner#workerReporter(), its public route for this).
// Runs in: worker, one instance per spec file.
//
// It is mocha's own buffered reporter, plus three things. It hands the worker's runner to the worker state, which
// gates test outcomes on the plugin's afterEach (per-worker/outcome-gate.ts), reports tests a failing hook made
// mocha skip, and learns the run's --grep from the options mocha gives reporters. It records each test's outcome
// for the marker a dying worker leaves. And it drops the begin/end events of the plugin's two per-test hooks:
// mocha serializes every event in the worker and replays it in the main process, ~57 µs of CPU per hook per
// test, and those hooks have nothing to show (a problem they find is a test failure, which is kept). It
// overrides createListener, which mocha documents for subclasses.

import path from 'node:path';
import type { Runner, Test } from 'mocha';
import { ownPerTestHooks } from './own-hooks';
import { existingWorkerState } from './state-registry';

type Listener = (runnable: { fn?: unknown } | undefined, error?: unknown) => void;
interface BufferedReporter {
  listeners: Map<string, Listener>;
  createListener(eventName: string): Listener;
}
type BufferedReporterClass = new (runner: Runner, options?: unknown) => BufferedReporter;

const HOOK_EVENTS: ReadonlySet<string> = new Set(['hook', 'hook end']);

/** The buffered reporter of the mocha running this worker (its worker script is the process's main module). */
function mochaBufferedReporter(): BufferedReporterClass {
  const workerScript = require.main?.filename ?? require.resolve('mocha/lib/nodejs/worker.cjs', { paths: [process.cwd()] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(path.dirname(workerScript), 'reporters', 'parallel-buffered.cjs')) as BufferedReporterClass;
}

const Base = mochaBufferedReporter();

export default class IsolationWorkerReporter extends Base {
  constructor(runner: Runner, options?: unknown) {
    super(runner, options);
    const state = existingWorkerState();
    if (state === undefined) return;
    state.attachRunner(runner, false);
    const { grep, invert } = (options ?? {}) as { grep?: unknown; invert?: unknown };
    state.selection.select(grep, invert);
    runner.on('pass', (test: Test) => state.outcome(test, 'passed'));
    runner.on('fail', (test: Test) => test.type === 'test' && state.outcome(test, 'failed'));
    runner.on('pending', (test: Test) => state.outcome(test, 'pending'));
  }

  override createListener(eventName: string): Listener {
    const listener = super.createListener(eventName);
    if (!HOOK_EVENTS.has(eventName)) return listener;
    const filtered: Listener = (runnable, error) => {
      if (!ownPerTestHooks.has(runnable?.fn)) listener(runnable, error);
    };
    // mocha removes its listeners by what this map holds, so it must hold the one registered.
    this.listeners.set(eventName, filtered);
    return filtered;
  }
}
