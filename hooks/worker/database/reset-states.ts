// The worker database's reset as a state machine: who can have written to the file since the last reset, and so
// how a test's end puts it back. Runs in: worker, one transition per workerDb()/workerDbPath() call and per
// test's end. Any transition the table does not list throws: it would be a bug, and a silent one would leave a
// test's rows for the next.
//
// | state      | who can write the file                                    | at the test's end                          |
// | ---------- | --------------------------------------------------------- | ------------------------------------------ |
// | private    | nobody: the connection was never handed out, the path     | nothing to do                              |
// |            | never shared                                              |                                            |
// | savepoint  | this test, through the plugin's connection, inside a      | roll the savepoint back                    |
// |            | savepoint                                                 |                                            |
// | handed-out | tests, through the plugin's connection (one may keep it   | empty the tables if its own change counter |
// |            | from an earlier test), outside any savepoint              | moved                                      |
// | committed  | as savepoint, but the path was handed out mid-test, which | empty the tables                           |
// |            | committed the savepoint                                   |                                            |
// | shared     | any connection: the path is in a variable or was handed   | empty the tables if the file's data        |
// |            | out                                                       | version or the own counter moved           |

export type ResetState = 'private' | 'savepoint' | 'handed-out' | 'committed' | 'shared';
export type ResetEvent = 'hand-out' | 'share-path' | 'reset';

/** For each state and event, the states it may move to. */
export const RESET_TRANSITIONS: Readonly<Record<ResetState, Readonly<Record<ResetEvent, readonly ResetState[]>>>> = {
  private: { 'hand-out': ['savepoint', 'handed-out'], 'share-path': ['shared'], reset: ['private'] },
  savepoint: { 'hand-out': ['savepoint'], 'share-path': ['committed'], reset: ['handed-out'] },
  'handed-out': { 'hand-out': ['savepoint', 'handed-out'], 'share-path': ['shared'], reset: ['handed-out'] },
  committed: { 'hand-out': ['committed'], 'share-path': ['committed'], reset: ['shared'] },
  shared: { 'hand-out': ['shared'], 'share-path': ['shared'], reset: ['shared'] },
};

export class ResetStates {
  constructor(private current: ResetState) {}

  get state(): ResetState {
    return this.current;
  }

  /** Whether `event` may take the current state to `next`. */
  allows(event: ResetEvent, next: ResetState): boolean {
    return RESET_TRANSITIONS[this.current][event].includes(next);
  }

  move(event: ResetEvent, next: ResetState): void {
    if (!this.allows(event, next)) {
      const allowed = RESET_TRANSITIONS[this.current][event].join(', ');
      throw new Error(
        `mocha-isolation: the worker database cannot go from "${this.current}" to "${next}" on "${event}" (allowed: ${allowed}). This is a bug in mocha-isolation; please report it.`,
      );
    }
    this.current = next;
  }
}

/** Where hand-out goes: a savepoint where rollback applies, else the state that says who can write. */
export function stateOnHandOut(from: ResetState, savepointAllowed: boolean): ResetState {
  if (from === 'private' || from === 'handed-out') return savepointAllowed ? 'savepoint' : 'handed-out';
  return from;
}

export function stateOnSharePath(from: ResetState): ResetState {
  return from === 'savepoint' || from === 'committed' ? 'committed' : 'shared';
}

export function stateOnReset(from: ResetState): ResetState {
  return from === 'savepoint' ? 'handed-out' : from === 'committed' ? 'shared' : from;
}
