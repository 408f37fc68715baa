// Records which file this worker is running and the tests it loaded (and, if the process exits mid-file, the
// running test and the outcomes so far), so the main process can account for every test when the worker dies.
// Runs in: worker, written once per file; outcomes are kept in memory and written only by the exit handler.

import fs from 'node:fs';
import type { Outcome, RunLayout, WorkerMarker } from '../shared/run-layout';
import { placeOf } from './test-titles';

type MarkedTest = Parameters<typeof placeOf>[0];

export interface FileMarker {
  fileStarted(file: string, tests: string[]): void;
  fileEnded(): void;
  testStarted(test: { readonly title: string }): void;
  outcome(test: MarkedTest, outcome: Outcome): void;
}

export function createFileMarker(layout: RunLayout, workerId: string): FileMarker {
  const markerPath = layout.marker(workerId);
  let marker: WorkerMarker | undefined;
  let runningTest: { readonly title: string } | undefined;
  // By test object: a test's place (its key in the marker) is worked out only if the process exits mid-file.
  let outcomes = new Map<MarkedTest, Outcome>();
  const write = (): void => fs.writeFileSync(markerPath, JSON.stringify(marker));
  process.on('exit', () => {
    if (marker === undefined) return;
    if (runningTest !== undefined) marker.test = runningTest.title;
    marker.outcomes = {};
    for (const [test, outcome] of outcomes) marker.outcomes[placeOf(test)] = outcome;
    write();
  });
  return {
    fileStarted(file, tests) {
      marker = { workerId, pid: process.pid, file, tests };
      outcomes = new Map();
      runningTest = undefined;
      write();
    },
    fileEnded() {
      marker = undefined;
      outcomes = new Map();
      fs.rmSync(markerPath, { force: true });
    },
    testStarted(test) {
      runningTest = test;
    },
    outcome(test, outcome) {
      if (marker !== undefined) outcomes.set(test, outcome);
    },
  };
}

/**
 * Serially the tests run in the main process: if it exits mid-run, nobody else is left to say where. Prints the
 * file and test running at exit, with a command that runs that file alone.
 */
export function reportExitMidRun(running: () => { file: string; test: string | undefined } | undefined, seed: number | undefined): void {
  process.on('exit', (code) => {
    const now = running();
    if (now === undefined) return;
    const test = now.test === undefined ? '' : `, in test "${now.test}"`;
    process.stderr.write(
      `mocha-isolation: the test process exited with code ${code} while running ${now.file}${test}; the rest of the run did not run. ` +
        `Reproduce: ISOLATION_SEED=${seed ?? ''} npx mocha --no-parallel ${now.file}\n`,
    );
  });
}
