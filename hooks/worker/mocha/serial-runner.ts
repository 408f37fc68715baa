// Serially the tests run in the main process, on the run's one runner: its events are the only signs of the
// run's --grep, each test's outcome, and where one file ends and the next begins. Runs in: the --no-parallel
// process, once, from global setup.

import type { Runner, Suite, Test } from 'mocha';
import type { Outcome } from '../../shared/run-layout';
import type { TestSelection } from './test-selection';
import { runnerGrep } from '../../shared/mocha-internals';

export interface SerialRunHandlers {
  selection: TestSelection;
  outcome(test: Test, outcome: Outcome): void;
  fileStarted(file: string): void;
  /** The run ended: the last file ends too. */
  runEnded(): void;
}

export function followSerialRunner(runner: Runner, handlers: SerialRunHandlers): void {
  // Serially mocha gives the runner its --grep directly; in a worker the reporter passes it.
  const { grep, invert } = runnerGrep(runner);
  handlers.selection.select(grep, invert);
  runner.on('pass', (test: Test) => handlers.outcome(test, 'passed'));
  runner.on('fail', (test: Test) => test.type === 'test' && handlers.outcome(test, 'failed'));
  runner.on('pending', (test: Test) => handlers.outcome(test, 'pending'));
  // A file's describes are the root's children: the first of another file marks the boundary.
  runner.on('suite', (suite: Suite) => {
    if (suite.parent?.root === true && suite.file !== undefined) handlers.fileStarted(suite.file);
  });
  runner.on('end', () => handlers.runEnded());
}
