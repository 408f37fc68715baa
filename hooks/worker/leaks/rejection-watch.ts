// Promises rejected with nobody to handle them while a spec file runs. Runs in: the process that runs tests,
// listening from each file's start; read when each test ends.
//
// Why: mocha's runner takes an unhandled rejection from user code only to emit it again on `process`, where
// nothing listens, so it was swallowed and the run went green, serially and in workers alike (bare mocha too).
// mocha's worker removes every 'unhandledRejection' listener after each file: the watch listens again at the
// next file's start, and between files a rejection still kills the worker (main/idle-worker-deaths.ts).

import { describeReason, IsolationError } from '../../errors';

export interface Rejection {
  reason: unknown;
  /** When it was reported (performance.now()). */
  at: number;
  /** Reported by a library (`process.emit`, as bluebird does, a timer turn late), not by Node itself. */
  byLibrary: boolean;
}

export interface RejectionWatch {
  fileStarted(): void;
  /** The rejections since the last call (each once, though Node and mocha both emit it). */
  take(): Rejection[];
  /**
   * The serial run ended: no test is left to fail. What is pending, and every rejection from now on, goes to
   * `late` (mocha's runner keeps forwarding them to the process, where they were swallowed: exit 0).
   */
  runEnded(late: (rejection: Rejection) => void): void;
}

export function watchRejections(): RejectionWatch {
  let pending = new Map<Promise<unknown>, Rejection>();
  const seen = new WeakSet<Promise<unknown>>();
  let afterRun: ((rejection: Rejection) => void) | undefined;
  const unhandled = (reason: unknown, promise: Promise<unknown>): void => {
    if (seen.has(promise)) return;
    seen.add(promise);
    if (afterRun !== undefined) return afterRun({ reason, at: performance.now(), byLibrary: false });
    // Node reports from its own promise machinery, in the turn the promise was rejected; a library that emits
    // the event itself (bluebird) does it a timer turn later, when the next test may have started.
    const byLibrary = !/node:internal\/process\/promises/.test(new Error().stack ?? '');
    pending.set(promise, { reason, at: performance.now(), byLibrary });
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
    runEnded(late) {
      afterRun = late;
      for (const rejection of this.take()) late(rejection);
    },
  };
}

/** A rejection reported this soon after the previous test ended may be that test's: some libraries report late. */
// A timer turn late, on a machine so loaded that a turn takes most of a second.
export const LATE_REPORT_MS = 1_000;

/**
 * The error that fails the test a rejection nobody handled came in. `previous`: the test that ended before this
 * one, and when; named when a library reported the rejection within LATE_REPORT_MS of its end (bluebird reports
 * its unhandled rejections itself, a timer turn later: on hexo's suite each landed in the next test).
 */
export function unhandledRejectionError(
  test: { readonly title: string },
  rejections: readonly Rejection[],
  previous?: { title: string; endedAt: number },
): IsolationError {
  const first = rejections[0]?.reason;
  const more = rejections.length > 1 ? ` (and ${rejections.length - 1} more)` : '';
  const lateBy = previous === undefined || rejections[0]?.byLibrary !== true ? undefined : rejections[0].at - previous.endedAt;
  const maybeEarlier =
    previous !== undefined && lateBy !== undefined && lateBy < LATE_REPORT_MS
      ? `, or in "${previous.title}", which ended ${Math.max(0, Math.round(lateBy))} ms before it was reported (promise libraries such as bluebird report a rejection a moment late)`
      : '';
  const error = new IsolationError(
    'ERR_ISOLATION_UNHANDLED_REJECTION',
    `"${test.title}": a promise was rejected and nobody handled it while this test ran, or in a hook just before it${maybeEarlier}: ${describeReason(first)}${more}. ` +
      'mocha swallows these; await the promise in the test, or handle its rejection.',
    { reasons: rejections.length },
  );
  if (first instanceof Error && first.stack !== undefined) error.stack = `${error.message}\n${first.stack.split('\n').slice(1).join('\n')}`;
  return error;
}

/** The line for a rejection nobody handled after the serial run's last test: the run fails with it. */
export function lateRejectionLine(rejection: Rejection, fails: boolean): string {
  return (
    `mocha-isolation: a promise was rejected after the run's last test ended, and nobody handled it: ${describeReason(rejection.reason)}. ` +
    `It comes from work a test started and did not await (the leak report names timers it left open); ${fails ? 'the run fails (exit code 1).' : 'ISOLATION_REJECTIONS=report: the run does not fail for it.'}`
  );
}

/**
 * At a test's end, the rejections nobody handled while it ran: they fail it, or with ISOLATION_REJECTIONS=report
 * are named once on stderr and the test keeps its outcome.
 */
export function judgeRejections(
  test: { readonly title: string },
  rejections: readonly Rejection[],
  previous: { title: string; endedAt: number } | undefined,
  policy: 'fail' | 'report',
): void {
  const error = unhandledRejectionError(test, rejections, previous);
  if (policy === 'fail') throw error;
  process.stderr.write(`mocha-isolation: ${error.message} (ISOLATION_REJECTIONS=report: the test is not failed for it)\n`);
}

/** A serial run has ended: a rejection after its last test is named, and fails the run unless the policy is report. */
export function reportRejectionsAfterRun(watch: RejectionWatch, policy: 'fail' | 'report'): void {
  watch.runEnded((rejection) => {
    process.stderr.write(`${lateRejectionLine(rejection, policy === 'fail')}\n`);
    if (policy === 'report') return;
    // mocha sets the exit code from its failures in an 'exit' listener of its own; this one comes after it.
    process.once('exit', () => {
      if (!process.exitCode) process.exitCode = 1;
    });
  });
}
