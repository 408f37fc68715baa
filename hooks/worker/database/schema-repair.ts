// The worker database's schema: the template's objects, read once, and how the file is put back to them when a
// test created, dropped or altered a table. Runs in: worker, only after a test changed the schema.

import type { Database } from '../../shared/sqlite';

export interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

export function readTemplateSchema(db: Database): SchemaObject[] {
  // Tables first (in creation order), then what depends on them: indexes, views, triggers.
  return db
    .prepare<[], SchemaObject>(
      "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type <> 'table', rowid",
    )
    .all();
}

function userTables(db: Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((row) => row.name);
}

/** Counts the rows of every table, for the leak report: `observations ×3` for each table that has any. */
export function prepareRowCounts(db: Database): () => string[] {
  const counts = userTables(db).map((table) => [table, db.prepare(`SELECT count(*) FROM ${quoteName(table)}`).pluck()] as const);
  return () =>
    counts.flatMap(([table, count]) => {
      const rows = Number(count.get());
      return rows > 0 ? [`${table} ×${rows}`] : [];
    });
}

export function prepareDeletes(db: Database): BetterSqlite3Statement[] {
  const tables = userTables(db);
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
  return [...tables, ...(hasSequence ? ['sqlite_sequence'] : [])].map((table) => db.prepare(`DELETE FROM ${quoteName(table)}`));
}

interface BetterSqlite3Statement {
  run(): unknown;
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Drops everything the file has and creates the template's objects again, in one transaction. */
export function rebuildFromTemplate(db: Database, schema: readonly SchemaObject[]): void {
  const current = db
    .prepare<[], { type: string; name: string }>(
      "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view', 'trigger')",
    )
    .all();
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const object of current) db.exec(`DROP ${object.type.toUpperCase()} IF EXISTS ${quoteName(object.name)}`);
      for (const object of schema) db.exec(object.sql);
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
