// mocha's root hooks. Runs in: worker (or the --no-parallel process).
// beforeAll/afterAll run once per file in parallel mode (once per run serially); beforeEach/afterEach per test.

import type { Context } from 'mocha';
import { shuffleSuiteTree } from './ordering/shuffle-suites';
import { workerContext } from './per-worker/worker-context';
import { createFileMarker, type FileMarker } from './per-worker/file-marker';
import { createStatsRecorder, type StatsRecorder } from './per-worker/worker-stats';
import { endTest, startTest } from './per-test/test-lifecycle';

let fileMarker: FileMarker | undefined;
let stats: StatsRecorder | undefined;

function beforeAll(this: Context): void {
  const context = workerContext();
  const root = this.test?.parent;
  if (root === undefined) return;
  if (context.config.shuffle && context.config.seed !== undefined) shuffleSuiteTree(root, context.config.seed, process.cwd());
  const { workerId } = context.config;
  stats ??= createStatsRecorder(context.runDir, workerId, process.cwd());
  stats.fileStarting();
  if (workerId === undefined) return;
  fileMarker ??= createFileMarker(context.runDir, workerId);
  fileMarker.fileStarted(firstFile(root) ?? 'an unknown file');
}

function afterAll(): void {
  stats?.fileEnded();
  fileMarker?.fileEnded();
}

function beforeEach(this: Context): void | Promise<void> {
  const test = this.currentTest;
  const info = { title: test?.fullTitle() ?? '', file: test?.file };
  fileMarker?.testStarted(info.title);
  stats?.testStarting(info.file);
  return startTest(info);
}

function afterEach(): void | Promise<void> {
  return endTest();
}

function firstFile(root: NonNullable<Context['test']>['parent']): string | undefined {
  return root?.suites[0]?.file ?? root?.tests[0]?.file;
}

export const mochaHooks = { beforeAll, afterAll, beforeEach, afterEach };
