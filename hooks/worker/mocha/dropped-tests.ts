// Tests a failing hook made mocha skip, reported as failed with the reason instead of vanishing from the totals.
// Runs in: the process that runs the tests, on its runner's events (a few per suite, none per passing test).
//
// mocha skips every later test of a suite whose beforeEach/afterEach hook throws once, and every test of a
// suite whose before() hook throws, reporting only the hook: a real suite lost 212 tests that way, shown as 2
// failures. When a suite ends after a hook failed, its tests that never ran (selected by --grep, not pending,
// never reported) are reported as failed, naming the hook, so the terminal, JSON and JUnit totals agree.

import type { Runner, Suite, Test } from 'mocha';
import { DROPPED_PREFIX } from '../../shared/run-layout';
import { suiteBails } from '../../shared/mocha-internals';

type FailingRunner = Runner & { fail(test: Test, error: Error): void };

export function reportDroppedTests(runner: Runner, isSelected: (fullTitle: string) => boolean): void {
  const target = runner as FailingRunner;
  if (typeof target.fail !== 'function') return;
  let hookFailure: string | undefined;
  const reported = new Set<string>();
  runner.on('test end', (test: Test) => {
    if (hookFailure !== undefined) reported.add(test.fullTitle());
  });
  runner.on('fail', (runnable: { type?: string; title: string }) => {
    if (runnable.type === 'hook') hookFailure ??= runnable.title;
  });
  runner.on('suite end', (suite: Suite) => {
    if (hookFailure === undefined || suiteBails(suite)) return;
    const dropped = neverRun(suite, reported, isSelected);
    if (dropped.length === 0) return;
    const scope = suite.fullTitle() === '' ? 'the file' : `"${suite.fullTitle()}"`;
    const error = new Error(`${DROPPED_PREFIX}the ${hookFailure} failed, and mocha skipped the rest of ${scope}.`);
    error.stack = error.message;
    for (const test of dropped) {
      reported.add(test.fullTitle());
      runner.emit('test', test);
      target.fail(test, error);
      runner.emit('test end', test);
    }
  });
}

function neverRun(suite: Suite, reported: ReadonlySet<string>, isSelected: (fullTitle: string) => boolean, into: Test[] = []): Test[] {
  for (const test of suite.tests) {
    const fullTitle = test.fullTitle();
    if (test.state === undefined && !test.isPending() && !reported.has(fullTitle) && isSelected(fullTitle)) into.push(test);
  }
  for (const child of suite.suites) neverRun(child, reported, isSelected, into);
  return into;
}
