import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './support/run-fixture';

// The loader the build's entry files use (hooks/bundle-loader.ts), in processes of their own: its cache is
// written when a process exits. A small stand-in bundle counts how often its body runs.
const LOADER = path.join(REPO, 'hooks', 'bundle-loader.ts');
const CACHE_FILE = /^fake-(main|worker)-[0-9a-f]{16}\.bin$/;

interface Loaded {
  status: number | null;
  stderr: string;
  result: { value?: number; sameAsRequire?: boolean; runs?: number; error?: string };
}

describe('the bundle loader and its code cache', function () {
  this.timeout(60_000);
  let dir: string;
  let bundle: string;
  let cache: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-loader-'));
    bundle = path.join(dir, 'fake.js');
    cache = path.join(dir, 'code-cache');
    writeBundle('exports.value = () => 42;');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeBundle(body: string): void {
    fs.writeFileSync(bundle, `globalThis.bodyRuns = (globalThis.bodyRuns || 0) + 1;\n${body}\n`);
  }

  /** Loads the bundle in a new process, as an entry file does (twice when `twice`), and says what it got. */
  function load(options: { hash?: string; env?: Record<string, string>; twice?: boolean } = {}): Loaded {
    const script = `
      const { loadBundle } = require(${JSON.stringify(LOADER)});
      const call = () => loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(options.hash ?? 'build-1')}, ${JSON.stringify(cache)});
      let result;
      try {
        const exported = call();
        result = { value: exported.value(), sameAsRequire: exported === require(${JSON.stringify(bundle)}), runs: globalThis.bodyRuns };
      } catch (error) {
        if (${options.twice === true}) { try { call(); } catch {} }
        result = { error: error.message, runs: globalThis.bodyRuns };
      }
      process.stdout.write(JSON.stringify(result));`;
    const env = { ...process.env, ...options.env };
    if (options.env?.MOCHA_WORKER_ID === undefined) delete env.MOCHA_WORKER_ID;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: REPO, env, encoding: 'utf8' });
    return { status: run.status, stderr: run.stderr, result: JSON.parse(run.stdout || '{}') };
  }

  const cacheFiles = (): string[] => (fs.existsSync(cache) ? fs.readdirSync(cache).sort() : []);
  const only = (role: 'main' | 'worker'): string => {
    const files = cacheFiles().filter((name) => name.includes(`-${role}-`));
    expect(files, `${role} caches in ${cacheFiles().join(', ')}`).to.have.length(1);
    return path.join(cache, files[0] as string);
  };

  it('gives what require gives (the same module object) and writes one cache file at exit, nothing temporary', () => {
    const first = load();
    expect(first.status, first.stderr).to.equal(0);
    expect(first.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
    expect(cacheFiles()).to.have.length(1);
    expect(cacheFiles()[0]).to.match(CACHE_FILE).and.contain('-main-');
  });

  it('uses the cache of the last run as it is: the next run does not write it again', () => {
    load();
    const file = only('main');
    const written = fs.statSync(file).mtimeMs;
    const second = load();
    expect(second.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
    expect(only('main')).to.equal(file);
    expect(fs.statSync(file).mtimeMs).to.equal(written);
  });

  it("keeps a cache per kind of process: a worker does not replace the main process's", () => {
    load();
    const main = only('main');
    const worker = load({ env: { MOCHA_WORKER_ID: '3' } });
    expect(worker.result.value).to.equal(42);
    expect(only('main')).to.equal(main);
    expect(only('worker')).to.match(/-worker-/);
  });

  it("starts afresh for a rebuilt bundle, and removes the old bundle's cache of that kind", () => {
    load();
    load({ env: { MOCHA_WORKER_ID: '1' } });
    const oldMain = only('main');
    const worker = only('worker');
    writeBundle('exports.value = () => 43;');
    const rebuilt = load({ hash: 'build-2' });
    expect(rebuilt.result).to.deep.equal({ value: 43, sameAsRequire: true, runs: 1 });
    expect(only('main')).to.not.equal(oldMain);
    expect(fs.existsSync(oldMain)).to.equal(false);
    expect(only('worker')).to.equal(worker);
  });

  it('does not run old code for a bundle edited after the build to the same length (same build hash)', () => {
    load();
    // What patch-package does to a file in node_modules: the build's hash is unchanged, V8 sees the same length.
    writeBundle('exports.value = () => 24;');
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(load().result.value).to.equal(24);
  });

  it('loads the bundle when the cache file is garbage, and replaces it', () => {
    load();
    const file = only('main');
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    const run = load();
    expect(run.status, run.stderr).to.equal(0);
    expect(run.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
    expect(fs.readFileSync(only('main')).equals(Buffer.alloc(4096, 7))).to.equal(false);
    expect(run.stderr).to.match(
      /^mocha-isolation: the code cache ".*main-[0-9a-f]+\.bin" was refused by V8 \(damaged\): the plugin loaded without it, and rewrites it\.\n$/,
    );
  });

  for (const [damage, content] of [
    ['emptied', Buffer.alloc(0)],
    ['cut short', undefined],
  ] as const) {
    it(`loads the bundle when the cache file was ${damage}, and replaces it`, () => {
      load();
      const file = only('main');
      const good = fs.readFileSync(file);
      fs.writeFileSync(file, content ?? good.subarray(0, Math.floor(good.length / 2)));
      const run = load();
      expect(run.status, run.stderr).to.equal(0);
      expect(run.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
      expect(fs.readFileSync(only('main')).length).to.equal(good.length);
    });
  }

  it('writes nothing where the project has no cache folder (a script that only imports the plugin)', () => {
    cache = path.join(dir, 'no-project-cache', 'code-cache');
    const run = load();
    expect(run.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
    expect(fs.existsSync(path.join(dir, 'no-project-cache'))).to.equal(false);
  });

  it('loads the bundle, silently, where no cache can be written', () => {
    fs.writeFileSync(cache, 'a file where the cache folder would be');
    const run = load();
    expect(run.status).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.result).to.deep.equal({ value: 42, sameAsRequire: true, runs: 1 });
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['code-cache', 'fake.js']);
  });

  it('lets a bundle that throws throw, and runs it again on the next load, as require does', () => {
    writeBundle('throw new Error("the bundle failed");');
    const run = load({ twice: true });
    expect(run.result).to.deep.equal({ error: 'the bundle failed', runs: 2 });
    expect(cacheFiles()).to.deep.equal([]);
  });
});
