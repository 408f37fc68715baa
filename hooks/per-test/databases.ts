// The databases a test can ask for: the worker's file (empty at the start of every test) or a private :memory:.
// Runs in: worker, per test.

import fs from 'node:fs';
import { IsolationError } from '../errors';
import { type Database, openDatabase } from '../per-worker/sqlite';
import { workerContext } from '../per-worker/worker-context';
import type { WorkerDatabase } from '../per-worker/worker-database';
import { currentScope } from './scope';

function requireWorkerDatabase(helper: string): WorkerDatabase {
  currentScope(helper);
  const database = workerContext().workerDatabase();
  if (database === undefined) {
    throw new IsolationError(
      'ERR_ISOLATION_CONFIG',
      `"${helper}()" needs a schema, but none is configured. Set isolation.schema in .mocharc.cjs (or ISOLATION_SCHEMA) to your SQL file.`,
      { helper },
    );
  }
  return database;
}

/**
 * This worker's SQLite connection (WAL). Every table is empty when a test starts. Until the file's path is
 * handed out, the test's writes go into a savepoint rolled back when it ends (ISOLATION_DB_RESET).
 * @example workerDb().prepare('INSERT INTO users (name) VALUES (?)').run('ada');
 */
export function workerDb(): Database {
  return requireWorkerDatabase('workerDb').connectionForTest();
}

/** Path of this worker's database file, for code under test that opens its own connection. */
export function workerDbPath(): string {
  const database = requireWorkerDatabase('workerDbPath');
  database.markPathShared();
  return database.path;
}

/**
 * A private in-memory database with the schema applied, closed when the test ends: for unit tests.
 * @example const db = memoryDb(); createUserRepository(db).add('ada');
 */
export function memoryDb(): Database {
  const scope = currentScope('memoryDb');
  const db = openDatabase(':memory:');
  scope.defer(() => db.close());
  const schema = schemaSql();
  if (schema !== undefined) db.exec(schema);
  return db;
}

let cachedSchema: { sql: string | undefined } | undefined;

/** Read once per worker: unit tests may ask for a :memory: database in every test. */
function schemaSql(): string | undefined {
  const { schemaPath } = workerContext().config;
  cachedSchema ??= { sql: schemaPath === undefined ? undefined : fs.readFileSync(schemaPath, 'utf8') };
  return cachedSchema.sql;
}
