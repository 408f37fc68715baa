// This process's worker state, created where it must be: in a worker when mocha reads the root hooks (before any
// spec file loads); serially, in the main process, when the first spec file loads (or at the latest when the
// run starts). Runs in: any process; in the main process of a parallel run it is never called.

import { parseConfig } from './config';
import { configError } from './errors';
import { setUpRun } from './main/run-setup';
import { existingWorkerState, startWorkerState, type WorkerState } from './per-worker/worker-state';

export function ensureProcessState(): WorkerState {
  const existing = existingWorkerState();
  if (existing !== undefined) return existing;
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);
  // Serially the tests run in the main process, which sets the run up itself. A worker never does: it is
  // refused by the worker state if the main process did not (see WorkerState's constructor).
  const runConfig = config.workerId === undefined ? { ...config, ...setUpRun() } : config;
  return startWorkerState(runConfig);
}
