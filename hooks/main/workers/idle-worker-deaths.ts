// A worker that dies between files fails the run: one failed test of the file it ran last, with what it threw.
// Runs in: main process of a parallel run, from global setup until the run ends.
//
// Every event of the worker's files had been delivered, so mocha reports nothing, and the run went green: a
// rejection nobody awaited that fires after its file ended kills the worker (mocha issue 5184). A worker that
// dies in a file is the pool's to report (lost-tests.ts); one stopped by Ctrl-C or SIGTERM is not a death.

import fs from 'node:fs';
import path from 'node:path';
import type { Runner } from 'mocha';
import { readLeftoverMarkers } from './dead-workers';
import { reportTest } from './lost-tests';
import { watchWorkerExits, type WorkerExit } from './worker-exits';
import { loadedMocha } from '../../shared/mocha-module';
import { type LastWords, runLayout, type WorkerStats } from '../../shared/run-layout';

const INTERRUPTS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP']);

export interface WorkerDeaths {
  /** How a worker process ended (exit code or signal), once it has. */
  exitOf(pid: number): WorkerExit | undefined;
  stop(): void;
}

/** How a worker ended, in words: "exit code 7", "killed by SIGKILL". */
export function describeExit(exit: WorkerExit | undefined): string | undefined {
  if (exit === undefined) return undefined;
  return exit.signal === null ? `exit code ${exit.code}` : `killed by ${exit.signal}`;
}

export function failOnIdleWorkerDeaths(runner: Runner, runDir: string, cwd: string): WorkerDeaths {
  let running = true;
  runner.once('end', () => (running = false));
  const exits = new Map<number, WorkerExit>();
  const watch = watchWorkerExits((exit) => {
    exits.set(exit.pid, exit);
    if (!running || (exit.code === 0 && exit.signal === null) || (exit.signal !== null && INTERRUPTS.has(exit.signal))) return;
    if (readLeftoverMarkers(runDir).some((marker) => marker.pid === exit.pid)) return;
    const layout = runLayout(runDir);
    const words = readJson<LastWords>(layout.lastWords(exit.pid));
    const stats = readJson<WorkerStats>(layout.statsRecord(exit.pid));
    const after = words?.after ?? stats?.sequence.at(-1)?.file;
    // A worker that died before finishing any file has nothing left unreported: its file's task failed.
    if (after === undefined) return;
    const workerId = words?.workerId ?? stats?.workerId ?? '?';
    const blamed = fileInStack(words?.stack, stats?.sequence.map((entry) => entry.file) ?? [], cwd) ?? after;
    reportTest(
      runner,
      loadedMocha(),
      path.resolve(cwd, blamed),
      [`worker ${workerId} died after this file ended`],
      deathError(exit, workerId, { after, blamed }, words),
    );
  });
  return { exitOf: (pid) => exits.get(pid), stop: () => watch.stop() };
}

/** The worker's spec file the error's stack runs through, latest first: the file whose test started the work. */
function fileInStack(stack: string | undefined, files: string[], cwd: string): string | undefined {
  if (stack === undefined) return undefined;
  return [...files].reverse().find((file) => stack.includes(path.resolve(cwd, file)) || stack.includes(`(${file}:`));
}

function deathError(exit: WorkerExit, workerId: string, files: { after: string; blamed: string }, words: LastWords | undefined): Error {
  const how = describeExit(exit) as string;
  const what =
    words === undefined
      ? ''
      : `: ${words.origin === 'unhandledRejection' ? 'a rejection nobody handled' : 'an uncaught exception'}, ${words.message}`;
  const where =
    files.blamed === files.after
      ? `A test of ${files.after} most likely started it`
      : `Its stack runs through ${files.blamed}: a test there started it`;
  const error = new Error(
    `worker ${workerId} (pid ${exit.pid}) died after ${files.after} ended (${how})${what}. ` +
      `${where} and did not wait for it (a timer, a promise): await it in the test, or stop it in an after() hook.`,
  );
  if (words?.stack !== undefined) error.stack = `${error.message}\n${words.stack.split('\n').slice(1).join('\n')}`;
  return error;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
