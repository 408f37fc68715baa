// A spec file that throws while it loads becomes one failed test named after the file; every other file still
// loads and runs. Runs in: every process that loads spec files, installed when the plugin's interface is bound.
//
// Why: serially mocha loads every file before the first test, and one that threw ended the whole run at load
// ("Exception during run"): nothing ran, no JUnit file. With the file order shuffled that happens to real suites:
// a TypeScript file that only compiles after another file's import has been loaded. In a worker the same file
// is reported the same way, and the worker goes on.

import type { Suite } from 'mocha';
import { loadedMocha } from '../../shared/mocha-module';
import { patchMocha } from '../../shared/mocha-patches';
import { specKey } from '../../shared/run-layout';
import { shellQuote } from '../../shared/shell-quote';
import { describeReason } from '../../errors';

interface LoadingMocha {
  files: string[];
  suite: Suite;
  options?: { grep?: unknown; fgrep?: unknown };
}
type LoadFilesAsync = (this: LoadingMocha, ...args: unknown[]) => Promise<unknown>;

const INSTALLED = Symbol.for('mocha-isolation.load-failures');

export function reportLoadFailuresAsTests(): void {
  patchMocha('loadFailures', () => {
    const mocha = loadedMocha() as unknown as { prototype: { loadFilesAsync?: LoadFilesAsync; [INSTALLED]?: true } };
    const proto = mocha.prototype;
    const original = proto.loadFilesAsync;
    if (proto[INSTALLED] === true) return undefined;
    if (typeof original !== 'function') return 'it has no Mocha#loadFilesAsync';
    proto[INSTALLED] = true;
    proto.loadFilesAsync = loadingOneByOne(original);
    return undefined;
  });
}

function loadingOneByOne(original: LoadFilesAsync): LoadFilesAsync {
  return async function loadFilesOneByOne(this: LoadingMocha, ...args: unknown[]): Promise<void> {
    const files = this.files;
    try {
      for (const file of files) {
        const root = this.suite;
        const registered = { suites: root.suites.length, tests: root.tests.length };
        this.files = [file];
        try {
          await original.apply(this, args);
        } catch (error) {
          // A --grep could select the failure out, and the run would go green: mocha's own way then (serially the
          // run stops at load, exit 1; a worker's file is reported failed by the main process).
          if (this.options?.grep !== undefined || this.options?.fgrep !== undefined) throw error;
          // What the file registered before it threw does not run: the file is one failure.
          root.suites.splice(registered.suites);
          root.tests.splice(registered.tests);
          root.emit('post-require', global, file, this);
          root.addTest(loadFailure(file, error));
        }
      }
    } finally {
      this.files = files;
    }
  };
}

function loadFailure(file: string, error: unknown): InstanceType<ReturnType<typeof loadedMocha>['Test']> {
  const key = specKey(file, process.cwd());
  const reason = describeReason(error);
  // Serially one process loads every file first, in the run's order; a worker loads only the files it is handed,
  // in the schedule's order (hexo's box/file.ts compiles only after another file's import: first in a worker, not).
  const other = process.env.MOCHA_WORKER_ID === undefined ? 'in declared order (ISOLATION_SHUFFLE=off)' : 'serially (--no-parallel)';
  const failure = new Error(
    `${key} failed to load: ${reason}\n` +
      `The other files ran. Try it on its own (npx mocha ${shellQuote(key)}) and ${other}: if it loads in either, it depends on what a file loaded before it ` +
      "(a TypeScript file can need another file's import for its types): import what it needs in the file itself.",
  );
  if (error instanceof Error && error.stack !== undefined)
    failure.stack = `${failure.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
  const test = new (loadedMocha().Test)(`${key} failed to load`, () => {
    throw failure;
  });
  test.file = file;
  return test;
}
