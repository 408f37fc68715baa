// Holds a test's "pass" until the plugin's afterEach has checked what the test left behind, so that a problem
// found there fails that test, once, instead of failing a hook. Runs in: the process that runs the tests, once.
//
// Why: mocha reports a test's outcome before its afterEach hooks run, and a failing afterEach hook skips every
// later test of its suite (for a root hook: of the file in parallel, of the whole run serially). So the plugin's
// afterEach never throws; it settles the test here instead. Held events are released, in their order, as soon
// as the test is settled or anything but a hook event comes (the next test, the suite's end), so a test whose
// plugin hook never ran is still reported. Only this runner instance's `emit` is wrapped: reporters and the
// statistics collector see one pass or one fail per test, and the counts add up.

import type { Runner, Test } from 'mocha';

type EmitArgs = [string | symbol, ...unknown[]];

export interface OutcomeGate {
  /** The plugin's afterEach for `test` ended; a problem it found fails the test. Returns false if it could not. */
  settle(test: Test, problem: Error | undefined): boolean;
}

const HOOK_EVENTS: ReadonlySet<string | symbol> = new Set(['hook', 'hook end']);

export function gateOutcomes(runner: Runner): OutcomeGate {
  const emit = runner.emit.bind(runner) as (...args: EmitArgs) => boolean;
  let held: { test: Test; events: EmitArgs[] } | undefined;

  const release = (problem: Error | undefined): void => {
    const holding = held;
    held = undefined;
    if (holding === undefined) return;
    const fails = problem !== undefined;
    if (fails) (runner as unknown as { fail(test: Test, error: Error): void }).fail(holding.test, problem);
    for (const event of holding.events) if (!(fails && event[0] === 'pass')) emit(...event);
  };

  runner.emit = function gatedEmit(this: Runner, ...args: EmitArgs): boolean {
    const [name, subject] = args;
    if (name === 'pass') {
      release(undefined);
      held = { test: subject as Test, events: [args] };
      return true;
    }
    if (held !== undefined) {
      if (name === 'test end' && subject === held.test) {
        held.events.push(args);
        return true;
      }
      if (!HOOK_EVENTS.has(name)) release(undefined);
    }
    return emit(...args);
  } as Runner['emit'];

  return {
    settle(test, problem) {
      if (held?.test === test) {
        release(problem);
        return true;
      }
      return problem === undefined;
    },
  };
}
