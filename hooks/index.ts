// The plugin's public entry, loaded by `--require` in the main process and in every worker.
// Importing it has no side effects: every export is a function or a constant.

export { mochaHooks } from './root-hooks';
export { globalSetup as mochaGlobalSetup, globalTeardown as mochaGlobalTeardown } from './main/global-setup';
export { defineIsolation, type Isolation, type IsolationDefinition, type Reset } from './define-isolation';
export { setEnv } from './per-test/env-sandbox';
export { tempDir } from './per-test/temp-dir';
export { workerDb, workerDbPath, memoryDb } from './per-test/databases';
export { SERIAL } from './per-test/serial-lock';
export { freePort } from './port';
export { ERROR_CODES, IsolationError, type ErrorCode } from './errors';

import { workerContext } from './per-worker/worker-context';
import { currentScope } from './per-test/scope';

/**
 * The worker's sinon sandbox; every fake made with it is restored after the running test.
 * (Fakes made with sinon's default sandbox, `sinon.stub()`, are restored too.)
 * @example sandbox().stub(clock, 'now').returns(0);
 */
export function sandbox(): import('sinon').SinonSandbox {
  currentScope('sandbox');
  return workerContext().sandbox;
}
