// A test or hook that calls process.exit() fails, instead of ending the run. Runs in: the process that runs
// tests, installed once; checked when a test ends.
//
// Why: serially, process.exit(0) in a test ended the whole run with exit 0, every later test never run and the
// JUnit file empty; in a worker it lost the events of the file it ran. Vitest does the same ("process.exit
// unexpectedly called"). Outside the tests (mocha's own exit at the end, a worker being stopped) process.exit
// is left alone; a test that stubs it (sinon.stub(process, 'exit')) gets its stub.

import { IsolationError } from '../errors';

export interface ExitGuard {
  /** The guard's error for the test that just ended, if it called process.exit and got away with it (caught the error). */
  takeCall(): IsolationError | undefined;
}

/** `runningNow`: the test (or the file, in its hooks) that is running, undefined outside them. */
export function guardProcessExit(runningNow: () => { title: string; file: string | undefined } | undefined): ExitGuard {
  const exit = process.exit;
  let call: IsolationError | undefined;
  process.exit = function guardedExit(this: NodeJS.Process, code?: number | string | null): never {
    const running = runningNow();
    if (running === undefined) return exit.call(this, code as number) as never;
    const where = running.file === undefined ? '' : ` (${running.file})`;
    call = new IsolationError(
      'ERR_ISOLATION_PROCESS_EXIT',
      `"${running.title}"${where} called process.exit(${code ?? ''}), which would have ended the run with the rest of its tests unrun. ` +
        `mocha-isolation failed it instead. To test code that exits, stub it in the test: sinon.stub(process, 'exit').`,
      { code },
    );
    // The stack starts where the test called process.exit, not in the guard.
    Error.captureStackTrace(call, guardedExit);
    throw call;
  } as typeof process.exit;
  return {
    takeCall() {
      const taken = call;
      call = undefined;
      return taken;
    },
  };
}
