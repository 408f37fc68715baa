import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, parseShard } from '../../hooks/config';
import { buildMochaConfig } from '../../hooks/main/define-config';
import { readDurations, updateDurations } from '../../hooks/main/scheduling/duration-cache';
import { longestFirst } from '../../hooks/main/scheduling/longest-first';
import { planShards } from '../../hooks/main/scheduling/shards';
import { createRandom } from '../../hooks/shared/shuffle';
import { fixtureDir } from './support/run-fixture';

/** 60 files with durations from a seeded generator: varied, but no single file dominating. */
function syntheticDurations(count: number, seed: number): Map<string, number> {
  const random = createRandom(seed);
  return new Map(
    Array.from({ length: count }, (_, i) => [`spec/file-${String(i).padStart(3, '0')}.spec.ts`, Math.round(50 + random() * 950)]),
  );
}

describe('longestFirst', () => {
  it('puts files never measured first, in the given order, then the rest longest first, ties in the given order', () => {
    const durations = new Map([
      ['b', 10],
      ['c', 300],
      ['d', 10],
      ['e', 50],
    ]);
    expect(longestFirst(['d', 'x', 'b', 'c', 'y', 'e'], durations)).to.deep.equal(['x', 'y', 'c', 'e', 'd', 'b']);
  });
});

describe('planShards', () => {
  const durations = syntheticDurations(60, 11);
  const files = [...durations.keys()];

  for (const total of [2, 3, 4, 7]) {
    it(`splits 60 files into ${total} shards: union is the suite, no overlap, loads within 10%`, () => {
      const plan = planShards(files, durations, total);
      const all = plan.shards.flat();
      expect(all.slice().sort()).to.deep.equal(files.slice().sort());
      expect(new Set(all).size).to.equal(all.length);
      const loads = plan.shards.map((shard) => shard.reduce((sum, file) => sum + (durations.get(file) ?? 0), 0));
      expect(Math.max(...loads) / Math.min(...loads)).to.be.at.most(1.1);
    });
  }

  it('does not depend on the order files are listed in (every CI job computes the same split)', () => {
    const reversed = files.slice().reverse();
    expect(planShards(reversed, durations, 4)).to.deep.equal(planShards(files, durations, 4));
  });

  it('balances by file count when no duration is recorded, and estimates new files at the median', () => {
    const plan = planShards(files, new Map(), 4);
    expect(plan.shards.map((shard) => shard.length)).to.deep.equal([15, 15, 15, 15]);
    expect(plan.known).to.equal(0);
    const partly = planShards([...files, 'spec/new.spec.ts'], durations, 3);
    expect(partly.known).to.equal(60);
    expect(partly.shards.flat()).to.include('spec/new.spec.ts');
  });

  it('gives an empty shard rather than splitting a file when there are more shards than files', () => {
    const plan = planShards(['a', 'b'], new Map(), 3);
    expect(plan.shards).to.deep.equal([['a'], ['b'], []]);
  });
});

describe('parseShard and ISOLATION_DURATIONS', () => {
  it('reads index/total and refuses anything else', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, total: 4 });
    expect(parseShard(' 1 / 1 ')).to.deep.equal({ index: 1, total: 1 });
    for (const bad of ['0/4', '5/4', '1', '1/0', 'a/b', '-1/2', '1.5/2']) expect(parseShard(bad), bad).to.equal(undefined);
    expect(parseConfig({ ISOLATION_SHARD: '5/4' }).problems[0]).to.contain('got "5/4"');
  });

  it('turns the cache off with off/0/false, and takes any other value as its path', () => {
    expect(parseConfig({ ISOLATION_DURATIONS: 'off' }).config.durations).to.equal(undefined);
    expect(parseConfig({ ISOLATION_DURATIONS: 'false' }).config.durations).to.equal(undefined);
    expect(parseConfig({ ISOLATION_DURATIONS: 'ci/durations.json' }).config.durations).to.equal('ci/durations.json');
  });
});

describe('the duration cache', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'durations-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('averages a new measurement with the recorded one, drops files that are gone, and leaves no partial file', () => {
    fs.writeFileSync(path.join(folder, 'a.spec.ts'), '');
    fs.writeFileSync(path.join(folder, 'b.spec.ts'), '');
    const cache = path.join(folder, 'cache', 'durations.json');
    updateDurations(
      cache,
      new Map([
        ['a.spec.ts', 100],
        ['gone.spec.ts', 5],
      ]),
      folder,
    );
    updateDurations(
      cache,
      new Map([
        ['a.spec.ts', 200],
        ['b.spec.ts', 40],
      ]),
      folder,
    );
    expect(Object.fromEntries(readDurations(cache, () => undefined))).to.deep.equal({ 'a.spec.ts': 150, 'b.spec.ts': 40 });
    expect(fs.readdirSync(path.dirname(cache))).to.deep.equal(['durations.json']);
  });

  it('warns about a damaged cache, naming it, and plans as if there were none', () => {
    const cache = path.join(folder, 'durations.json');
    fs.writeFileSync(cache, JSON.stringify({ version: 2, files: {} }));
    const warnings: string[] = [];
    expect(readDurations(cache, (line) => warnings.push(line)).size).to.equal(0);
    expect(warnings[0]).to.contain(cache).and.contain('"version": 1');
  });
});

describe('buildMochaConfig with a duration cache (fixtures/schedule)', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'durations-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  function build(argv: string[], env: Record<string, string>): { spec: string[]; lines: string[] } {
    const lines: string[] = [];
    const config = buildMochaConfig(
      { spec: '*.spec.ts', extension: ['ts'] },
      { argv, env, cwd: fixtureDir('schedule'), cpus: 2, print: (line) => lines.push(line) },
    );
    return { spec: config.spec as string[], lines };
  }

  it('dispatches the recorded slow file first in parallel, whatever the seed, and keeps the seeded order serially', () => {
    const cache = path.join(folder, 'durations.json');
    fs.writeFileSync(
      cache,
      JSON.stringify({ version: 1, files: { 'a-fast.spec.ts': 5, 'b-fast.spec.ts': 6, 'c-fast.spec.ts': 7, 'z-slow.spec.ts': 300 } }),
    );
    for (const seed of ['1', '2', '3']) {
      expect(build([], { ISOLATION_SEED: seed, ISOLATION_DURATIONS: cache }).spec).to.deep.equal([
        'z-slow.spec.ts',
        'c-fast.spec.ts',
        'b-fast.spec.ts',
        'a-fast.spec.ts',
      ]);
    }
    const serialOrders = new Set(
      ['1', '2', '3', '4', '5'].map((seed) => build(['--no-parallel'], { ISOLATION_SEED: seed, ISOLATION_DURATIONS: cache }).spec.join()),
    );
    expect(serialOrders.size).to.be.greaterThan(1);
  });

  it('keeps the seeded order without a cache', () => {
    const env = { ISOLATION_SEED: '4', ISOLATION_DURATIONS: path.join(folder, 'none.json') };
    expect(build([], env).spec).to.deep.equal(build(['--no-parallel'], env).spec);
  });

  it('keeps only this shard’s files and says so in one line', () => {
    const { spec, lines } = build([], { ISOLATION_SHARD: '2/2', ISOLATION_DURATIONS: 'off' });
    expect(spec.slice().sort()).to.deep.equal(['b-fast.spec.ts', 'z-slow.spec.ts']);
    expect(lines).to.deep.equal([
      'mocha-isolation: shard 2/2: 2 of 4 files, ~0.0 s expected (no recorded durations: split by file count).',
    ]);
  });
});
