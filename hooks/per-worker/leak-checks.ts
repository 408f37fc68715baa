// The leak checks around each test, by policy: what the test left behind is noted (ISOLATION_LEAKS=report),
// fails the test (fail), or is not looked at (off). Runs in: worker (or the --no-parallel process), per test.
// It ties the leak watch, the server watch and, serially, the open-handle report to the worker's statistics.

import { IsolationError } from '../errors';
import type { LeakPolicy } from '../config';
import type { Leak } from '../shared/leak-report';
import { createLeakWatch, type RolledBack } from './leak-watch';
import { createServerWatch } from './open-servers';
import { type OpenHandles, trackOpenHandles } from './open-handles';
import type { TestInfo } from './scope';

export interface LeakChecks {
  testStarted(): void;
  /** setEnv() is the plugin's own way to change a variable for one test: undoing it is its contract, not a leak. */
  notedSetEnv(names: readonly string[]): void;
  /** The variables the environment sandbox put back after the test. */
  envRestored(keys: readonly string[]): void;
  /** Closes the servers the test left listening (before the check, so they are gone whatever the policy). */
  closeServers(): void;
  /** Reports or, with `fail`, throws what the test left behind; `file` is its spec key. */
  testEnded(test: TestInfo, file: string): void;
  /** Serially, when the run ends: what still keeps the process alive and which tests left it. */
  openHandlesReport(): string | undefined;
}

export function createLeakChecks(policy: LeakPolicy, serial: boolean, record: (leaks: readonly Leak[]) => void): LeakChecks {
  const watch = createLeakWatch();
  const servers = createServerWatch();
  const handles: OpenHandles | undefined = serial ? trackOpenHandles() : undefined;
  let viaSetEnv: Set<string> | undefined;
  let rolledBack: RolledBack = { envKeys: [], servers: [] };
  return {
    testStarted() {
      viaSetEnv = undefined;
      rolledBack = { envKeys: [], servers: [] };
      if (policy === 'off') return;
      servers.testStarted();
      watch.testStarted();
    },
    notedSetEnv(names) {
      viaSetEnv ??= new Set();
      for (const name of names) viaSetEnv.add(name);
    },
    envRestored(keys) {
      rolledBack.envKeys = keys.filter((key) => viaSetEnv?.has(key) !== true);
    },
    closeServers() {
      if (policy !== 'off') rolledBack.servers = servers.testEnded();
    },
    testEnded(test, file) {
      if (policy === 'off') return;
      const leaks = watch.testEnded(test, file, rolledBack);
      if (leaks.length === 0) return;
      for (const leak of leaks) if (leak.category === 'handles') handles?.leftOpen(leak);
      if (policy === 'report') {
        record(leaks);
        return;
      }
      const what = leaks.map((leak) => `${leak.category}: ${leak.detail}`).join('; ');
      throw new IsolationError(
        'ERR_ISOLATION_LEAK',
        `test "${test.title}" (${file}) left behind ${what}. Undo it before the test ends (close servers, clear timers, remove listeners, restore what you change), or set ISOLATION_LEAKS=report.`,
        { test: test.title, file, leaks },
      );
    },
    openHandlesReport() {
      return handles?.report();
    },
  };
}
