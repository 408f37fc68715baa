// The worker's SQLite file: copied from the run's template once per worker, emptied after each test that wrote.
// Runs in: worker (or the one process of a --no-parallel run), created lazily on the first test.

import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATE_NAME } from '../main/template-database';
import { type Database, openDatabase } from './sqlite';

export interface WorkerDatabase {
  readonly path: string;
  readonly db: Database;
  /** Empties every table if anything was written since the last call, by this or any other connection. */
  resetIfDirty(): void;
  /**
   * The file's path was handed out (workerDbPath(), or the project's variable was read), so connections other
   * than `db` may write to it from now on. Until then only `db`'s own change counter needs checking.
   */
  markPathShared(): void;
  close(): void;
}

export function workerDatabaseName(workerId: string | undefined): string {
  // MOCHA_WORKER_ID is unique within a run, and the run folder is unique per run.
  return `worker-${workerId ?? 'serial'}.sqlite`;
}

export function createWorkerDatabase(runDir: string, workerId: string | undefined): WorkerDatabase {
  const file = path.join(runDir, workerDatabaseName(workerId));
  // A copy of the template costs far less than replaying the schema, and global setup already proved it applies.
  fs.copyFileSync(path.join(runDir, TEMPLATE_NAME), file);
  const db = openDatabase(file);
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((row) => row.name);
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
  const deletes = [...tables, ...(hasSequence ? ['sqlite_sequence'] : [])].map((table) =>
    db.prepare(`DELETE FROM "${table.replace(/"/g, '""')}"`),
  );
  // data_version changes when another connection (the app under test) commits; total_changes counts our own.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const emptyAll = db.transaction(() => {
    db.pragma('defer_foreign_keys = ON');
    for (const statement of deletes) statement.run();
  });

  let seenVersion = dataVersion.get();
  let seenChanges = totalChanges.get();
  // PRAGMA data_version takes a file lock and a stat (~2.5 µs, most of the plugin's per-test cost); counting
  // our own connection's changes takes no system call.
  let pathShared = false;
  return {
    path: file,
    db,
    resetIfDirty() {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (totalChanges.get() === seenChanges && (!pathShared || dataVersion.get() === seenVersion)) return;
      emptyAll();
      seenVersion = dataVersion.get();
      seenChanges = totalChanges.get();
    },
    markPathShared() {
      pathShared = true;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
