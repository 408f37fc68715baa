// Records which file (and, if the process exits mid-test, which test) this worker is running, so the main
// process can name them when the worker dies. Runs in: worker, once per file.

import fs from 'node:fs';
import type { RunLayout, WorkerMarker } from '../shared/run-layout';

export interface FileMarker {
  fileStarted(file: string): void;
  fileEnded(): void;
  /** Kept in memory only; written by the exit handler, since a write per test would cost more than a test. */
  testStarted(test: { readonly title: string }): void;
}

export function createFileMarker(layout: RunLayout, workerId: string): FileMarker {
  const markerPath = layout.marker(workerId);
  let marker: WorkerMarker | undefined;
  let runningTest: { readonly title: string } | undefined;
  const write = (): void => fs.writeFileSync(markerPath, JSON.stringify(marker));
  process.on('exit', () => {
    if (marker === undefined) return;
    if (runningTest !== undefined) marker.test = runningTest.title;
    write();
  });
  return {
    fileStarted(file) {
      marker = { workerId, pid: process.pid, file };
      runningTest = undefined;
      write();
    },
    fileEnded() {
      marker = undefined;
      fs.rmSync(markerPath, { force: true });
    },
    testStarted(test) {
      runningTest = test;
    },
  };
}
