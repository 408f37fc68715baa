// What the per-test concerns put back when a test ended, by leak category: each concern's teardown returns its
// part, and the leak check names them all. Runs in: worker, per test. Pure.

/** Everything the worker put back at a test's end, found while rolling back. */
export interface RolledBack {
  envKeys: readonly string[];
  fakes: readonly string[];
  rows: readonly string[];
  servers: readonly string[];
}

/** One concern's part of what it put back (the environment's keys, the fakes, the rows, the servers). */
export type Leftovers = Partial<RolledBack>;

/**
 * The style guide's shape for a per-test concern: its setup, called when a test starts, returns this; called
 * when the test ends, it undoes what the test did and returns what it found left behind.
 */
export type TestTeardown = () => Leftovers;

export const NOTHING_ROLLED_BACK: RolledBack = { envKeys: [], fakes: [], rows: [], servers: [] };

export function joinLeftovers(parts: readonly Leftovers[]): RolledBack {
  if (parts.length === 0) return NOTHING_ROLLED_BACK;
  const join = (pick: (part: Leftovers) => readonly string[] | undefined): string[] => parts.flatMap((part) => pick(part) ?? []);
  return {
    envKeys: join((part) => part.envKeys),
    fakes: join((part) => part.fakes),
    rows: join((part) => part.rows),
    servers: join((part) => part.servers),
  };
}
