// The plugin's public entry, loaded by `--require` in the main process and in every worker.
// Importing it has no side effects: every export is a function or a constant.

export { mochaHooks } from './root-hooks';
export { globalSetup as mochaGlobalSetup, globalTeardown as mochaGlobalTeardown } from './global-fixtures';
export { defineIsolation, type Isolation, type IsolationDefinition } from './helpers/define-isolation';
export type { Reset } from './worker/project-wiring';
export { setEnv } from './helpers/set-env';
export { tempDir } from './helpers/temp-dir';
export { workerDb, workerDbPath, memoryDb } from './helpers/databases';
export { SERIAL } from './worker/serial-lock';
export { ORDERED } from './worker/mocha/shuffle-suites';
export { freePort } from './helpers/port';
export { ERROR_CODES, IsolationError, type ErrorCode } from './errors';

import { IsolationError } from './errors';
import { workerState } from './worker/current';

/**
 * A sinon sandbox from the project's own sinon: in a test, restored after the test; in a before() hook,
 * restored when the file ends. (Fakes made with sinon's default sandbox, `sinon.stub()`, are restored the same way.)
 * @example sandbox().stub(clock, 'now').returns(0);
 */
export function sandbox(): import('sinon').SinonSandbox {
  const state = workerState('sandbox');
  const scope = state.currentScope('sandbox');
  const fakes = state.fakes.load();
  if (fakes === undefined) {
    throw new IsolationError(
      'ERR_ISOLATION_CONFIG',
      '"sandbox()" needs sinon, but the project has none. Install it: npm install --save-dev sinon.',
    );
  }
  return fakes.sandbox(scope.kind === 'test');
}
