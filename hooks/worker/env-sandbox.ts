// The real process.env, rolled back after every test and at the end of every file. Runs in: worker (or the
// --no-parallel process), installed once when the worker starts.
//
// process.env stays Node's own object: libraries keep references to it from import time, Node applies TZ only
// through it, and child processes and worker threads copy it. Writes to it cannot be intercepted, and reading
// the whole environment costs 11 µs (keys) to 40 µs (keys and values) for 40 variables, more than the plugin's
// whole per-test budget. So `process` gets an accessor for `env` that returns the same object and notes that
// the running test touched it; only such a test pays for a comparison at its end (its snapshot, the state
// before its first touch, is the one the sandbox last read or put back, unless code outside a test touched
// process.env since: then it is read on the test's first touch, before the test can write). Writes through a reference taken before the test without touching
// `process.env` in it are undone at the file's end instead (docs/isolation.md, "Environment").

type Env = NodeJS.ProcessEnv;
import { type Leftovers, NO_LEFTOVERS, type TestTeardown } from './leaks/leftovers';

export type EnvSnapshot = Readonly<Record<string, string>>;
/** Variables a file's module code set (a string) or deleted (undefined) while it loaded. */
export type EnvWrites = Readonly<Record<string, string | undefined>>;

export interface EnvSandbox {
  /** The environment every file starts from: the worker's, with the worker database's variable set. */
  readonly baseline: EnvSnapshot;
  /**
   * Called when a file's module code has run: returns what it wrote and puts the baseline back, so that files
   * loaded up front (serially mocha loads every file before the first test) never see each other's writes.
   */
  takeLoadWrites(): EnvWrites;
  /** A file starts: its own load-time writes are applied on top of the baseline. */
  fileStarted(loadWrites: EnvWrites | undefined): void;
  /**
   * A test starts. Its teardown puts back what the test changed and returns the names of the variables it
   * changed, but for those setEnv() wrote: undoing them is setEnv()'s contract, not a leftover.
   */
  sandboxTest(): TestTeardown;
  /** setEnv(): writes the variables (undefined deletes one), undone like any other write. */
  set(values: Readonly<Record<string, string | undefined>>): void;
  /** The file ends: everything is back to the baseline, and the real object is process.env again. */
  fileEnded(): string[];
}

export function snapshotEnv(env: Env): Record<string, string> {
  return Object.assign({}, env) as Record<string, string>;
}

/** Makes `env` equal to `snapshot`, writing only what differs; returns the names it had to change. */
export function restoreEnv(env: Env, snapshot: EnvSnapshot): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(env)) {
    if (!Object.prototype.hasOwnProperty.call(snapshot, key)) {
      delete env[key];
      changed.push(key);
    }
  }
  for (const key of Object.keys(snapshot)) {
    const value = snapshot[key] as string;
    if (env[key] !== value) {
      env[key] = value;
      changed.push(key);
    }
  }
  return changed;
}

/**
 * `strict` (ISOLATION_ENV=strict): every test's environment is read at its start and compared at its end, so a
 * write through a reference taken at import is undone after that test, not at its file's end; 11-40 µs per test.
 */
export function createEnvSandbox(initial: Readonly<Record<string, string>> = {}, strict = false): EnvSandbox {
  const real = process.env;
  for (const [key, value] of Object.entries(initial)) real[key] = value;
  const baseline = snapshotEnv(real);
  // What process.env returns: the real object, unless a file or test assigned another one (as Node allows).
  let current: Env = real;
  let fileObject: Env = real;
  let inTest = false;
  let testSnapshot: EnvSnapshot | undefined;
  /** The names setEnv() wrote in the running test. */
  let setByHelper: Set<string> | undefined;

  // The environment as last read or put back by the sandbox: a test's first touch reuses it instead of reading
  // the whole environment again. Anything outside a test that touches process.env may change it: forgotten then.
  let known: EnvSnapshot | undefined;
  const touch = (): void => {
    if (!inTest) known = undefined;
    else if (testSnapshot === undefined) testSnapshot = known ??= snapshotEnv(real);
  };
  Object.defineProperty(process, 'env', {
    configurable: true,
    enumerable: true,
    get() {
      touch();
      return current;
    },
    set(value: Env) {
      touch();
      current = value;
      if (!inTest) fileObject = value;
    },
  });

  const testEnded = (): Leftovers => {
    inTest = false;
    current = fileObject;
    const snapshot = testSnapshot;
    testSnapshot = undefined;
    if (snapshot === undefined) return NO_LEFTOVERS;
    const changed = restoreEnv(real, snapshot);
    known = snapshot;
    const named = setByHelper;
    setByHelper = undefined;
    const left = named === undefined ? changed : changed.filter((key) => !named.has(key));
    return left.length === 0 ? NO_LEFTOVERS : { envKeys: left };
  };

  return {
    baseline,
    takeLoadWrites() {
      const after = snapshotEnv(real);
      const writes: Record<string, string | undefined> = {};
      for (const key of restoreEnv(real, baseline)) writes[key] = after[key];
      current = fileObject = real;
      known = baseline;
      return writes;
    },
    fileStarted(loadWrites) {
      if (loadWrites === undefined || Object.keys(loadWrites).length === 0) return;
      known = undefined;
      for (const [key, value] of Object.entries(loadWrites)) {
        if (value === undefined) delete real[key];
        else real[key] = value;
      }
    },
    sandboxTest() {
      inTest = true;
      setByHelper = undefined;
      testSnapshot = strict ? snapshotEnv(real) : undefined;
      return testEnded;
    },
    set(values) {
      if (inTest) setByHelper ??= new Set();
      const env = process.env;
      for (const [name, value] of Object.entries(values)) {
        setByHelper?.add(name);
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
    },
    fileEnded() {
      inTest = false;
      setByHelper = undefined;
      testSnapshot = undefined;
      current = fileObject = real;
      const changed = restoreEnv(real, baseline);
      known = baseline;
      return changed;
    },
  };
}
