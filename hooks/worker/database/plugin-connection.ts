// The plugin's own connection to the worker's SQLite file, and how it puts the file back after each test: a
// savepoint rolled back, or every table emptied when a change counter moved, or the schema rebuilt when it
// changed; which one follows from the reset's state (reset-states.ts). Runs in: worker, opened on first use.
//
// Two ways back to empty, cheapest first (reset-states.ts has the states between them and their transitions):
// - rollback: while no other connection can see the file (its path is in no variable and was never handed
//   out), a test's first workerDb() opens a savepoint on the plugin's connection, and the test's end rolls it
//   back (no commit ever reaches the file). Handing out the path during the test commits it first, so the
//   other connection sees what the test wrote.
// - delete: otherwise, if anything was written since the last reset, by this or any other connection, every
//   table is emptied and AUTOINCREMENT counters reset.
// Measured with 3 tables, WAL and synchronous=OFF: one insert then its reset costs 6.6 µs by rollback, 23.6 µs
// by autocommit and DELETE. A test that changed the schema (created, dropped or altered a table, through any
// connection) leaves the schema version changed: the file's schema is then rebuilt from the template's.

import { type Database, openDatabase } from '../../shared/sqlite';
import { explainNestedBegin } from './nested-begin-hint';
import { ResetStates, stateOnHandOut, stateOnReset, stateOnSharePath } from './reset-states';
import { prepareDeletes, prepareRowCounts, readTemplateSchema, rebuildFromTemplate } from './schema-repair';
import type { DbResetMode } from '../../config';

const SAVEPOINT = 'mocha_isolation_test';

/** The file's path and how it is put back: what the worker database offers whether or not it is open yet. */
export interface DatabaseReset {
  readonly path: string;
  /** The connection a test gets from workerDb(); opens the test's savepoint first where rollback applies. */
  connectionForTest(): Database;
  /**
   * Puts the file back to the template's schema and empty tables if anything was written or the schema changed
   * since the last call, by any connection. With `countLeft`, returns what it found before emptying (the leak
   * report's rows: `table ×count`, or the schema change); counted only when something was written.
   */
  resetIfDirty(countLeft?: boolean): string[];
  /**
   * The file's path was handed out (workerDbPath()), so connections other than the plugin's may write to it from
   * now on. Until then only its own change counter needs checking.
   */
  markPathShared(): void;
  close(): void;
}

export interface ConnectionOptions {
  mode: DbResetMode;
  /** The path is in the environment from the start (isolation.dbEnv): other connections may exist at any time. */
  pathInEnv: boolean;
}

export interface PluginConnection extends DatabaseReset {
  /** The next check treats the file as written by another connection (its data version unknown until now). */
  assumeWritten(): void;
}

export function openPluginConnection(file: string, options: ConnectionOptions): PluginConnection {
  const db = openDatabase(file);
  const schema = readTemplateSchema(db);
  const schemaVersion = db.prepare('PRAGMA schema_version').pluck();
  let expectedSchemaVersion: unknown = schemaVersion.get();
  let deletes = prepareDeletes(db);
  let countRows = prepareRowCounts(db);
  // data_version changes when another connection (the app under test) commits; total_changes counts our own.
  // PRAGMA data_version takes a file lock and a stat (~2.5 µs); counting our own changes takes no system call.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const emptyAll = db.transaction(() => {
    db.pragma('defer_foreign_keys = ON');
    for (const statement of deletes) statement.run();
  });
  const rebuildSchema = (): void => {
    rebuildFromTemplate(db, schema);
    deletes = prepareDeletes(db);
    countRows = prepareRowCounts(db);
    expectedSchemaVersion = schemaVersion.get();
  };
  const openSavepoint = db.prepare(`SAVEPOINT ${SAVEPOINT}`);
  const rollBackSavepoint = db.prepare(`ROLLBACK TO ${SAVEPOINT}`);
  const releaseSavepoint = db.prepare(`RELEASE ${SAVEPOINT}`);
  const rollBack = db.prepare('ROLLBACK');

  const states = new ResetStates(options.pathInEnv ? 'shared' : 'private');
  explainNestedBegin(db, () => states.state === 'savepoint');
  let seenVersion: unknown = dataVersion.get();
  let seenChanges = totalChanges.get();
  // Own writes made before the savepoint opened (through a connection kept from an earlier test) are not undone.
  let changesAtSavepoint: unknown = 0;
  // The test asked for the plugin's connection: it may have changed the schema through it (DDL changes no rows).
  let usedInTest = false;

  /** True if everything since the savepoint was undone; false if the test already ended it (COMMIT, ROLLBACK). */
  function rollBackTest(): boolean {
    try {
      // ROLLBACK TO fails if the savepoint is gone. Then ROLLBACK rather than RELEASE: our savepoint is the
      // outermost, and releasing it would commit an empty write transaction (another commit for the app to see).
      rollBackSavepoint.run();
      rollBack.run();
      return true;
    } catch {
      return false;
    }
  }

  return {
    path: file,
    connectionForTest() {
      usedInTest = true;
      const from = states.state;
      const next = stateOnHandOut(from, options.mode === 'auto' && !db.inTransaction);
      states.move('hand-out', next);
      if (next === 'savepoint' && from !== 'savepoint') {
        changesAtSavepoint = totalChanges.get();
        openSavepoint.run();
      }
      return db;
    },
    resetIfDirty(countLeft = false) {
      const from = states.state;
      if (from === 'private') return [];
      // Inside the test's savepoint its rows are still visible: counted before they are rolled back.
      let left = countLeft && from === 'savepoint' && totalChanges.get() !== changesAtSavepoint ? countRows() : [];
      const undone = from === 'savepoint' && rollBackTest();
      states.move('reset', stateOnReset(from));
      if (db.inTransaction) db.exec('ROLLBACK');
      const changes = totalChanges.get();
      // Rolled-back rows still count in total_changes, so a clean rollback is taken as its own proof.
      const ownWrites = from === 'committed' || (undone ? changesAtSavepoint !== seenChanges : changes !== seenChanges);
      seenChanges = changes;
      const othersWrote = (from === 'shared' || from === 'committed') && dataVersion.get() !== seenVersion;
      const mayHaveChangedSchema = usedInTest || othersWrote;
      usedInTest = false;
      if (mayHaveChangedSchema && schemaVersion.get() !== expectedSchemaVersion) {
        if (countLeft) left = ['the schema changed (rebuilt from the template)'];
        rebuildSchema();
      } else if (!ownWrites && !othersWrote) return left;
      else if (countLeft && left.length === 0) left = countRows();
      emptyAll();
      seenVersion = dataVersion.get();
      seenChanges = totalChanges.get();
      return left;
    },
    assumeWritten() {
      seenVersion = undefined;
    },
    markPathShared() {
      const from = states.state;
      states.move('share-path', stateOnSharePath(from));
      // From now on another connection may read the file: what the test wrote so far must be committed.
      if (from === 'savepoint') releaseSavepoint.run();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
