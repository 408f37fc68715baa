// Watches the worker processes mocha's pool forks, and sees each one's end. Runs in: main process of a parallel
// run, from global setup until the run ends.
//
// mocha's pool (workerpool 6-10, mocha 8-12) stops a worker by waiting for its 'exit' event. A worker that had
// already died (process.abort, a signal, an unhandled rejection between files) never emits it again, so the
// pool waits forever: it starts no worker for the files still queued and never finishes, the event loop
// empties, and the run ended with exit 0 and no output at all. Here a listener added after the process ended
// is called at once, with the exit it missed. A worker that dies in a task is also left waiting: workerpool
// rejects the task before it forgets it, and the rejection stops the dead worker while it still looks busy, so
// the pool's "next task" never comes. After each death, while files are queued, the pool is handed a no-op task
// (workerpool's public `exec('methods')`), which makes it dispatch what is queued to a new worker.

import path from 'node:path';
import { mochaDir } from '../../shared/mocha-internals';
import { patchMocha } from '../../shared/mocha-patches';
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
const isWorkerScript = (file: string): boolean =>
  /^worker\.c?js$/.test(path.basename(file)) && path.dirname(file) === path.join(mochaDir(), 'lib', 'nodejs');
type ForkArgs = Parameters<typeof forkFunction>;
type Listener = (...args: unknown[]) => void;

interface Pool {
  exec(method: string): Promise<unknown>;
  stats(): { pendingTasks: number };
}
interface WorkerpoolModule {
  pool: (...args: unknown[]) => Pool;
}

export function watchWorkerExits(onExit: (exit: WorkerExit) => void): WorkerExitWatch {
  const pools: Pool[] = [];
  const nudgePools = (): void => {
    // Only while files wait: a task given to a pool that is done would start a worker nobody stops.
    for (const pool of pools) if (pool.stats().pendingTasks > 0) pool.exec('methods').catch(() => undefined);
  };
  // The module object itself (workerpool reads `require('child_process').fork` when it forks), not a copy.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, whose fork() mocha's pool calls
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const fork = childProcess.fork;
  const watched = function watchedFork(this: unknown, ...args: ForkArgs): ChildProcess {
    const child = fork.apply(this, args);
    if (typeof args[0] === 'string' && isWorkerScript(args[0])) {
      answerLateExitListeners(child, (exit) => {
        onExit(exit);
        // After the pool's own reaction to the death (its list no longer holds the dead worker).
        if (exit.code !== 0 || exit.signal !== null) setImmediate(nudgePools);
      });
    }
    return child;
  } as typeof forkFunction;
  childProcess.fork = watched;
  const workerpool = mochasWorkerpool();
  const createPool = workerpool?.pool;
  patchMocha('poolExitTime', () => {
    if (workerpool === undefined) return 'its workerpool cannot be found';
    if (typeof createPool !== 'function') return 'its workerpool has no pool()';
    workerpool.pool = function watchedPool(this: unknown, ...args: unknown[]): Pool {
      const pool = createPool.apply(this, withCoverageExitTime(args, process.env));
      pools.push(pool);
      return pool;
    };
    return undefined;
  });
  return {
    stop() {
      if (childProcess.fork === watched) childProcess.fork = fork;
      if (workerpool !== undefined && createPool !== undefined) workerpool.pool = createPool;
      pools.length = 0;
    },
  };
}

/**
 * Under coverage (c8 and others set NODE_V8_COVERAGE; nyc sets NYC_CONFIG), a worker writes its coverage as it
 * exits, and a large suite's takes seconds; workerpool kills a worker that has not exited one second after it was
 * told to (mocha issue 6219: that worker's coverage is lost). The pool gets COVERAGE_EXIT_MS instead.
 */
const COVERAGE_EXIT_MS = 60_000;

function withCoverageExitTime(args: unknown[], env: Readonly<Record<string, string | undefined>>): unknown[] {
  if (env.NODE_V8_COVERAGE === undefined && env.NYC_CONFIG === undefined) return args;
  const [script, options, ...rest] = args;
  const given = (options ?? {}) as { workerTerminateTimeout?: number };
  return [script, { ...given, workerTerminateTimeout: Math.max(given.workerTerminateTimeout ?? 1_000, COVERAGE_EXIT_MS) }, ...rest];
}

/** The workerpool module mocha's pool requires (its own dependency, wherever npm put it). */
function mochasWorkerpool(): WorkerpoolModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's own workerpool, found from its folder
    return require(require.resolve('workerpool', { paths: [mochaDir()] })) as WorkerpoolModule;
  } catch {
    return undefined;
  }
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
      // Not sooner: the pool drops the dead worker from its list a few promise ticks after its exit, and a
      // worker it asks for in between must not be this one.
      setImmediate(() => listener.call(child, code, signal));
      return child;
    } as ChildProcess['on'];
  }
}
