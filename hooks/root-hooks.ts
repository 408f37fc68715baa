// mocha's root hooks: thin adapters over the process's worker state. Runs in: worker (or the --no-parallel process).
// beforeAll/afterAll run once per file in parallel mode (once per run serially, where the runner's suite events
// mark files); beforeEach/afterEach run around every test.

import type { Context, Hook, Suite, Test } from 'mocha';
import { shuffleSuiteTree } from './worker/mocha/shuffle-suites';
import { ensureProcessState } from './process-state';
import { ownHookContext } from './worker/mocha/own-hook-context';
import { ownPerTestHooks } from './worker/mocha/own-hooks';
import type { TestInfo } from './worker/mocha/test-titles';
import { fullTitleOf, placeOf } from './worker/mocha/test-titles';
import { isSerial, SERIAL } from './worker/serial-lock';
import type { WorkerState } from './worker/worker-state';
import { suiteHooks } from './shared/mocha-internals';

function beforeAll(this: Context): void {
  const state = ensureProcessState();
  const root = this.test?.parent;
  if (root === undefined) return;
  runOwnAfterEachLast(root);
  const { seed, shuffle } = state.config;
  if (seed !== undefined) shuffleSuiteTree(root, seed, process.cwd(), shuffle);
  if (state.config.workerId !== undefined) {
    holdSerialDescribes(root, state);
    const file = firstFile(root);
    if (file !== undefined) state.fileStarted(file, selectedTitlePaths(root, state));
  }
}

function afterAll(): void {
  const problem = ensureProcessState().fileEnded();
  if (problem !== undefined) throw problem;
}

function beforeEach(this: Context): void | Promise<void> {
  ownHookContext(this);
  const test = this.currentTest as Test;
  return ensureProcessState().testStarted(test, new RunningTest(test));
}

function afterEach(this: Context): void | Promise<void> {
  ownHookContext(this);
  const hook = this.test as Hook;
  const unsettled = ensureProcessState().testEnded(this.currentTest as Test);
  // Without a runner to gate outcomes on (global setup disabled), mocha's own route fails the test: the hook's
  // error() is reported as the current test's failure, and the suite goes on.
  if (unsettled instanceof Promise) return unsettled.then((problem) => void (problem && hook.error(problem)));
  if (unsettled !== undefined) hook.error(unsettled);
  return undefined;
}

class RunningTest implements TestInfo {
  readonly file: string | undefined;
  readonly serial: boolean;
  private fullTitle: string | undefined;

  constructor(private readonly test: Test) {
    this.file = test.file;
    this.serial = isSerial(test);
  }

  get title(): string {
    return (this.fullTitle ??= fullTitleOf(this.test));
  }
}

/** The tests this file will report: those the run's --grep selects. */
function selectedTitlePaths(suite: Suite, state: WorkerState, into: string[] = []): string[] {
  for (const test of suite.tests) if (state.selection.selectsAll() || state.selection.has(fullTitleOf(test))) into.push(placeOf(test));
  for (const child of suite.suites) selectedTitlePaths(child, state, into);
  return into;
}

function firstFile(root: Suite): string | undefined {
  return root.suites[0]?.file ?? root.tests[0]?.file;
}

/**
 * Spec files and support modules can add their own root afterEach hooks (a server closed there); the plugin's
 * checks must see the state after them, so its afterEach moves to the end of the root's list.
 */
function runOwnAfterEachLast(root: Suite): void {
  const hooks = suiteHooks(root, 'afterEach');
  if (hooks === undefined) return;
  const own = hooks.findIndex((hook) => hook.fn === afterEach);
  if (own >= 0 && own < hooks.length - 1) hooks.push(...hooks.splice(own, 1));
}

/** A describe tagged @serial holds the lock from before its first `before` hook until after its last `after`. */
function holdSerialDescribes(suite: Suite, state: WorkerState): void {
  for (const child of suite.suites) {
    if (!child.title.includes(SERIAL)) {
      holdSerialDescribes(child, state);
      continue;
    }
    const lock = state.serialSuite();
    const before = suiteHooks(child, 'beforeAll');
    if (lock === undefined || before === undefined) continue;
    child.beforeAll('mocha-isolation: take the @serial lock', () => lock.acquire());
    before.unshift(before.pop() as Hook);
    child.afterAll('mocha-isolation: release the @serial lock', () => lock.release());
  }
}

const HOOKS = { beforeAll, afterAll, beforeEach, afterEach };

/**
 * mocha calls this once per process while it loads `--require` (a function rather than an object, so that
 * importing the plugin stays free of side effects). A worker's state is created here, before the worker loads
 * its first spec file: the worker database's variable must be set when that file's module code runs.
 */
export function mochaHooks(): typeof HOOKS {
  ownPerTestHooks.add(beforeEach);
  ownPerTestHooks.add(afterEach);
  if (process.env.MOCHA_WORKER_ID !== undefined) ensureProcessState();
  return HOOKS;
}
