// The running test's scope: what it set up, torn down in reverse order. Runs in: worker, per test.
// Every teardown runs even when an earlier one throws; the first error is rethrown at the end.

export type Teardown = () => unknown;

export interface TestInfo {
  /** The full title; built on first use (messages only), since building it costs more than a test. */
  readonly title: string;
  readonly file: string | undefined;
  /** Tagged @serial, in its own title or a describe's. */
  readonly serial: boolean;
}

export class TestScope {
  readonly test: TestInfo;
  private readonly teardowns: Teardown[] = [];

  constructor(test: TestInfo) {
    this.test = test;
  }

  defer(teardown: Teardown): void {
    this.teardowns.push(teardown);
  }

  /** Synchronous unless a teardown returns a promise, so the common path adds no microtask per test. */
  close(): void | Promise<void> {
    const errors: unknown[] = [];
    const pending: Promise<unknown>[] = [];
    for (let i = this.teardowns.length - 1; i >= 0; i--) {
      try {
        const result = (this.teardowns[i] as Teardown)();
        if (result instanceof Promise) pending.push(result.catch((error: unknown) => errors.push(error)));
      } catch (error) {
        errors.push(error);
      }
    }
    this.teardowns.length = 0;
    if (pending.length === 0) return throwFirst(errors);
    return Promise.all(pending).then(() => throwFirst(errors));
  }
}

function throwFirst(errors: unknown[]): void {
  if (errors.length > 0) throw errors[0];
}

let current: TestScope | undefined;

export function setCurrentScope(scope: TestScope | undefined): void {
  current = scope;
}

export function hasCurrentScope(): boolean {
  return current !== undefined;
}

/** The running test's scope; per-test helpers called from describe() bodies or after the test get a clear error. */
export function currentScope(helper: string): TestScope {
  if (current === undefined) {
    // Imported lazily: errors.ts has no dependencies, and keeping scope.ts free of them keeps the hot path tiny.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { IsolationError } = require('../errors') as typeof import('../errors');
    throw new IsolationError(
      'ERR_ISOLATION_OUTSIDE_TEST',
      `"${helper}()" was called outside a test. Call it inside it(), or in a beforeEach/afterEach hook.`,
      { helper },
    );
  }
  return current;
}
