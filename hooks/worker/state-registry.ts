// Where this process's worker state is kept once it exists: its own small module, so that the helpers tests call
// and the project's wiring can reach it without loading the worker state's modules in a process that has none
// (the main process of a parallel run). Runs in: any process.

import type { WorkerState } from './worker-state';

let state: WorkerState | undefined;

/** The process's state once it exists (undefined in the main process of a parallel run). */
export function existingWorkerState(): WorkerState | undefined {
  return state;
}

export function registerWorkerState(created: WorkerState): WorkerState {
  state ??= created;
  return state;
}
