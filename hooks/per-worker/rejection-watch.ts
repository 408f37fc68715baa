// Promises rejected with nobody to handle them while a spec file runs. Runs in: the process that runs tests,
// listening from each file's start; read when each test ends.
//
// Why: mocha's runner takes an unhandled rejection from user code only to emit it again on `process`, where
// nothing listens, so it was swallowed and the run went green, serially and in workers alike (bare mocha too).
// mocha's worker removes every 'unhandledRejection' listener after each file: the watch listens again at the
// next file's start, and between files a rejection still kills the worker (main/idle-worker-deaths.ts).

import { IsolationError } from '../errors';

export interface RejectionWatch {
  fileStarted(): void;
  /** The reasons of the rejections since the last call (each once, though Node and mocha both emit it). */
  take(): unknown[];
}

export function watchRejections(): RejectionWatch {
  let pending = new Map<Promise<unknown>, unknown>();
  const seen = new WeakSet<Promise<unknown>>();
  const unhandled = (reason: unknown, promise: Promise<unknown>): void => {
    if (seen.has(promise)) return;
    seen.add(promise);
    pending.set(promise, reason);
  };
  // A handler attached a turn later (Node then emits 'rejectionHandled') means the rejection was handled after all.
  const handled = (promise: Promise<unknown>): void => void pending.delete(promise);
  return {
    fileStarted() {
      if (!process.listeners('unhandledRejection').includes(unhandled)) process.on('unhandledRejection', unhandled);
      if (!process.listeners('rejectionHandled').includes(handled)) process.on('rejectionHandled', handled);
    },
    take() {
      if (pending.size === 0) return [];
      const taken = [...pending.values()];
      pending = new Map();
      return taken;
    },
  };
}

/** How a thrown value reads in a message (a rejection's reason, a load error, a dying worker's last words). */
export function describeReason(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}

/** The error that fails the test a rejection nobody handled came in. */
export function unhandledRejectionError(test: { readonly title: string }, reasons: readonly unknown[]): IsolationError {
  const first = reasons[0];
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : '';
  const error = new IsolationError(
    'ERR_ISOLATION_UNHANDLED_REJECTION',
    `"${test.title}": a promise was rejected and nobody handled it while this test ran, or in a hook just before it: ${describeReason(first)}${more}. ` +
      'mocha swallows these; await the promise in the test, or handle its rejection.',
    { reasons: reasons.length },
  );
  if (first instanceof Error && first.stack !== undefined) error.stack = `${error.message}\n${first.stack.split('\n').slice(1).join('\n')}`;
  return error;
}
