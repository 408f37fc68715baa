// Opens SQLite the way every test database is opened. Runs in: any process.
// better-sqlite3 is loaded on first use, so projects without a database never need it installed.

import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

export function openDatabase(file: string): Database {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: projects without a database need not install it
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  const db = new Sqlite(file);
  if (file !== ':memory:') {
    // The default rollback journal costs ~1 ms per write transaction; test data need not survive a power cut.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
  }
  db.pragma('foreign_keys = ON');
  return db;
}
