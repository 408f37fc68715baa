// In parallel mode a worker buffers every runner event of a file, serializes it and sends it to the main
// process, which rebuilds and replays it: about 57 µs of CPU per root hook per test, more than everything the
// plugin itself does per test. The plugin's own two hooks have nothing to show a reporter (when one fails,
// mocha reports it with a test-failure event, which is kept), so their begin/end events are dropped before
// they are buffered. Runs in: worker, once, when mocha reads `mochaHooks`.

import path from 'node:path';

type Listener = (runnable: { fn?: unknown } | undefined, error?: unknown) => void;

interface BufferedReporterPrototype {
  createListener(this: { listeners: Map<string, Listener> }, eventName: string): Listener;
  mochaIsolationQuietHooks?: true;
}

const HOOK_EVENTS: ReadonlySet<string> = new Set(['hook', 'hook end']);

/**
 * Patches the buffered reporter of the mocha that runs this worker (found through the worker script in the
 * module cache, so a second copy of mocha elsewhere in node_modules is never the one patched). Returns false
 * and changes nothing when mocha's internals are not as expected: the run is then only slower.
 */
export function quietOwnHookEvents(ownHooks: ReadonlySet<unknown>): boolean {
  const workerScript = Object.keys(require.cache).find((file) => file.endsWith(path.join('mocha', 'lib', 'nodejs', 'worker.cjs')));
  if (workerScript === undefined) return false;
  let prototype: BufferedReporterPrototype | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    prototype = (require(path.join(path.dirname(workerScript), 'reporters', 'parallel-buffered.cjs')) as { prototype?: BufferedReporterPrototype }).prototype;
  } catch {
    return false;
  }
  if (prototype === undefined || typeof prototype.createListener !== 'function') return false;
  if (prototype.mochaIsolationQuietHooks) return true;

  const createListener = prototype.createListener;
  prototype.createListener = function (eventName) {
    const listener = createListener.call(this, eventName);
    if (!HOOK_EVENTS.has(eventName) || !(this.listeners instanceof Map)) return listener;
    const filtered: Listener = (runnable, error) => {
      if (!ownHooks.has(runnable?.fn)) listener(runnable, error);
    };
    // The reporter removes its listeners by what this map holds, so it must hold the one registered.
    this.listeners.set(eventName, filtered);
    return filtered;
  };
  prototype.mochaIsolationQuietHooks = true;
  return true;
}
