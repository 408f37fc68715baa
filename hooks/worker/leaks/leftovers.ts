// What the per-test concerns put back when a test ended, by leak category: each concern's teardown returns its
// part, and the leak check names them all. Runs in: worker, per test.

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

/** What a teardown returns when the test left nothing (shared: nothing allocated per test). */
export const NO_LEFTOVERS: Leftovers = Object.freeze({});

export const NOTHING_ROLLED_BACK: RolledBack = { envKeys: [], fakes: [], rows: [], servers: [] };

/** Per test: nearly every test leaves nothing, and that case allocates nothing. */
export function joinLeftovers(parts: readonly Leftovers[]): RolledBack {
  let joined: { envKeys: string[]; fakes: string[]; rows: string[]; servers: string[] } | undefined;
  for (const part of parts) {
    for (const key of LEFTOVER_KEYS) {
      const names = part[key];
      if (names === undefined || names.length === 0) continue;
      joined ??= { envKeys: [], fakes: [], rows: [], servers: [] };
      joined[key].push(...names);
    }
  }
  return joined ?? NOTHING_ROLLED_BACK;
}

const LEFTOVER_KEYS = ['envKeys', 'fakes', 'rows', 'servers'] as const;

/**
 * Runs the per-test concerns' teardowns newest first, each even when an earlier one throws, and collects what
 * they returned; rethrows the first error once all have run (one deferred step instead of one per concern).
 */
export function tearDownConcerns(concerns: readonly TestTeardown[], leftovers: Leftovers[]): void {
  let failure: { error: unknown } | undefined;
  for (let i = concerns.length - 1; i >= 0; i--) {
    try {
      leftovers.push((concerns[i] as TestTeardown)());
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}
