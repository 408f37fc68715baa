// What the plugin does before and after every test, in one place so that it costs one beforeEach and one
// afterEach (each root hook costs ~57 µs per test in parallel mode). Runs in: worker, per test.

import path from 'node:path';
import { registeredResets } from '../define-isolation';
import { IsolationError } from '../errors';
import { workerContext } from '../per-worker/worker-context';
import { countOpenServers } from './open-servers';
import { TestScope, setCurrentScope, type TestInfo } from './scope';
import { acquireSerialLock } from './serial-lock';

interface Running {
  scope: TestScope;
  serversBefore: number;
}

let running: Running | undefined;

export function startTest(test: TestInfo): void | Promise<void> {
  const context = workerContext();
  const scope = new TestScope(test);
  context.envSandbox().testStarted();
  running = { scope, serversBefore: context.config.leaks === 'off' ? 0 : countOpenServers() };
  setCurrentScope(scope);
  if (!test.serial) return undefined;
  return acquireSerialLock(context.runDir).then((release) => scope.defer(release));
}

export function endTest(): void | Promise<void> {
  const context = workerContext();
  const ending = running;
  running = undefined;
  setCurrentScope(undefined);
  if (ending === undefined) return undefined;
  const { scope, serversBefore } = ending;

  // Deferred in reverse: the test's own teardowns first, the worker-wide resets last.
  scope.defer(() => context.workerDatabase()?.resetIfDirty());
  for (const reset of registeredResets()) scope.defer(reset);
  scope.defer(() => context.sinon.restore());
  scope.defer(() => {
    context.sandbox.restore();
    context.envSandbox().testEnded();
  });
  if (context.config.leaks !== 'off') scope.defer(() => checkOpenServers(scope.test, serversBefore, context.config.leaks));
  try {
    const closed = scope.close();
    return closed instanceof Promise ? closed.catch((error: unknown) => Promise.reject(withTest(error, scope.test))) : closed;
  } catch (error) {
    throw withTest(error, scope.test);
  }
}

function checkOpenServers(test: TestInfo, before: number, policy: 'fail' | 'warn' | 'off'): void {
  const left = countOpenServers() - before;
  if (left <= 0) return;
  const file = test.file === undefined ? 'unknown file' : path.relative(process.cwd(), test.file);
  const message =
    `test "${test.title}" (${file}) left ${left} server(s) listening. ` +
    'Close it before the test ends (await app.close() in the test or an afterEach hook), or set ISOLATION_LEAKS=warn.';
  if (policy === 'warn') process.stderr.write(`mocha-isolation: ${message}\n`);
  else throw new IsolationError('ERR_ISOLATION_LEAK', message, { test: test.title, file: test.file, servers: left });
}

function withTest(error: unknown, test: TestInfo): unknown {
  if (error instanceof Error && !(error instanceof IsolationError)) {
    error.message = `teardown of test "${test.title}" failed: ${error.message}`;
  }
  return error;
}
