// What each test left behind, by category: what the plugin rolled back (environment variables, sinon fakes,
// database rows, servers it closed) and what it cannot (files in the temp folder, timers, sockets, child
// processes still open, listeners added to process, new globals, properties added to built-in prototypes).
// Runs in: worker (or the --no-parallel process), per test: one list of the process's resources, a few counts and
// one stat before and after; a category whose policy is off is not looked at.

import type { Leak, LeakCategory, LeakPolicies } from '../../shared/leak-report';
import { FILE_HOOKS_TITLE } from '../../shared/leak-report';
import { createNameWatch, type NameWatch } from './name-watch';
import { folderSource, globalsSource, prototypesSource } from './leftover-sources';
import type { TestInfo } from '../mocha/test-titles';
import type { RolledBack } from './leftovers';

// stdio, file system requests in flight, and servers (checked and closed separately) are not a test's leftovers.
const IGNORED_RESOURCES: ReadonlySet<string> = new Set([
  'PipeWrap',
  'TTYWrap',
  'FSReqCallback',
  'FSReqPromise',
  'TCPServerWrap',
  'PipeServerWrap',
]);
const PROCESS_EVENTS = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface LeakWatch {
  /**
   * `suiteChanged`: the test is the first of its describe, whose before() hooks may have just run.
   * `resources`: process.getActiveResourcesInfo() at that moment, if the caller read it (it is read once per edge).
   */
  testStarted(suiteChanged: boolean, resources?: string[]): void;
  testEnded(test: TestInfo, file: string, rolledBack: RolledBack, resources?: string[]): Leak[];
  /** The handles leak testEnded found, read again now: undefined when they have closed since. */
  handlesStillOpen(leak: Leak): Leak | undefined;
  fileStarted(): void;
  /** What the file's before/after hooks left that no test was named for. */
  fileEnded(file: string): Leak[];
}

function countTypes(resources: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of resources) if (!IGNORED_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

// Listeners the plugin itself added while a test ran (tmp's 'exit' listener, added when tempDir() first loads
// it), per PROCESS_EVENTS entry: never the test's leak. They stay for the life of the process.
const OWN_LISTENERS: number[] = PROCESS_EVENTS.map(() => 0);

/** Runs `load` (which adds process listeners the plugin keeps) so that what it adds is never counted as a leak. */
export function withOwnListeners<T>(load: () => T): T {
  const before = PROCESS_EVENTS.map((event) => process.listenerCount(event));
  try {
    return load();
  } finally {
    PROCESS_EVENTS.forEach(
      (event, i) => (OWN_LISTENERS[i] = (OWN_LISTENERS[i] ?? 0) + Math.max(0, process.listenerCount(event) - (before[i] ?? 0))),
    );
  }
}

function listenerCounts(): number[] {
  const counts: number[] = [];
  for (let i = 0; i < PROCESS_EVENTS.length; i += 1)
    counts.push(process.listenerCount(PROCESS_EVENTS[i] as string) - (OWN_LISTENERS[i] ?? 0));
  return counts;
}

export function createLeakWatch(policies: LeakPolicies, tempFolder: string | undefined): LeakWatch {
  const on = (category: LeakCategory): boolean => policies[category] !== 'off';
  const names: Array<[LeakCategory, NameWatch]> = [];
  if (on('globals')) names.push(['globals', createNameWatch(globalsSource)]);
  if (on('prototypes')) names.push(['prototypes', createNameWatch(prototypesSource)]);
  if (on('tempFiles') && tempFolder !== undefined) names.push(['tempFiles', createNameWatch(folderSource(tempFolder))]);
  const watchHandles = on('handles');
  const watchListeners = on('listeners');
  // Kept raw at a test's start: most tests open and add nothing, and two lengths and a sum say so without a map.
  let resources: string[] = [];
  let listeners: number[] = [];
  let listenerTotal = 0;
  // Handle types with more open now than at the test's start, and how many more.
  const grownHandles = (nowResources: readonly string[]): Map<string, number> => {
    const grown = new Map<string, number>();
    if (nowResources.length <= resources.length) return grown;
    const before = countTypes(resources);
    for (const [type, count] of countTypes(nowResources))
      if (count > (before.get(type) ?? 0)) grown.set(type, count - (before.get(type) ?? 0));
    return grown;
  };
  let handlesFound = new Map<string, number>();
  const handlesLeak = (leak: Leak, grown: ReadonlyMap<string, number>): Leak => ({
    ...leak,
    detail: [...grown].map(([type, count]) => `${type} ×${count}`).join(', '),
    types: [...grown.keys()],
  });
  return {
    testStarted(suiteChanged, resourcesNow) {
      if (suiteChanged) for (const [, watch] of names) watch.resync();
      if (watchHandles) resources = resourcesNow ?? process.getActiveResourcesInfo();
      if (watchListeners) {
        listeners = listenerCounts();
        listenerTotal = sum(listeners);
      }
    },
    testEnded(test, file, rolledBack, resourcesNow) {
      const leaks: Leak[] = [];
      const add = (category: LeakCategory, detail: string): void => {
        if (on(category)) leaks.push({ category, test: test.title, file, detail });
      };
      if (rolledBack.envKeys.length > 0) add('env', rolledBack.envKeys.join(', '));
      if (rolledBack.fakes.length > 0) add('fakes', rolledBack.fakes.join(', '));
      if (rolledBack.rows.length > 0) add('rows', rolledBack.rows.join(', '));
      if (rolledBack.servers.length > 0) add('servers', rolledBack.servers.join(', '));
      for (const [category, watch] of names) {
        const added = watch.added();
        if (added.length > 0) add(category, added.join(', '));
      }
      if (watchHandles) {
        handlesFound = grownHandles(resourcesNow ?? process.getActiveResourcesInfo());
        if (handlesFound.size > 0) leaks.push(handlesLeak({ category: 'handles', test: test.title, file, detail: '' }, handlesFound));
      }
      if (watchListeners) {
        const nowListeners = listenerCounts();
        if (sum(nowListeners) > listenerTotal) {
          const added = nowListeners
            .map((count, i) => (count > (listeners[i] ?? 0) ? `${PROCESS_EVENTS[i]} ×${count - (listeners[i] ?? 0)}` : undefined))
            .filter((entry): entry is string => entry !== undefined);
          if (added.length > 0) add('listeners', `process.on(${added.join(', ')})`);
        }
      }
      return leaks;
    },
    handlesStillOpen(leak) {
      // Only what was found may remain: a timer the runner arms meanwhile (mocha times an afterEach that returns
      // a promise) is not the test's.
      const still = new Map<string, number>();
      for (const [type, count] of grownHandles(process.getActiveResourcesInfo())) {
        const found = handlesFound.get(type);
        if (found !== undefined) still.set(type, Math.min(count, found));
      }
      return still.size === 0 ? undefined : handlesLeak(leak, still);
    },
    fileStarted() {
      for (const [, watch] of names) watch.fileStarted();
    },
    fileEnded(file) {
      const leaks: Leak[] = [];
      for (const [category, watch] of names) {
        const left = watch.fileEnded();
        if (left.length > 0) leaks.push({ category, test: FILE_HOOKS_TITLE, file, detail: left.join(', ') });
      }
      return leaks;
    },
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
