// mocha's root hooks. Runs in: worker (or the --no-parallel process).
// beforeAll/afterAll run once per file in parallel mode (once per run serially); beforeEach/afterEach per test.

import type { Context, Test } from 'mocha';
import { shuffleSuiteTree } from './ordering/shuffle-suites';
import { workerContext } from './per-worker/worker-context';
import { createFileMarker, type FileMarker } from './per-worker/file-marker';
import { ownHookContext } from './per-worker/own-hook-context';
import { quietOwnHookEvents } from './per-worker/quiet-hooks';
import { createStatsRecorder, type StatsRecorder } from './per-worker/worker-stats';
import { endTest, startTest } from './per-test/test-lifecycle';
import type { TestInfo } from './per-test/scope';
import { isSerial } from './per-test/serial-lock';

let fileMarker: FileMarker | undefined;
let stats: StatsRecorder | undefined;

function beforeAll(this: Context): void {
  const context = workerContext();
  const root = this.test?.parent;
  if (root === undefined) return;
  if (context.config.shuffle && context.config.seed !== undefined) shuffleSuiteTree(root, context.config.seed, process.cwd());
  context.envSandbox().openFile();
  const { workerId } = context.config;
  stats ??= createStatsRecorder(context.runDir, workerId, process.cwd());
  stats.fileStarting();
  if (workerId === undefined) return;
  fileMarker ??= createFileMarker(context.runDir, workerId);
  fileMarker.fileStarted(firstFile(root) ?? 'an unknown file');
}

function afterAll(): void {
  workerContext().envSandbox().closeFile();
  stats?.fileEnded();
  fileMarker?.fileEnded();
}

function beforeEach(this: Context): void | Promise<void> {
  ownHookContext(this);
  const test = this.currentTest;
  const info = new RunningTest(test);
  fileMarker?.testStarted(info);
  stats?.testStarting(info.file);
  return startTest(info);
}

class RunningTest implements TestInfo {
  readonly file: string | undefined;
  readonly serial: boolean;
  private fullTitle: string | undefined;

  constructor(private readonly test: Test | undefined) {
    this.file = test?.file;
    this.serial = test !== undefined && isSerial(test);
  }

  get title(): string {
    return (this.fullTitle ??= this.test?.fullTitle() ?? '');
  }
}

function afterEach(this: Context): void | Promise<void> {
  ownHookContext(this);
  return endTest();
}

function firstFile(root: NonNullable<Context['test']>['parent']): string | undefined {
  return root?.suites[0]?.file ?? root?.tests[0]?.file;
}

const HOOKS = { beforeAll, afterAll, beforeEach, afterEach };

/**
 * mocha calls this once per process while it loads `--require` (a function rather than an object, so that
 * importing the plugin stays free of side effects). In a worker it also keeps the plugin's per-test hooks out
 * of the events sent to the main process (per-worker/quiet-hooks.ts).
 */
export function mochaHooks(): typeof HOOKS {
  if (process.env.MOCHA_WORKER_ID !== undefined) quietOwnHookEvents(new Set([beforeEach, afterEach]));
  return HOOKS;
}
