// mochaGlobalSetup/Teardown. Runs in: main process, once per run. mocha calls them with the run's runner as
// `this`: serially it runs the tests here, so the worker state takes its suite events (file boundaries) and
// gates its outcomes; in parallel the workers get the plugin's reporter, which does the same in each worker.

import type { Runner } from 'mocha';
import { ensureProcessState } from './process-state';
import { WORKER_REPORTER_FILE } from './plugin-files';

// Main-process modules, required when global setup runs: a worker loads this file too (it is part of the plugin's
// entry) and never needs them (test/plugin/process-boundaries.test.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- required lazily, see above */
const lostTests = (): typeof import('./main/workers/lost-tests') => require('./main/workers/lost-tests');
const runSetup = (): typeof import('./main/run-setup') => require('./main/run-setup');
const runState = (): typeof import('./main/run-state') => require('./main/run-state');
const runTeardown = (): typeof import('./main/run-teardown') => require('./main/run-teardown');
const pairedEvents = (): typeof import('./main/workers/paired-events') => require('./main/workers/paired-events');
const idleDeaths = (): typeof import('./main/workers/idle-worker-deaths') => require('./main/workers/idle-worker-deaths');
/* eslint-enable @typescript-eslint/no-require-imports */

type RunRunner = Runner & { isParallelMode?(): boolean; workerReporter(reporter: string): Runner };

export function globalSetup(this: RunRunner | undefined): void {
  setUp(this);
}

function setUp(runner: RunRunner | undefined): void {
  const parallel = typeof runner?.isParallelMode === 'function' && runner.isParallelMode();
  if (!parallel) {
    // Serially the run was set up when the first spec file loaded, with this process's worker state.
    const state = ensureProcessState();
    if (runner === undefined || typeof runner.on !== 'function') return;
    state.attachRunner(runner, true);
    runState()
      .currentRun()
      ?.watch({ counter: lostTests().countReportedTests(runner, process.cwd()) });
    return;
  }
  const run = runSetup().setUpRun();
  if (runner === undefined) return;
  const { config, invocation } = run;
  runner.workerReporter(require.resolve(WORKER_REPORTER_FILE));
  const counter = lostTests().countReportedTests(runner, invocation.cwd);
  const deaths = idleDeaths().failOnIdleWorkerDeaths(runner, config.runDir, invocation.cwd);
  run.watch({ counter, deaths });
  lostTests().accountForLostTests(runner, config.runDir, invocation.cwd, String(config.seed), deaths.exitOf);
  // Last: it counts the listeners everything above attached.
  pairedEvents().leanWorkerStream(runner, process.env, config.workerStream);
}

export function globalTeardown(): void {
  runTeardown().tearDownRun(runState().takeRun());
}
