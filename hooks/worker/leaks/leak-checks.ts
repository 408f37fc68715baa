// The leak checks around each test, by policy per category: what the test left behind is noted (report), fails
// the test (fail), or is not looked at (off). Runs in: worker (or the --no-parallel process), per test.
// It ties the leak watch, the server watch and, serially, the open-handle report to the worker's statistics.

import { IsolationError } from '../../errors';
import { checksLeaks } from '../../config';
import type { Leak, LeakPolicies } from '../../shared/leak-report';
import { createLeakWatch, NOTHING_ROLLED_BACK, type RolledBack } from './leak-watch';
import { MODULE_LOAD_TITLE } from '../../shared/leak-report';
import { createServerWatch } from './open-servers';
import { type OpenHandles, trackOpenHandles } from './open-handles';
import type { TestInfo } from '../mocha/test-titles';

export interface LeakChecks {
  /** False when every category is off: then nothing below is called per test. */
  readonly enabled: boolean;
  testStarted(suiteChanged: boolean): void;
  /** setEnv() is the plugin's own way to change a variable for one test: undoing it is its contract, not a leak. */
  notedSetEnv(names: readonly string[]): void;
  /** The variables the environment sandbox put back after the test. */
  envRestored(keys: readonly string[]): void;
  /** The sinon fakes the test left in place (restored since). */
  fakesRestored(names: readonly string[]): void;
  /** The rows the test left in the worker database (emptied since), as `table ×count`. */
  rowsLeft(tables: readonly string[]): void;
  /** Closes the servers the test left listening (before the check, so they are gone whatever the policy). */
  closeServers(): void;
  /**
   * Reports or, with `fail`, throws what the test left behind; `file` is its spec key. Asynchronous only when
   * handles seem left open: they are looked at again once the handles being closed have closed.
   */
  testEnded(test: TestInfo, file: string): void | Promise<void>;
  fileStarted(): void;
  /** A spec file's module code is about to run (with fresh modules: it runs again for every file). */
  loadStarted(): void;
  /** Reports what the file's module code left while it loaded (never fails: no test to fail). */
  loadEnded(file: string): void;
  /** Reports what the file's before/after hooks left behind (never fails: no test to fail). */
  fileEnded(file: string): void;
  /** Serially, when the run ends: what still keeps the process alive and which tests left it. */
  openHandlesReport(): string | undefined;
}

function afterCloseCallbacks(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export function createLeakChecks(
  policies: LeakPolicies,
  options: { serial: boolean; tempFolder: string | undefined },
  record: (leaks: readonly Leak[]) => void,
): LeakChecks {
  const enabled = checksLeaks(policies);
  const watch = createLeakWatch(policies, options.tempFolder);
  const servers = createServerWatch();
  const handles: OpenHandles | undefined = options.serial && policies.handles !== 'off' ? trackOpenHandles() : undefined;
  let viaSetEnv: Set<string> | undefined;
  let rolledBack: RolledBack = { envKeys: [], fakes: [], rows: [], servers: [] };
  // The process's resource list, read once at a test's start and once at its end for both the server and the
  // handle checks (measured: each read is most of what either check costs).
  const readResources = policies.servers !== 'off' || policies.handles !== 'off';
  let resourcesAtEnd: string[] | undefined;
  const conclude = (test: TestInfo, file: string, leaks: readonly Leak[]): void => {
    if (leaks.length === 0) return;
    for (const leak of leaks) if (leak.category === 'handles') handles?.leftOpen(leak);
    const failing = leaks.filter((leak) => policies[leak.category] === 'fail');
    record(leaks.filter((leak) => policies[leak.category] === 'report'));
    if (failing.length === 0) return;
    const what = failing.map((leak) => `${leak.category}: ${leak.detail}`).join('; ');
    throw new IsolationError(
      'ERR_ISOLATION_LEAK',
      `test "${test.title}" (${file}) left behind ${what}. Undo it before the test ends (close servers, clear timers, remove listeners, restore what you change), or set ISOLATION_LEAKS=report.`,
      { test: test.title, file, leaks: failing },
    );
  };
  return {
    enabled,
    testStarted(suiteChanged) {
      viaSetEnv = undefined;
      rolledBack = { envKeys: [], fakes: [], rows: [], servers: [] };
      resourcesAtEnd = undefined;
      if (!enabled) return;
      const resources = readResources ? process.getActiveResourcesInfo() : undefined;
      if (policies.servers !== 'off') servers.testStarted(resources);
      watch.testStarted(suiteChanged, resources);
    },
    notedSetEnv(names) {
      viaSetEnv ??= new Set();
      for (const name of names) viaSetEnv.add(name);
    },
    envRestored(keys) {
      rolledBack.envKeys = keys.filter((key) => viaSetEnv?.has(key) !== true);
    },
    fakesRestored(names) {
      rolledBack.fakes = names;
    },
    rowsLeft(tables) {
      rolledBack.rows = tables;
    },
    closeServers() {
      if (policies.servers === 'off') return;
      resourcesAtEnd = process.getActiveResourcesInfo();
      rolledBack.servers = servers.testEnded(resourcesAtEnd);
    },
    testEnded(test, file) {
      if (!enabled) return;
      const leaks = watch.testEnded(test, file, rolledBack, resourcesAtEnd);
      if (leaks.length === 0) return;
      const handlesAt = leaks.findIndex((leak) => leak.category === 'handles');
      if (handlesAt === -1) return conclude(test, file, leaks);
      // A child process killed and awaited, or a socket that emitted 'close', stays in the resource list until
      // libuv's close callbacks have run: two turns of the event loop later. Only then is an open handle a leak.
      return afterCloseCallbacks().then(() => {
        const stillOpen = watch.handlesStillOpen(leaks[handlesAt] as Leak);
        conclude(test, file, leaks.flatMap((leak, i) => (i !== handlesAt ? [leak] : stillOpen === undefined ? [] : [stillOpen])));
      });
    },
    fileStarted() {
      if (enabled) watch.fileStarted();
    },
    loadStarted() {
      if (enabled) watch.testStarted(true);
    },
    loadEnded(file) {
      if (!enabled) return;
      const leaks = watch.testEnded({ title: MODULE_LOAD_TITLE, file, serial: false }, file, NOTHING_ROLLED_BACK);
      if (leaks.length > 0) record(leaks.filter((leak) => policies[leak.category] !== 'off'));
    },
    fileEnded(file) {
      if (!enabled) return;
      const leaks = watch.fileEnded(file);
      if (leaks.length > 0) record(leaks);
    },
    openHandlesReport() {
      return handles?.report();
    },
  };
}
