// The leak checks around each test, by policy per category: what the test left behind is noted (report), fails
// the test (fail), or is not looked at (off). Runs in: worker (or the --no-parallel process), per test.
// It ties the leak watch, the server watch and, serially, the open-handle report to the worker's statistics.

import { IsolationError } from '../../errors';
import { checksLeaks } from '../../config';
import type { Leak, LeakPolicies } from '../../shared/leak-report';
import { createLeakWatch } from './leak-watch';
import { NO_LEFTOVERS, NOTHING_ROLLED_BACK, type RolledBack, type TestTeardown } from './leftovers';
import { MODULE_LOAD_TITLE } from '../../shared/leak-report';
import { createServerWatch } from './open-servers';
import { type OpenHandles, trackOpenHandles } from './open-handles';
import type { TestInfo } from '../mocha/test-titles';

/** One test's leak check, from its start: closes the servers it left, then names everything it left. */
export interface TestLeakCheck {
  /** A per-test concern of its own: closes the servers the test left listening and returns their names. */
  readonly closeServers: TestTeardown;
  /**
   * Reports or, with `fail`, throws what the test left behind, given what the per-test concerns put back; `file`
   * is its spec key. Asynchronous only when handles seem left open: they are looked at again once the handles
   * being closed have closed.
   */
  check(test: TestInfo, file: string, rolledBack: RolledBack): void | Promise<void>;
}

export interface LeakChecks {
  /** The check of a test that starts now; undefined when every category is off (nothing is looked at then). */
  testStarted(suiteChanged: boolean): TestLeakCheck | undefined;
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
  // The process's resource list, read once at a test's start and once at its end for both the server and the
  // handle checks (measured: each read is most of what either check costs).
  const readResources = policies.servers !== 'off' || policies.handles !== 'off';
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
  // One test runs at a time in a process: one check object serves them all (nothing allocated per test).
  let resourcesAtEnd: string[] | undefined;
  const testCheck: TestLeakCheck = {
    closeServers:
      policies.servers === 'off'
        ? () => NO_LEFTOVERS
        : () => {
            resourcesAtEnd = process.getActiveResourcesInfo();
            const closed = servers.testEnded(resourcesAtEnd);
            return closed.length === 0 ? NO_LEFTOVERS : { servers: closed };
          },
    check(test, file, rolledBack) {
      const leaks = watch.testEnded(test, file, rolledBack, resourcesAtEnd);
      if (leaks.length === 0) return;
      const handlesAt = leaks.findIndex((leak) => leak.category === 'handles');
      if (handlesAt === -1) return conclude(test, file, leaks);
      // A child process killed and awaited, or a socket that emitted 'close', stays in the resource list until
      // libuv's close callbacks have run: two turns of the event loop later. Only then is an open handle a leak.
      return afterCloseCallbacks().then(() => {
        const stillOpen = watch.handlesStillOpen(leaks[handlesAt] as Leak);
        conclude(
          test,
          file,
          leaks.flatMap((leak, i) => (i !== handlesAt ? [leak] : stillOpen === undefined ? [] : [stillOpen])),
        );
      });
    },
  };
  return {
    testStarted(suiteChanged) {
      if (!enabled) return undefined;
      const resources = readResources ? process.getActiveResourcesInfo() : undefined;
      if (policies.servers !== 'off') servers.testStarted(resources);
      watch.testStarted(suiteChanged, resources);
      resourcesAtEnd = undefined;
      return testCheck;
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
