// The one accessor of this process's worker state, for the helpers tests call. Runs in: worker.

import { IsolationError } from '../errors';
import { existingWorkerState } from './state-registry';
import type { WorkerState } from './worker-state';

export function workerState(helper: string): WorkerState {
  const state = existingWorkerState();
  if (state === undefined) {
    throw new IsolationError(
      'ERR_ISOLATION_OUTSIDE_TEST',
      `"${helper}()" was called where no test runs (this process has not started a test file). Call it inside it() or a hook.`,
      { helper },
    );
  }
  return state;
}
