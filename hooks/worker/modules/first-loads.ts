// Loading a module for the first time does not count against a test's or hook's timeout. Runs in: every process
// that runs tests (a worker, or the --no-parallel process), installed once.
//
// Why: hexo's "before all" hooks call hexo.init(), which loads (ts-node compiles) a large part of the project the
// first time it runs in a process. On a loaded 2-core machine that alone took over 10 s, the hook timed out and
// mocha skipped the 44 tests of its file: in whichever file ran first in a worker, so a schedule (ours: the
// slowest files first, and a file is slow because it paid for the compile) could fail a suite that passes in
// another order. A test's time is what its own code takes, not the one-time cost of the process it runs in.
// How: Module.prototype.load (a CommonJS module's first load: a register hook's transpile and its top-level code)
// is timed, nested loads inside the outermost one. While a runnable runs (the runner's events say which), that
// time is added to the timeout mocha compares its duration with when it ends, and a timer mocha is running starts
// again from the runnable's own timeout; when it ends, its timeout is its own again (a beforeEach hook runs again
// for the next test). The run stays bounded: a hang after the last load times out as before. ES modules loaded
// with import are not seen.

import Module from 'node:module';
import type { Runner } from 'mocha';
import { setRunnableTimeout, type TimedRunnable } from '../../shared/mocha-internals';

const INSTALLED = Symbol.for('mocha-isolation.first-loads');

export interface FirstLoads {
  /** Follows this runner's tests and hooks (a worker gets a runner per file). */
  follow(runner: Runner): void;
}

/** One per process (the worker state owns it): the load timer is installed once and reports to it. */
export function excludeFirstLoadsFromTimeouts(): FirstLoads {
  // The test running now and the hook running now (from the runner's events, so that no frame of ours is in a
  // test's stack), each with its own timeout and the first-load time added to it. Apart: mocha begins a test,
  // then runs its beforeEach hooks, then the test; a hook's end must give the loads back to the test.
  const current: { test?: Watched; hook?: Watched } = {};
  const watched = new WeakSet<Runner>();
  timeFirstLoads((ms) => allowFor(current.hook ?? current.test, ms));
  return {
    follow(runner) {
      if (watched.has(runner)) return;
      watched.add(runner);
      const begin =
        (kind: 'test' | 'hook') =>
        (runnable: TimedRunnable): void => {
          current[kind] = { runnable, own: runnable.timeout(), loadMs: 0 };
        };
      // mocha read the timeout before it ended the runnable: its own again for the next run (a hook runs per test).
      const end =
        (kind: 'test' | 'hook') =>
        (runnable: TimedRunnable): void => {
          const watching = current[kind];
          if (watching?.runnable !== runnable) return;
          if (watching.loadMs > 0) setRunnableTimeout(runnable, watching.own);
          current[kind] = undefined;
        };
      runner.on('hook', begin('hook'));
      runner.on('test', begin('test'));
      runner.on('hook end', end('hook'));
      runner.on('test end', end('test'));
      // A failed hook has no "hook end"; a failed test has its "test end" after "fail".
      runner.on('fail', (runnable: TimedRunnable) => {
        end('hook')(runnable);
        end('test')(runnable);
      });
      // A test whose beforeEach failed never ends: nothing runs between suites.
      runner.on('suite end', () => {
        current.test = undefined;
        current.hook = undefined;
      });
    },
  };
}

interface Watched {
  runnable: TimedRunnable;
  own: number;
  loadMs: number;
}

function timeFirstLoads(loaded: (ms: number) => void): void {
  const moduleProto = Module.prototype as unknown as { load(filename: string): void; [INSTALLED]?: true };
  if (moduleProto[INSTALLED] === true || typeof moduleProto.load !== 'function') return;
  const original = moduleProto.load;
  let depth = 0;
  // Named as Node's: it shows in the stack of an error thrown while a module loads.
  moduleProto.load = function load(this: unknown, filename: string): void {
    if (depth > 0) return original.call(this, filename);
    depth = 1;
    const started = performance.now();
    try {
      return original.call(this, filename);
    } finally {
      depth = 0;
      loaded(performance.now() - started);
    }
  };
  moduleProto[INSTALLED] = true;
}

function allowFor(current: Watched | undefined, ms: number): void {
  if (current === undefined || current.own === 0 || current.runnable.timedOut === true) return;
  current.loadMs += ms;
  const { runnable } = current;
  // A timer mocha is running (an async runnable waiting) starts again with the runnable's own timeout, which its
  // message names.
  setRunnableTimeout(runnable, current.own, true);
  // The duration mocha checks at the end may hold the loads.
  setRunnableTimeout(runnable, current.own + Math.ceil(current.loadMs));
}
