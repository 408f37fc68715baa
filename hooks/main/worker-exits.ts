// Watches the worker processes mocha's pool forks, and sees each one's end. Runs in: main process of a parallel
// run, from global setup until the run ends.
//
// mocha's pool (workerpool 6-10, mocha 8-12) stops a worker by waiting for its 'exit' event. A worker that had
// already died (process.abort, a signal, an unhandled rejection between files) never emits it again, so the
// pool waits forever: it starts no worker for the files still queued and never finishes, the event loop
// empties, and the run ended with exit 0 and no output at all. Here a listener added after the process ended
// is called at once, with the exit it missed, so the pool replaces the worker and goes on.

import type { ChildProcess, fork as forkFunction } from 'node:child_process';

export interface WorkerExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerExitWatch {
  /** Stops watching new workers (those already forked keep their late 'exit'). */
  stop(): void;
}

// mocha's worker entry: lib/nodejs/worker.cjs in mocha 12, worker.js before.
const WORKER_SCRIPT = /[\\/]mocha[\\/]lib[\\/]nodejs[\\/]worker\.c?js$/;
type ForkArgs = Parameters<typeof forkFunction>;
type Listener = (...args: unknown[]) => void;

export function watchWorkerExits(onExit: (exit: WorkerExit) => void): WorkerExitWatch {
  // The module object itself (workerpool reads `require('child_process').fork` when it forks), not a copy.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const fork = childProcess.fork;
  const watched = function watchedFork(this: unknown, ...args: ForkArgs): ChildProcess {
    const child = fork.apply(this, args);
    if (typeof args[0] === 'string' && WORKER_SCRIPT.test(args[0])) answerLateExitListeners(child, onExit);
    return child;
  } as typeof forkFunction;
  childProcess.fork = watched;
  return {
    stop() {
      if (childProcess.fork === watched) childProcess.fork = fork;
    },
  };
}

function answerLateExitListeners(child: ChildProcess, onExit: (exit: WorkerExit) => void): void {
  let ended: WorkerExit | undefined;
  child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
    ended = { pid: child.pid ?? 0, code, signal };
    onExit(ended);
  });
  for (const method of ['on', 'once', 'addListener'] as const) {
    const original = child[method].bind(child) as (event: string, listener: Listener) => ChildProcess;
    child[method] = function lateAware(event: string, listener: Listener): ChildProcess {
      if (event !== 'exit' || ended === undefined) return original(event, listener);
      const { code, signal } = ended;
      process.nextTick(() => listener.call(child, code, signal));
      return child;
    } as ChildProcess['on'];
  }
}
