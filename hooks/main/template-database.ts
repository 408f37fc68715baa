// Applies the project's schema once per run to a template file that every worker copies (or copies the last
// run's, for the same schema: template-cache.ts). Runs in: main process, in global setup, so a broken schema
// stops the run before any worker or test starts.

import fs from 'node:fs';
import { configError } from '../errors';
import { runLayout } from '../shared/run-layout';
import { openDatabase } from '../shared/sqlite';
import { templateCache } from './template-cache';

export function buildTemplateDatabase(schemaPath: string, runDir: string, cacheDir?: string): string {
  let sql: string;
  try {
    sql = fs.readFileSync(schemaPath, 'utf8');
  } catch (error) {
    throw configError(
      [
        `the schema file "${schemaPath}" could not be read (${(error as NodeJS.ErrnoException).code}). Fix isolation.schema in .mocharc.cjs or ISOLATION_SCHEMA.`,
      ],
      'ERR_ISOLATION_SCHEMA',
    );
  }
  const file = runLayout(runDir).template;
  const cache = templateCache(sql, cacheDir, (line) => process.stderr.write(`${line}\n`));
  if (cache.file !== undefined) {
    try {
      fs.copyFileSync(cache.file, file);
      return file;
    } catch {
      // Gone since it was seen, or unreadable: built below, as on a first run.
    }
  }
  // Built in memory and written in one go: no journal or page writes on disk (3 ms less before the workers
  // start), and a file that exists is a whole database.
  const db = openDatabase(':memory:');
  try {
    db.transaction(() => db.exec(sql))();
  } catch (error) {
    db.close();
    throw configError(
      [`the schema "${schemaPath}" failed to apply: ${(error as Error).message}. Fix the SQL; no test ran against a half-built database.`],
      'ERR_ISOLATION_SCHEMA',
    );
  }
  try {
    fs.writeFileSync(file, db.serialize());
  } finally {
    db.close();
  }
  cache.keep(file);
  return file;
}
