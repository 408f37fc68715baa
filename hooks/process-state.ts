// This process's worker state, created where it must be: in a worker when mocha reads the root hooks (before any
// spec file loads); serially, in the main process, when the first spec file loads (or at the latest when the
// run starts). Runs in: any process; in the main process of a parallel run it is never called.
//
// The worker state's modules and the run set-up are required here, when first needed: the main process of a
// parallel run never needs the first, a worker never the second, and each costs a few ms to load (issue 10,
// start-up: every ms before the first test counts).

import { parseConfig } from './config';
import { configError } from './errors';
import { existingWorkerState, registerWorkerState } from './worker/state-registry';
import type { WorkerState } from './worker/worker-state';

type WorkerStateModule = typeof import('./worker/worker-state');
type RunSetupModule = typeof import('./main/run-setup');

export function ensureProcessState(): WorkerState {
  const existing = existingWorkerState();
  if (existing !== undefined) return existing;
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);
  // Serially the tests run in the main process, which sets the run up itself. A worker never does: it is
  // refused by the worker state if the main process did not (see WorkerState's constructor).
  /* eslint-disable @typescript-eslint/no-require-imports -- each side's code loads only in the process that needs it (see above) */
  const setUpRun = (): RunSetupModule['setUpRun'] => (require('./main/run-setup') as RunSetupModule).setUpRun;
  const { WorkerState } = require('./worker/worker-state') as WorkerStateModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const runConfig = config.workerId === undefined ? { ...config, ...setUpRun()().config } : config;
  return registerWorkerState(new WorkerState(runConfig));
}
