// Records which file this worker is running and the tests it loaded (and, if the process exits mid-file, the
// running test and the outcomes so far), so the main process can account for every test when the worker dies.
// Runs in: worker, written once per file, its outcomes appended per test, the running test written at exit.
// Between files, an error the worker cannot survive (a rejection nobody awaited, mocha issue 5184) is written
// as its last words: every event of its files was delivered, so nothing else would say why it died.

import fs from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../shared/shell-quote';
import { type LastWords, type Outcome, outcomeJournal, type RunLayout, type WorkerMarker } from '../shared/run-layout';
import { placeOf } from './mocha/test-titles';
import { describeReason } from '../errors';

type MarkedTest = Parameters<typeof placeOf>[0];

export interface FileMarker {
  fileStarted(file: string, tests: string[]): void;
  fileEnded(): void;
  testStarted(test: { readonly title: string }): void;
  outcome(test: MarkedTest, outcome: Outcome): void;
}

export function createFileMarker(layout: RunLayout, workerId: string): FileMarker {
  const markerPath = layout.marker(workerId);
  const journalPath = outcomeJournal(markerPath);
  let marker: WorkerMarker | undefined;
  let runningTest: { readonly title: string } | undefined;
  // Each outcome is appended as it comes (one short write per test), so a worker killed outright (SIGKILL, the
  // out-of-memory killer), which runs no exit handler, still tells which of its tests passed.
  let journal: number | undefined;
  const write = (): void => fs.writeFileSync(markerPath, JSON.stringify(marker));
  let lastFile: string | undefined;
  // A monitor changes nothing about how the error is handled: mocha's own handlers still decide.
  process.on('uncaughtExceptionMonitor', (error: unknown, origin: string) => {
    if (marker !== undefined) return;
    const words: LastWords = {
      workerId,
      pid: process.pid,
      after: lastFile,
      origin,
      message: describeReason(error),
      stack: error instanceof Error ? error.stack : undefined,
    };
    try {
      const file = layout.lastWords(process.pid);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(words));
    } catch {
      // The run folder is gone only when the run is over.
    }
  });
  process.on('exit', () => {
    if (marker === undefined || runningTest === undefined) return;
    marker.test = runningTest.title;
    write();
  });
  return {
    fileStarted(file, tests) {
      marker = { workerId, pid: process.pid, file, tests };
      runningTest = undefined;
      write();
      if (journal !== undefined) fs.closeSync(journal);
      journal = fs.openSync(journalPath, 'w');
    },
    fileEnded() {
      lastFile = marker?.file ?? lastFile;
      marker = undefined;
      if (journal !== undefined) fs.closeSync(journal);
      journal = undefined;
      fs.rmSync(journalPath, { force: true });
      fs.rmSync(markerPath, { force: true });
    },
    testStarted(test) {
      runningTest = test;
    },
    outcome(test, outcome) {
      if (journal !== undefined) fs.writeSync(journal, `${JSON.stringify([placeOf(test), outcome])}\n`);
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
    // Tests did not run: never a green exit.
    if (code === 0) process.exitCode = 1;
    const test = now.test === undefined ? '' : `, in test "${now.test}"`;
    process.stderr.write(
      `mocha-isolation: the test process exited with code ${code} while running ${now.file}${test}; the rest of the run did not run. ` +
        `Reproduce: ISOLATION_SEED=${seed ?? ''} npx mocha --no-parallel ${shellQuote(now.file)}\n`,
    );
  });
}
