// setEnv(): several variables at once, undone like any other write to process.env. Runs in: worker, per call.

import { workerState } from '../worker/current';

/**
 * Sets (or, with `undefined`, deletes) environment variables: for the rest of the running test, or, in a
 * before() hook, until the file ends.
 * @example setEnv({ APP_API_KEY: 'test-key', APP_DEBUG: undefined })
 */
export function setEnv(values: Readonly<Record<string, string | number | boolean | undefined>>): void {
  const state = workerState('setEnv');
  state.currentScope('setEnv');
  state.setEnv(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === undefined ? undefined : String(value)])));
}
