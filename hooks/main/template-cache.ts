// The template database of the last run with the same schema, kept in the project's .mocha-isolation/ folder.
// Runs in: main process, in global setup. Why: building the template loads better-sqlite3 into the main process
// (its native binding and library, ~4 ms) only to apply a schema that rarely changes; with the cache, global
// setup copies one file and the main process never loads SQLite (issue 10 §3: nothing before it is needed).
// A schema whose statements fill rows with values that differ per run (random(), 'now', CURRENT_TIMESTAMP) is
// never cached: each run gets its own values, as without the cache. Anything wrong with the cache costs only time.

import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_CACHE_DIR, writeCacheFile } from '../shared/cache-file';
import { shortHash } from '../shared/short-hash';

const PREFIX = 'template-';

// Rows written by the schema itself, with a value SQLite works out when the statement runs.
const WRITES_ROWS = /\b(insert|replace|update)\b/i;
const VARIES_PER_RUN = /\b(random|randomblob|changes|total_changes|last_insert_rowid)\s*\(|\bcurrent_(time|date|timestamp)\b|'now'/i;

export interface TemplateCache {
  /** The cached template for this schema; undefined when there is none (or the schema is not cached). */
  readonly file: string | undefined;
  /** Keeps a newly built template for the next run (and removes the ones of older schemas). */
  keep(template: string): void;
}

/**
 * Why a cached template cannot be a whole SQLite database, or undefined when it can. Read from its header, so
 * the main process still loads no SQLite: a file cut short, emptied or overwritten is refused, never copied to
 * every worker (where it failed every test with "database disk image is malformed", run after run).
 */
export function damagedTemplate(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(100);
    const read = fs.readSync(fd, header, 0, 100, 0);
    const { size } = fs.fstatSync(fd);
    if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return `not a SQLite database (${size} bytes)`;
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    // The page count in the header holds only when the file's change counter says it was written with it.
    const pages = header.readUInt32BE(24) === header.readUInt32BE(92) ? header.readUInt32BE(28) : undefined;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `page size ${rawPageSize} in its header`;
    if (size % pageSize !== 0 || (pages !== undefined && size !== pages * pageSize))
      return `${size} bytes, not ${pages ?? 'whole'} pages of ${pageSize}`;
    return undefined;
  } catch (error) {
    return `unreadable (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function templateCache(
  sql: string,
  cacheDir: string = path.resolve(PROJECT_CACHE_DIR),
  warn: (line: string) => void = () => undefined,
): TemplateCache {
  const nothing: TemplateCache = { file: undefined, keep: () => undefined };
  if (WRITES_ROWS.test(sql) && VARIES_PER_RUN.test(sql)) return nothing;
  const version = sqliteVersion();
  if (version === undefined) return nothing;
  // The library's version is in the key: a template is a file written by one SQLite.
  const cacheFile = path.join(cacheDir, `${PREFIX}${shortHash(`${version}\0${sql}`)}.sqlite`);
  let usable = fs.existsSync(cacheFile);
  const damage = usable ? damagedTemplate(cacheFile) : undefined;
  if (damage !== undefined) {
    usable = false;
    warn(
      `mocha-isolation: the cached template database "${path.relative(process.cwd(), cacheFile)}" is damaged (${damage}): built from the schema instead, and replaced.`,
    );
  }
  return {
    file: usable ? cacheFile : undefined,
    keep(template) {
      writeCacheFile(
        cacheDir,
        cacheFile,
        (temporary) => fs.copyFileSync(template, temporary),
        (name) => name.startsWith(PREFIX) && name.endsWith('.sqlite'),
      );
    },
  };
}

/** better-sqlite3's version, read without loading it; undefined if it is not installed (the build then says so). */
function sqliteVersion(): string | undefined {
  try {
    const manifest = require.resolve('better-sqlite3/package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
