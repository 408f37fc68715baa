import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { removeWork, runFixture, titles, type FixtureResult } from './support/run-fixture';

async function run(options: Parameters<typeof runFixture>[1]): Promise<FixtureResult> {
  const result = await runFixture('order', options);
  removeWork(result);
  expect(result.failures).to.deep.equal([]);
  expect(result.passes).to.have.length(27);
  return result;
}

/** The typed arguments less what runFixture adds itself (mode, jobs, reporter and its output file). */
function withoutRunnerFlags(args: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (['--jobs', '--reporter', '--reporter-option'].includes(arg)) i++;
    else if (!['--no-parallel', '--parallel'].includes(arg)) kept.push(arg);
  }
  return kept;
}

/** The order of tests inside each file; in parallel mode files finish in any order, so compare per file. */
function perFile(result: FixtureResult): Record<string, string[]> {
  const order: Record<string, string[]> = {};
  for (const test of result.tests) (order[test.file.split('/').pop() as string] ??= []).push(test.fullTitle);
  return order;
}

describe('seeded order (fixtures/order)', () => {
  it('prints the seed in one line on stderr with the command that reproduces the run, and nothing on stdout', async () => {
    const result = await run({ mode: 'parallel', env: { ISOLATION_DB_RESET: 'delete' } });
    const lines = result.stderr.split('\n').filter((line) => line.includes('seed'));
    expect(lines).to.have.length(1);
    const seed = /seed (\d+),/.exec(lines[0] as string)?.[1];
    // The fixture runner points ISOLATION_DURATIONS at a cache of its own: it changes the order, so it is printed.
    // Variables exported in the shell that runs this suite may come first (command-variables.ts).
    expect(lines[0]).to.match(
      new RegExp(
        `Reproduce: (\\S+=\\S+ )*ISOLATION_DURATIONS=\\S+ ISOLATION_DB_RESET=delete ISOLATION_SEED=${seed} npx mocha --parallel --jobs 2 --reporter json`,
      ),
    );
    expect(result.stdout).to.equal('');
  });

  it('prints a reproduce line that reproduces, also when mocha re-spawns itself for a node option', async () => {
    for (const mode of ['serial', 'parallel'] as const) {
      const first = await runFixture('order', { mode, args: ['--node-option', 'enable-source-maps'], env: { ISOLATION_DURATIONS: 'off' } });
      removeWork(first);
      const line = /Reproduce: (.*)$/m.exec(first.stderr)?.[1] ?? '';
      const [variables = '', typed = ''] = line.split(' npx mocha ');
      expect(typed.split(' ')).to.include.members(['--node-option', 'enable-source-maps']);
      const printed = Object.fromEntries(variables.split(' ').map((pair) => pair.split('=') as [string, string]));
      // Variables exported in the shell that runs this suite may come first (command-variables.ts).
      expect(printed).to.include.keys('ISOLATION_SEED', 'ISOLATION_DURATIONS');
      const env = printed;
      // Run exactly what it printed (the fixture runner adds its mode and reporter flags again, which is the same).
      const again = await runFixture('order', { mode, args: withoutRunnerFlags(typed.split(' ')), env });
      removeWork(again);
      expect(perFile(again)).to.deep.equal(perFile(first));
    }
  });

  it('leaves stdout to the reporter: --reporter json writes JSON only', async () => {
    for (const mode of ['serial', 'parallel'] as const) {
      const result = await runFixture('order', { mode, reporter: 'json' });
      removeWork(result);
      expect((JSON.parse(result.stdout) as { stats: { passes: number } }).stats.passes).to.equal(27);
      expect(result.stderr).to.contain('mocha-isolation: seed');
    }
  });

  it('gives the same order for the same seed, serial and parallel, and another for another seed', async () => {
    const first = perFile(await run({ mode: 'serial', seed: 12345 }));
    const again = perFile(await run({ mode: 'serial', seed: 12345 }));
    const parallel = perFile(await run({ mode: 'parallel', seed: 12345 }));
    const other = perFile(await run({ mode: 'serial', seed: 54321 }));
    expect(again).to.deep.equal(first);
    expect(parallel).to.deep.equal(first);
    expect(other).not.to.deep.equal(first);
  });

  it('shuffles the files of a serial run by the seed', async () => {
    const files = async (seed: number) => [...new Set((await run({ mode: 'serial', seed })).tests.map((t) => t.file.split('/').pop()))];
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) orders.add((await files(seed)).join());
    expect(orders.size).to.be.greaterThan(1);
    expect(await files(3)).to.deep.equal(await files(3));
  });

  it('keeps the declared order when shuffling is off', async () => {
    const result = await run({ mode: 'serial', env: { ISOLATION_SHUFFLE: 'off' } });
    expect(result.tests.slice(0, 9).map((t) => t.title)).to.deep.equal([
      'one test 1',
      'one test 2',
      'one test 3',
      'one test 4',
      'one test 5',
      'one test 6',
      'one nested 1',
      'one nested 2',
      'one nested 3',
    ]);
    expect(result.stderr).to.contain('declared order (ISOLATION_SHUFFLE=off)');
  });

  it('runs only the files named on the command line, once', async () => {
    const result = await runFixture('order', { mode: 'parallel', args: ['two.spec.ts'] });
    removeWork(result);
    expect(result.passes).to.have.length(9);
    expect(new Set(result.tests.map((t) => t.file.split('/').pop()))).to.deep.equal(new Set(['two.spec.ts']));
  });
});

describe('the plugin’s own hooks in parallel mode (fixtures/order)', () => {
  it('keeps their events out of the main process, and the project’s hooks in', async () => {
    const result = await runFixture('order', { mode: 'parallel', reporter: './hook-events-reporter.cjs' });
    const seen = JSON.parse(fs.readFileSync(path.join(result.outDir, 'hooks.json'), 'utf8')) as string[];
    removeWork(result);
    expect(result.code).to.equal(0);
    expect(seen.filter((title) => title.includes('userHook'))).to.have.length(9);
    expect(seen.filter((title) => /hook: (beforeEach|afterEach)\b/.test(title))).to.deep.equal([]);
    // The once-per-file hooks are kept: they cost nothing per test.
    expect(seen.filter((title) => title.startsWith('"before all" hook: beforeAll'))).to.have.length(3);
  });

  it("sends every event mocha's own way with ISOLATION_WORKER_STREAM=mocha, with the same results", async () => {
    const packed = await runFixture('order', { mode: 'parallel', seed: 5 });
    const own = await runFixture('order', { mode: 'parallel', seed: 5, env: { ISOLATION_WORKER_STREAM: 'mocha' } });
    const ownHooks = await runFixture('order', {
      mode: 'parallel',
      seed: 5,
      env: { ISOLATION_WORKER_STREAM: 'mocha' },
      reporter: './hook-events-reporter.cjs',
    });
    const seen = JSON.parse(fs.readFileSync(path.join(ownHooks.outDir, 'hooks.json'), 'utf8')) as string[];
    for (const result of [packed, own, ownHooks]) removeWork(result);
    expect(own.code).to.equal(0);
    expect(titles(own.passes).sort()).to.deep.equal(titles(packed.passes).sort());
    expect(own.passes).to.have.length(packed.passes.length);
    // mocha's way: the plugin's per-test hooks reach the main process like any other hook.
    expect(seen.filter((title) => /hook: (beforeEach|afterEach)\b/.test(title)).length).to.be.greaterThan(0);
  });

  it('refuses another ISOLATION_WORKER_STREAM, naming the value and the two it takes', async () => {
    const result = await runFixture('order', { mode: 'parallel', env: { ISOLATION_WORKER_STREAM: 'fast' } });
    removeWork(result);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('"ISOLATION_WORKER_STREAM" must be packed or mocha, got "fast"');
  });
});

describe('shuffle levels and ordered describes (fixtures/ordered-steps, fixtures/order)', () => {
  const stepsOf = (result: FixtureResult) => result.tests.filter((t) => t.title.startsWith('step')).map((t) => t.title);
  const checksOf = (result: FixtureResult) => result.tests.filter((t) => t.title.startsWith('check')).map((t) => t.title);

  it('breaks ordered steps when they are shuffled without the marker', async () => {
    const failures = [];
    for (const seed of [1, 2, 3]) {
      const result = await runFixture('ordered-steps', { mode: 'serial', seed, env: { FIXTURE_NO_MARKER: '1' } });
      removeWork(result);
      failures.push(result.failures.length);
    }
    expect(failures.some((count) => count > 0)).to.equal(true);
  });

  for (const mode of ['serial', 'parallel'] as const) {
    it(`keeps a describe titled @ordered in declared order while the rest is shuffled (${mode})`, async () => {
      const checkOrders = new Set<string>();
      for (const seed of [1, 2, 3]) {
        const result = await runFixture('ordered-steps', { mode, seed });
        removeWork(result);
        expect(result.failures.map((f) => f.err.message)).to.deep.equal([]);
        expect(stepsOf(result)).to.deep.equal(['step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
        checkOrders.add(checksOf(result).join());
      }
      expect(checkOrders.size).to.be.greaterThan(1);
    });
  }

  it('keeps tests in declared order with ISOLATION_SHUFFLE=suites, and says so', async () => {
    const result = await runFixture('ordered-steps', {
      mode: 'serial',
      seed: 2,
      env: { ISOLATION_SHUFFLE: 'suites', FIXTURE_NO_MARKER: '1' },
    });
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    expect(checksOf(result)).to.deep.equal(['check 1', 'check 2', 'check 3', 'check 4', 'check 5']);
    expect(result.stderr).to.contain('files shuffled, suites shuffled, tests in declared order');
  });

  it('orders only files with ISOLATION_SHUFFLE=files', async () => {
    const declared = perFile(await run({ mode: 'serial', env: { ISOLATION_SHUFFLE: 'off' } }));
    const fileOrders = new Set<string>();
    for (const seed of [1, 2, 3, 4]) {
      const result = await run({ mode: 'serial', seed, env: { ISOLATION_SHUFFLE: 'files' } });
      expect(perFile(result)).to.deep.equal(declared);
      fileOrders.add([...new Set(result.tests.map((t) => t.file))].join());
      expect(result.stderr).to.contain('files shuffled, suites and tests in declared order');
    }
    expect(fileOrders.size).to.be.greaterThan(1);
  });

  it('says when files named on the command line keep their order', async () => {
    const result = await runFixture('order', { mode: 'serial', args: ['two.spec.ts', 'one.spec.ts'] });
    removeWork(result);
    expect(result.stderr).to.contain('files in the order named, suites and tests shuffled');
  });
});
