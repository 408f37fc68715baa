// What each test left behind, by category: what the plugin rolled back (environment variables, servers it
// closed) and what it cannot (timers, sockets, child processes still open; listeners added to
// process). Runs in: worker (or the --no-parallel process), per test: one list of the process's resources and a
// few listener counts before and after; nothing when ISOLATION_LEAKS=off.

import type { Leak, LeakCategory } from '../shared/leak-report';
import type { TestInfo } from './scope';


/** Everything the worker already knows at a test's end, found while rolling back. */
export interface RolledBack {
  envKeys: readonly string[];
  servers: readonly string[];
}

// stdio, file system requests in flight, and servers (checked and closed separately) are not a test's leftovers.
const IGNORED_RESOURCES: ReadonlySet<string> = new Set(['PipeWrap', 'TTYWrap', 'FSReqCallback', 'FSReqPromise', 'TCPServerWrap', 'PipeServerWrap']);
const PROCESS_EVENTS = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning', 'SIGINT', 'SIGTERM'] as const;

export interface LeakWatch {
  testStarted(): void;
  testEnded(test: TestInfo, file: string, rolledBack: RolledBack): Leak[];
}

function countTypes(resources: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of resources) if (!IGNORED_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function listenerCounts(): number[] {
  const counts: number[] = [];
  for (const event of PROCESS_EVENTS) counts.push(process.listenerCount(event));
  return counts;
}

export function createLeakWatch(): LeakWatch {
  // Kept raw at a test's start: most tests open and add nothing, and two lengths and a sum say so without a map.
  let resources: string[] = [];
  let listeners: number[] = [];
  let listenerTotal = 0;
  return {
    testStarted() {
      resources = process.getActiveResourcesInfo();
      listeners = listenerCounts();
      listenerTotal = sum(listeners);
    },
    testEnded(test, file, rolledBack) {
      const leaks: Leak[] = [];
      const add = (category: LeakCategory, detail: string): void => void leaks.push({ category, test: test.title, file, detail });
      if (rolledBack.envKeys.length > 0) add('env', rolledBack.envKeys.join(', '));
      if (rolledBack.servers.length > 0) add('servers', rolledBack.servers.join(', '));
      const nowResources = process.getActiveResourcesInfo();
      if (nowResources.length > resources.length) {
        const before = countTypes(resources);
        const grown = [...countTypes(nowResources)].filter(([type, count]) => count > (before.get(type) ?? 0));
        if (grown.length > 0) {
          add('handles', grown.map(([type, count]) => `${type} ×${count - (before.get(type) ?? 0)}`).join(', '));
          (leaks.at(-1) as Leak).types = grown.map(([type]) => type);
        }
      }
      const nowListeners = listenerCounts();
      if (sum(nowListeners) > listenerTotal) {
        const added = nowListeners
          .map((count, i) => (count > (listeners[i] ?? 0) ? `${PROCESS_EVENTS[i]} ×${count - (listeners[i] ?? 0)}` : undefined))
          .filter((entry): entry is string => entry !== undefined);
        if (added.length > 0) add('listeners', `process.on(${added.join(', ')})`);
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
