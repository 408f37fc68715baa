// Loading a module for the first time does not count against a test's or hook's timeout. Runs in: every process
// that runs tests (a worker, or the --no-parallel process), installed once.
//
// Why: hexo's "before all" hooks call hexo.init(), which loads (ts-node compiles) a large part of the project the
// first time it runs in a process. On a loaded 2-core machine that alone took over 10 s, the hook timed out and
// mocha skipped the 44 tests of its file: in whichever file ran first in a worker, so a schedule (ours: the
// slowest files first, and a file is slow because it paid for the compile) could fail a suite that passes in
// another order. A test's time is what its own code takes, not the one-time cost of the process it runs in.
// How: Module.prototype.load (a CommonJS module's first load: a register hook's transpile and its top-level code)
// is timed, nested loads inside the outermost one. While a runnable runs, that time is added to the timeout mocha
// compares its duration with when it ends, and its timer starts again from its own timeout; when it ends, its
// timeout is its own again (a beforeEach hook runs again for the next test). The run stays bounded: a hang after
// the last load times out as before. ES modules loaded with import are not seen.

import Module from 'node:module';
import { loadedMocha } from '../shared/mocha-module';

interface TimedRunnable {
  timeout(): number;
  _timeout: number;
  timedOut?: boolean;
  resetTimeout(): void;
  run(fn: (error?: unknown) => void): void;
}

const INSTALLED = Symbol.for('mocha-isolation.first-loads');
/** The runnable running now, and what it had added to its timeout. */
let running: { runnable: TimedRunnable; own: number; loadMs: number } | undefined;

export function excludeFirstLoadsFromTimeouts(): void {
  const moduleProto = Module.prototype as unknown as { load(filename: string): void; [INSTALLED]?: true };
  const runnableProto = loadedMocha().Runnable.prototype as unknown as TimedRunnable & { [INSTALLED]?: true };
  if (moduleProto[INSTALLED] === true || typeof moduleProto.load !== 'function' || typeof runnableProto.run !== 'function') return;

  const run = runnableProto.run;
  runnableProto.run = function runTimed(this: TimedRunnable, fn: (error?: unknown) => void): void {
    running = { runnable: this, own: this.timeout(), loadMs: 0 };
    run.call(this, (error?: unknown) => {
      // mocha read the timeout before calling back: its own again for the next run (a hook runs per test).
      if (running?.runnable === this) {
        if (running.loadMs > 0) this._timeout = running.own;
        running = undefined;
      }
      fn(error);
    });
  };

  const load = moduleProto.load;
  let depth = 0;
  moduleProto.load = function loadTimed(this: unknown, filename: string): void {
    if (depth > 0) return load.call(this, filename);
    depth = 1;
    const started = performance.now();
    try {
      return load.call(this, filename);
    } finally {
      depth = 0;
      allowFor(performance.now() - started);
    }
  };
  moduleProto[INSTALLED] = true;
}

function allowFor(ms: number): void {
  const current = running;
  if (current === undefined || current.own === 0 || current.runnable.timedOut === true) return;
  current.loadMs += ms;
  const { runnable } = current;
  // The timer starts again with the runnable's own timeout (its message names that one)...
  runnable._timeout = current.own;
  runnable.resetTimeout();
  // ...and the duration mocha checks at the end may hold the loads.
  runnable._timeout = current.own + Math.ceil(current.loadMs);
}
