// The databases a test can ask for: the worker's file (empty at the start of every test) or a private :memory:.
// Runs in: worker, per call.

import fs from 'node:fs';
import { IsolationError } from '../errors';
import { workerState } from '../worker/current';
import type { WorkerDatabase } from '../worker/database/worker-database';
import { type Database, openDatabase } from '../shared/sqlite';

function requireWorkerDatabase(helper: string): WorkerDatabase {
  const state = workerState(helper);
  state.currentScope(helper);
  if (state.database === undefined) {
    throw new IsolationError(
      'ERR_ISOLATION_CONFIG',
      `"${helper}()" needs a schema, but none is configured. Set isolation.schema in .mocharc.cjs (or ISOLATION_SCHEMA) to your SQL file.`,
      { helper },
    );
  }
  return state.database;
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
 * A private in-memory database with the schema applied, closed when the test (or, from before(), the file) ends.
 * @example const db = memoryDb(); createUserRepository(db).add('ada');
 */
export function memoryDb(): Database {
  const state = workerState('memoryDb');
  const scope = state.currentScope('memoryDb');
  const db = openDatabase(':memory:');
  scope.defer(() => db.close());
  const schema = schemaSql(state.config.schemaPath);
  if (schema !== undefined) db.exec(schema);
  return db;
}

const schemas = new Map<string, string>();

/** Read once per worker: unit tests may ask for a :memory: database in every test. */
function schemaSql(schemaPath: string | undefined): string | undefined {
  if (schemaPath === undefined) return undefined;
  let sql = schemas.get(schemaPath);
  if (sql === undefined) schemas.set(schemaPath, (sql = fs.readFileSync(schemaPath, 'utf8')));
  return sql;
}
