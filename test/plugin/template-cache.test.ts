import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTemplateDatabase } from '../../hooks/main/template-database';
import { openDatabase } from '../../hooks/shared/sqlite';

// The last run's template for the same schema is copied instead of built (hooks/main/template-cache.ts).
describe('the template database cache (unit)', () => {
  let dir: string;
  let cacheDir: string;
  let schema: string;
  let runs = 0;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-cache-'));
    cacheDir = path.join(dir, 'cache');
    fs.mkdirSync(cacheDir);
    schema = path.join(dir, 'schema.sql');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One run's global setup: a new run folder, the template built (or copied) into it. */
  function build(sql: string): string {
    fs.writeFileSync(schema, sql);
    const runDir = path.join(dir, `run-${++runs}`);
    fs.mkdirSync(runDir);
    return buildTemplateDatabase(schema, runDir, cacheDir);
  }
  const tables = (file: string): string[] => {
    const db = openDatabase(file);
    try {
      return db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => row.name);
    } finally {
      db.close();
    }
  };
  const cached = (): string[] => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);

  it('keeps the template it built, and the next run with the same schema copies it instead of building', () => {
    const first = build('CREATE TABLE items (name TEXT);');
    expect(cached()).to.have.length(1);
    expect(cached()[0]).to.match(/^template-[0-9a-f]{16}\.sqlite$/);
    // The cached file is changed behind the plugin's back: a run that copies it shows the change.
    const marked = path.join(dir, 'marked.sqlite');
    const db = openDatabase(marked);
    db.exec('CREATE TABLE items (name TEXT); CREATE TABLE copied_from_cache (x);');
    db.close();
    fs.copyFileSync(marked, path.join(cacheDir, cached()[0] as string));
    expect(tables(first)).to.deep.equal(['items']);
    expect(tables(build('CREATE TABLE items (name TEXT);'))).to.deep.equal(['copied_from_cache', 'items']);
  });

  it('builds again for a changed schema, and keeps only the new one', () => {
    build('CREATE TABLE items (name TEXT);');
    const old = cached();
    const second = build('CREATE TABLE items (name TEXT); CREATE TABLE orders (id INTEGER);');
    expect(tables(second)).to.deep.equal(['items', 'orders']);
    expect(cached()).to.have.length(1).and.not.deep.equal(old);
  });

  it('never caches a schema that fills rows with values of its own run (random(), now)', () => {
    for (const sql of [
      'CREATE TABLE t (x); INSERT INTO t VALUES (random());',
      "CREATE TABLE t (x); INSERT INTO t VALUES (datetime('now'));",
      'CREATE TABLE t (x); INSERT INTO t VALUES (CURRENT_TIMESTAMP);',
    ]) {
      build(sql);
      build(sql);
      expect(cached(), sql).to.deep.equal([]);
    }
    const value = (file: string): unknown => {
      const db = openDatabase(file);
      try {
        return db.prepare('SELECT x FROM t').get();
      } finally {
        db.close();
      }
    };
    const sql = 'CREATE TABLE t (x); INSERT INTO t VALUES (random());';
    expect(value(build(sql))).to.not.deep.equal(value(build(sql)));
  });

  it('caches a schema whose defaults say now: they are worked out when a test inserts, not in the template', () => {
    build('CREATE TABLE t (x, at TEXT DEFAULT CURRENT_TIMESTAMP);');
    expect(cached()).to.have.length(1);
  });

  it('stops on a broken schema as before, and caches nothing', () => {
    expect(() => build('CREATE TABLE (;')).to.throw(/failed to apply/);
    expect(cached()).to.deep.equal([]);
  });

  it('makes no cache folder: where none is, nothing is kept', () => {
    fs.rmSync(cacheDir, { recursive: true });
    expect(tables(build('CREATE TABLE items (name TEXT);'))).to.deep.equal(['items']);
    expect(fs.existsSync(cacheDir)).to.equal(false);
  });

  it('builds as usual where nothing can be cached', () => {
    fs.rmSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheDir, 'a file where the cache folder would be');
    expect(tables(build('CREATE TABLE items (name TEXT);'))).to.deep.equal(['items']);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
  });

  // Issue 19 §2: a damaged cache file never poisons later runs (before: every test of every later run failed
  // with "database disk image is malformed" until the file was deleted by hand).
  const DAMAGES: Array<[string, (good: Buffer) => Buffer]> = [
    ['cut short', (good) => good.subarray(0, good.length - 100)],
    ['emptied', () => Buffer.alloc(0)],
    ['overwritten with garbage', (good) => Buffer.from(good.map((_, i) => (i * 7919) % 256))],
    ['a whole page short', (good) => good.subarray(0, good.length - 4096)],
  ];
  for (const [damage, spoil] of DAMAGES) {
    it(`refuses a cached template ${damage}, says so in one line, builds it and replaces the cache`, () => {
      build('CREATE TABLE items (name TEXT); CREATE TABLE more (n INTEGER);');
      const [cacheFile] = cached();
      const good = fs.readFileSync(path.join(cacheDir, cacheFile as string));
      fs.writeFileSync(path.join(cacheDir, cacheFile as string), spoil(good));
      const lines: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((line: string) => lines.push(line) > 0) as typeof process.stderr.write;
      let template: string;
      try {
        template = build('CREATE TABLE items (name TEXT); CREATE TABLE more (n INTEGER);');
      } finally {
        process.stderr.write = write;
      }
      expect(tables(template)).to.deep.equal(['items', 'more']);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        new RegExp(
          `^mocha-isolation: the cached template database ".*${cacheFile as string}" is damaged \\(.+\\): built from the schema instead, and replaced\\.\\n$`,
        ),
      );
      expect(fs.readFileSync(path.join(cacheDir, cacheFile as string)).equals(good)).to.equal(true);
    });
  }
});
