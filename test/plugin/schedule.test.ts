import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, fixtureDir, removeWork, runFixture, type FixtureResult } from './support/run-fixture';

const FILES = ['a-fast.spec.ts', 'b-fast.spec.ts', 'c-fast.spec.ts', 'z-slow.spec.ts'];

/** Files in the order their first test ended: with one worker, the order mocha dispatched them. */
function fileOrder(result: FixtureResult): string[] {
  return [...new Set(result.tests.map((t) => path.basename(t.file)))];
}

describe('duration scheduling and sharding (fixtures/schedule)', () => {
  let folder: string;
  let cache: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'schedule-cache-'));
    cache = path.join(folder, 'durations.json');
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  async function run(env: Record<string, string> = {}): Promise<FixtureResult> {
    const result = await runFixture('schedule', {
      mode: 'parallel',
      jobs: 1,
      env: { ISOLATION_SHUFFLE: 'off', ISOLATION_DURATIONS: cache, ...env },
    });
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    return result;
  }

  it('records every file’s duration, then dispatches the slow file first on the next run', async () => {
    const first = await run();
    expect(fileOrder(first)).to.deep.equal(FILES);
    const recorded = (JSON.parse(fs.readFileSync(cache, 'utf8')) as { files: Record<string, number> }).files;
    expect(Object.keys(recorded).sort()).to.deep.equal(FILES);
    expect(recorded['z-slow.spec.ts']).to.be.greaterThan(250);
    for (const fast of FILES.slice(0, 3)) expect(recorded[fast]).to.be.lessThan(recorded['z-slow.spec.ts'] as number);

    const second = await run();
    expect(fileOrder(second)[0]).to.equal('z-slow.spec.ts');
  });

  it('ignores the cache with ISOLATION_DURATIONS=off, and neither reads nor writes one', async () => {
    fs.writeFileSync(cache, JSON.stringify({ version: 1, files: { 'z-slow.spec.ts': 9999 } }));
    const before = fs.readFileSync(cache, 'utf8');
    const result = await runFixture('schedule', {
      mode: 'parallel',
      jobs: 1,
      env: { ISOLATION_SHUFFLE: 'off', ISOLATION_DURATIONS: 'off' },
    });
    removeWork(result);
    expect(fileOrder(result)).to.deep.equal(FILES);
    expect(fs.readFileSync(cache, 'utf8')).to.equal(before);
  });

  it('reports a damaged cache, runs anyway and rewrites it', async () => {
    fs.writeFileSync(cache, '{"version": 1, "files": {');
    const result = await run();
    expect(result.stderr).to.contain(`ignoring the duration cache "${cache}"`);
    expect(result.passes).to.have.length(12);
    expect(Object.keys((JSON.parse(fs.readFileSync(cache, 'utf8')) as { files: object }).files)).to.have.length(4);
  });

  it('splits the files into shards whose union is the suite, with no file twice', async () => {
    fs.writeFileSync(
      cache,
      JSON.stringify({ version: 1, files: { 'a-fast.spec.ts': 10, 'b-fast.spec.ts': 10, 'c-fast.spec.ts': 10, 'z-slow.spec.ts': 300 } }),
    );
    const first = await run({ ISOLATION_SHARD: '1/2' });
    const second = await run({ ISOLATION_SHARD: '2/2' });
    expect(fileOrder(first)).to.deep.equal(['z-slow.spec.ts']);
    expect(fileOrder(second).sort()).to.deep.equal(FILES.slice(0, 3));
    expect(first.stderr).to.contain('mocha-isolation: shard 1/2: 1 of 4 files');
    expect(first.passes.length + second.passes.length).to.equal(12);
  });

  it('plans every shard from the same cache: shards run one after another cover the suite once, then merge', async () => {
    for (const round of [1, 2]) {
      const files: string[] = [];
      for (const index of [1, 2, 3]) files.push(...fileOrder(await run({ ISOLATION_SHARD: `${index}/3` })));
      expect(files.sort(), `round ${round}`).to.deep.equal(FILES);
      // The shard runs wrote beside the cache, never into it.
      expect(fs.existsSync(cache), `round ${round}`).to.equal(round === 2);
      expect(
        fs
          .readdirSync(folder)
          .filter((name) => name.includes('.shard-'))
          .sort(),
      ).to.deep.equal([1, 2, 3].map((i) => `durations.shard-${i}-of-3.json`));
      const merge = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'merge-durations', cache], {
        encoding: 'utf8',
        cwd: fixtureDir('schedule'),
      });
      expect(merge.stderr).to.contain('merged 3 shard file(s)');
      // Beside the cache: the run record and the leak report, which are not durations.
      expect(fs.readdirSync(folder).filter((name) => name.startsWith('durations'))).to.deep.equal(['durations.json']);
      expect(Object.keys((JSON.parse(fs.readFileSync(cache, 'utf8')) as { files: object }).files).sort()).to.deep.equal(FILES);
    }
  });

  it('refuses a bad shard and a shard with files named on the command line', async () => {
    const bad = await runFixture('schedule', { mode: 'parallel', env: { ISOLATION_SHARD: '3/2' } });
    removeWork(bad);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('"ISOLATION_SHARD" must be "index/total"').and.contain('got "3/2"');
    const named = await runFixture('schedule', { mode: 'parallel', env: { ISOLATION_SHARD: '1/2' }, args: ['a-fast.spec.ts'] });
    removeWork(named);
    expect(named.code).to.equal(1);
    expect(named.stderr).to.contain('files were named on the command line (a-fast.spec.ts)');
  });

  it('prints one peak-RSS line per worker at the end of a parallel run', async () => {
    const result = await runFixture('schedule', { mode: 'parallel', jobs: 2 });
    removeWork(result);
    const lines = result.stderr.split('\n').filter((line) => line.includes('peak RSS'));
    expect(lines).to.have.length(2);
    for (const line of lines) expect(line).to.match(/^mocha-isolation: worker \d+ \(pid \d+\): peak RSS \d+\.\d MB, \d+ files?\.$/);
  });
});
