// A scope: what a test (or a file, in its before()/after() hooks) set up, torn down in reverse order when it
// ends. Runs in: worker. Every teardown runs even when an earlier one throws; the first error is rethrown.

import type { TestInfo } from './mocha/test-titles';

export type Teardown = () => unknown;

export class Scope {
  private readonly teardowns: Teardown[] = [];

  /** `test` is the test a test scope belongs to, or the file's first test for a file scope (messages only). */
  constructor(
    readonly kind: 'test' | 'file',
    readonly test: TestInfo,
  ) {}

  defer(teardown: Teardown): void {
    this.teardowns.push(teardown);
  }

  /**
   * Runs the teardowns newest first, one after another: a teardown's promise is awaited before the next runs
   * (a server a reset closes is closed before the server check). Synchronous when no teardown returns a promise,
   * so the common path adds no microtask per test.
   */
  close(): void | Promise<void> {
    const teardowns = this.teardowns.splice(0);
    const errors: unknown[] = [];
    const runFrom = (index: number): void | Promise<void> => {
      for (let i = index; i >= 0; i--) {
        let result: unknown;
        try {
          result = (teardowns[i] as Teardown)();
        } catch (error) {
          errors.push(error);
          continue;
        }
        if (result instanceof Promise) {
          return result.then(
            () => runFrom(i - 1),
            (error: unknown) => {
              errors.push(error);
              return runFrom(i - 1);
            },
          );
        }
      }
      return throwFirst(errors);
    };
    return runFrom(teardowns.length - 1);
  }
}

function throwFirst(errors: unknown[]): void {
  if (errors.length > 0) throw errors[0];
}

/** An error from a test's teardown, as that test's failure: it names the test (IsolationErrors already do). */
export function asTestError(error: unknown, test: TestInfo): Error {
  if ((error as { name?: unknown } | null)?.name === 'IsolationError') return error as Error;
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new Error(`teardown of test "${test.title}" failed: ${message}`);
  if (error instanceof Error) wrapped.stack = `${wrapped.message}\n${error.stack?.split('\n').slice(1).join('\n') ?? ''}`;
  return wrapped;
}
