// Every change the plugin makes to mocha's objects (or its worker pool's), in one table: what each is for and
// what a run does without it. Runs in: any process, once per patch. mocha exports none of these places; a
// future mocha may move one, and then the run goes on mocha's own way, said in one line on stderr (once per
// process and patch), never silently and never with a crash.
//
// The doors mocha does offer come first: Runner#workerReporter() for the workers' reporter, and its buffered
// reporter's createListener, which it documents for subclasses. ISOLATION_WORKER_STREAM=mocha turns the worker
// stream (the one internal every parallel test goes through) back to mocha's own.

import fs from 'node:fs';
import path from 'node:path';
import { mochaDir } from './mocha-internals';

export const MOCHA_PATCHES = {
  loadFailures: {
    place: 'Mocha#loadFilesAsync',
    purpose: 'a spec file that throws while it loads becomes one failed test, and the other files still run',
    without: 'a file that throws while it loads stops the run, as in mocha alone',
  },
  poolExitTime: {
    place: "workerpool's pool() as mocha requires it",
    purpose: 'a worker under coverage gets a minute to write its coverage before it is killed',
    without: 'workerpool kills a worker one second after telling it to exit (mocha issue 6219), and its coverage may be lost',
  },
  poolErrorFile: {
    place: 'BufferedWorkerPool#run',
    purpose: "a worker's death names the spec file it was running (mocha 10 and 11 do not)",
    without: 'a worker that dies mid-file is reported as mocha reports it: one "Worker terminated Unexpectedly" error',
  },
  runnerUncaught: {
    place: 'Runner#uncaught',
    purpose: "a worker's death fails the tests it was running, by name, with what they had passed",
    without: 'a worker that dies mid-file is reported as mocha reports it, and its tests go missing from the totals',
  },
  workerStream: {
    place: "the buffered worker reporter's events (ParallelBuffered)",
    purpose: 'workers send only the events the main process listens to, passing tests packed',
    without: 'workers send every event as mocha does (as with ISOLATION_WORKER_STREAM=mocha): ~57 µs of CPU per hook per test',
  },
  contextSettings: {
    place: 'Context.prototype.settings',
    purpose: '`this.settings` in function tests',
    without: '`this.settings` is undefined; the settings() helper still works',
  },
} as const;

export type MochaPatch = keyof typeof MOCHA_PATCHES;

const said = new Set<MochaPatch>();

/**
 * Applies one patch: `apply` returns undefined when it applied (or was applied before), or why it cannot on this
 * mocha. Returns whether the patch is in place. `print` is for tests.
 */
export function patchMocha(
  name: MochaPatch,
  apply: () => string | undefined,
  print: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): boolean {
  let reason: string | undefined;
  try {
    reason = apply();
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (reason === undefined) return true;
  if (!said.has(name)) {
    said.add(name);
    const patch = MOCHA_PATCHES[name];
    print(
      `mocha-isolation: cannot use ${patch.place} on mocha ${mochaVersion()} (${reason}), so ${patch.purpose} is off: ${patch.without}.`,
    );
  }
  return false;
}

function mochaVersion(): string {
  try {
    return (
      (JSON.parse(fs.readFileSync(path.join(mochaDir(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'of unknown version'
    );
  } catch {
    return 'of unknown version';
  }
}
