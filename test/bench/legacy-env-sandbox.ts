// The environment sandbox before issue 8, kept only so that `npm run bench` can compare its per-test cost with
// the current one (hooks/worker/env-sandbox.ts). It replaced process.env with a Proxy over a copy, which
// broke references taken at import, TZ and worker threads. Not used by the plugin.
//
// While a file runs, process.env is a copy of the environment behind a Proxy that notes which keys a test
// writes; after the test only those keys are put back. Installing and restoring it through sinon per test
// cost ~2 µs and copying the environment per test ~3 µs, of a ~4 µs budget for everything the plugin does per
// test; this costs a Set size check. The Proxy has no `get` trap, so reads are not slowed. Writes made outside
// tests (in a before() hook) stay for the rest of the file and never reach the real environment.

import type sinon from 'sinon';

/** A variable that tells its reader something (the worker database path): reading it calls `onRead`. */
export interface WatchedVariable {
  name: string;
  value: string;
  onRead: () => void;
}

export interface EnvSandbox {
  /** Root before all: process.env becomes a copy of itself, installed through the sandbox given at creation. */
  openFile(): void;
  testStarted(): void;
  /** Puts back every key the test wrote, added or deleted, and the copy itself if the test replaced process.env. */
  testEnded(): void;
  /** Root after all: the real process.env is back. */
  closeFile(): void;
}

/** `fileSandbox` is this module's own: closeFile() restores everything in it. */
export function createEnvSandbox(fileSandbox: sinon.SinonSandbox, watched: WatchedVariable | undefined): EnvSandbox {
  let values: Record<string, string> = {};
  let fileBaseline: Record<string, string> = {};
  let env: Record<string, string> | undefined;
  let inTest = false;
  const written = new Set<string>();

  const note = (key: string, value: string | undefined): void => {
    if (inTest) written.add(key);
    else if (value === undefined) delete fileBaseline[key];
    else fileBaseline[key] = value;
  };
  // Node's real process.env turns every assigned value into a string; this one keeps that behaviour.
  const handler: ProxyHandler<Record<string, string>> = {
    set(target, key, value) {
      if (typeof key !== 'string') return false;
      note(key, String(value));
      target[key] = String(value);
      return true;
    },
    defineProperty(target, key, descriptor) {
      if (typeof key !== 'string' || !('value' in descriptor)) return false;
      note(key, String(descriptor.value));
      target[key] = String(descriptor.value);
      return true;
    },
    deleteProperty(target, key) {
      if (typeof key === 'string') note(key, undefined);
      return Reflect.deleteProperty(target, key);
    },
  };

  return {
    openFile() {
      // A plain copy, once per file: process.env itself is read through slow C++ interceptors.
      fileBaseline = Object.assign({}, process.env) as Record<string, string>;
      values = Object.assign({}, fileBaseline);
      if (watched !== undefined) defineWatchedVariable(values, watched);
      env = new Proxy(values, handler);
      fileSandbox.replace(process, 'env', env);
    },
    testStarted() {
      inTest = true;
    },
    testEnded() {
      inTest = false;
      if (env !== undefined && process.env !== env) process.env = env;
      if (written.size === 0) return;
      for (const key of written) {
        if (watched !== undefined && key === watched.name) defineWatchedVariable(values, watched);
        else if (Object.prototype.hasOwnProperty.call(fileBaseline, key)) values[key] = fileBaseline[key] as string;
        else delete values[key];
      }
      written.clear();
    },
    closeFile() {
      fileSandbox.restore();
      env = undefined;
    },
  };
}

function defineWatchedVariable(target: Record<string, string>, { name, value, onRead }: WatchedVariable): void {
  let current = value;
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: true,
    get() {
      onRead();
      return current;
    },
    set(next: unknown) {
      current = String(next);
    },
  });
}
