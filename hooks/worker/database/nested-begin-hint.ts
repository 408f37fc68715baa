// The error a test gets when it runs BEGIN inside the plugin's savepoint: SQLite's message, plus why and what to
// do instead. Runs in: worker, wrapping the plugin's connection once.

import { IsolationError } from '../../errors';
import type { Database } from '../../shared/sqlite';

/**
 * A test's own BEGIN inside the plugin's savepoint fails with SQLite's "cannot start a transaction within a
 * transaction"; this says why and what to do instead. Only exec() is wrapped: BEGIN goes through it in practice.
 */
export function explainNestedBegin(db: Database, savepointOpen: () => boolean): void {
  const exec = db.exec.bind(db);
  db.exec = (sql: string): Database => {
    try {
      return exec(sql);
    } catch (error) {
      if (savepointOpen() && error instanceof Error && /within a transaction/.test(error.message)) {
        throw new IsolationError(
          'ERR_ISOLATION_DB_TRANSACTION',
          `${error.message}: workerDb() runs each test inside a savepoint that is rolled back afterwards, so BEGIN fails. ` +
            'Use db.transaction(fn) (nests as a savepoint), or set ISOLATION_DB_RESET=delete (isolation.dbReset) to empty tables after each test instead.',
          { sql },
        );
      }
      throw error;
    }
  };
}
