// sinon fakes, restored when the scope that made them ends: a test's after the test, a file's (made in before())
// at the file's end. Runs in: worker, created on first use.
//
// The sinon is the project's own, whatever its major version, found from the working directory: a copy of the
// plugin's would restore nothing the project made with its own (and its fake timers would be "installed twice").

import type Sinon from 'sinon';
import { watchDefaultSandbox } from './leaks/fake-leaks';
import { type Leftovers, NO_LEFTOVERS, type TestTeardown } from './leaks/leftovers';

type SinonModule = typeof Sinon;
type Sandbox = Sinon.SinonSandbox;

export interface Fakes {
  /** The sandbox the running scope should use: the test's while a test runs, the file's otherwise. */
  sandbox(inTest: boolean): Sandbox;
  testStarted(): void;
  /**
   * Restores the test's sandbox and what the test made with sinon's default sandbox (`sinon.stub()`); returns
   * the fakes of the latter it found still in place (the plugin's own sandbox() is undone by contract, not named).
   */
  testEnded(): string[];
  fileEnded(): void;
}

/** Where the project's sinon is, or undefined when it has none (then there is nothing to restore either). */
export function resolveProjectSinon(cwd: string): string | undefined {
  try {
    return require.resolve('sinon', { paths: [cwd] });
  } catch {
    return undefined;
  }
}

export function createFakes(sinon: SinonModule): Fakes {
  const fileSandbox = sinon.createSandbox();
  let testSandbox: Sandbox | undefined;
  // How many fakes sinon's default sandbox held when the test started: those were made in before() hooks.
  let defaultFakesAtStart = 0;
  const defaultFakes = (): unknown[] | undefined => (sinon as unknown as { getFakes?: () => unknown[] }).getFakes?.();
  const leftovers = watchDefaultSandbox(sinon);

  return {
    sandbox(inTest) {
      if (!inTest) return fileSandbox;
      return (testSandbox ??= sinon.createSandbox());
    },
    testStarted() {
      defaultFakesAtStart = defaultFakes()?.length ?? 0;
      leftovers.testStarted();
    },
    testEnded() {
      const left = leftovers.testEnded();
      testSandbox?.restore();
      const fakes = defaultFakes();
      if (fakes === undefined || defaultFakesAtStart === 0) {
        // Nothing of the file's in the default sandbox: restore all of it (also what replace() made).
        sinon.restore();
        return left;
      }
      // The file's fakes stay until its end; the test's own are restored newest first, as sinon does.
      for (let i = fakes.length - 1; i >= defaultFakesAtStart; i--) {
        (fakes[i] as { restore?: () => void }).restore?.();
      }
      fakes.length = Math.min(fakes.length, defaultFakesAtStart);
      return left;
    },
    fileEnded() {
      testSandbox?.restore();
      fileSandbox.restore();
      sinon.restore();
    },
  };
}

export interface ProjectFakes {
  /**
   * A test starts: the fakes of the project's sinon, if it has loaded sinon, start the test. The teardown restores
   * what the test made and returns the fakes it left in place (sinon may have been loaded during the test).
   */
  sandboxTest(): TestTeardown;
  /** The fakes of the project's sinon, loading sinon now if needed; undefined when the project has none. */
  load(): Fakes | undefined;
  /** The same, but only once the project has loaded sinon itself: before that it cannot have made any fakes. */
  tracked(): Fakes | undefined;
}

/** Resolves the project's sinon once; loads it (~30 ms) only when needed. */
export function projectFakes(cwd: string): ProjectFakes {
  const sinonPath = resolveProjectSinon(cwd);
  let fakes: Fakes | undefined;
  const load = (): Fakes | undefined => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the project's own sinon, loaded only when needed (~30 ms)
    if (fakes === undefined && sinonPath !== undefined) fakes = createFakes(require(sinonPath) as SinonModule);
    return fakes;
  };
  const tracked = (): Fakes | undefined =>
    fakes === undefined && sinonPath !== undefined && require.cache[sinonPath] !== undefined ? load() : fakes;
  const testEnded = (): Leftovers => {
    const left = tracked()?.testEnded();
    return left === undefined || left.length === 0 ? NO_LEFTOVERS : { fakes: left };
  };
  return {
    load,
    sandboxTest() {
      tracked()?.testStarted();
      return testEnded;
    },
    tracked,
  };
}
