import { expect } from 'chai';
import { describeReason } from '../../hooks/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV, parseConfig, parseLeakPolicies } from '../../hooks/config';
import { createNameWatch } from '../../hooks/worker/leaks/name-watch';
import { smallestFailingSet } from '../../hooks/cli/bisect';
import { ERROR_CODES } from '../../hooks/errors';
import { buildMochaConfig } from '../../hooks/main/define-config';
import { describeOrder, formatSeedLine } from '../../hooks/main/invocation/seed-line';
import { shuffle } from '../../hooks/shared/shuffle';
import { Scope } from '../../hooks/worker/scope';
import { REPO, fixtureDir } from './support/run-fixture';
import { hookImports, listHookFiles, wrongWayImports } from './support/hook-layers';
import { shellCommand, shellQuote } from '../../hooks/shared/shell-quote';
import { MOCHA_PATCHES, patchMocha } from '../../hooks/shared/mocha-patches';
import { spawnSync } from 'node:child_process';

describe('shuffle', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);

  it('returns a permutation and leaves its input alone', () => {
    const result = shuffle(items, 7);
    expect(result.slice().sort((a, b) => a - b)).to.deep.equal(items);
    expect(result).not.to.deep.equal(items);
  });

  it('is a function of the seed and the key only', () => {
    expect(shuffle(items, 7, 'k')).to.deep.equal(shuffle(items, 7, 'k'));
    expect(shuffle(items, 8, 'k')).not.to.deep.equal(shuffle(items, 7, 'k'));
    expect(shuffle(items, 7, 'other')).not.to.deep.equal(shuffle(items, 7, 'k'));
  });
});

describe('the teardowns of a scope', () => {
  const info = { title: 't', file: undefined, serial: false };

  it('run newest first, every one even after a failure, and rethrow the first error', () => {
    const scope = new Scope('test', info);
    const ran: string[] = [];
    scope.defer(() => ran.push('oldest'));
    scope.defer(() => {
      ran.push('middle');
      throw new Error('middle failed');
    });
    scope.defer(() => ran.push('newest'));
    expect(() => scope.close()).to.throw('middle failed');
    expect(ran).to.deep.equal(['newest', 'middle', 'oldest']);
  });

  it("await a teardown's promise before running the next, and stay synchronous without one", async () => {
    const scope = new Scope('test', info);
    const ran: string[] = [];
    scope.defer(() => ran.push('after the promise'));
    scope.defer(() => new Promise<void>((resolve) => setTimeout(() => resolve(void ran.push('promise settled')), 20)));
    const closing = scope.close();
    expect(ran).to.deep.equal([]);
    await closing;
    expect(ran).to.deep.equal(['promise settled', 'after the promise']);
    const sync = new Scope('test', info);
    sync.defer(() => undefined);
    expect(sync.close()).to.equal(undefined);
  });
});

describe('parseConfig', () => {
  it('reads defaults from an empty environment', () => {
    expect(parseConfig({})).to.deep.equal({
      config: {
        seed: undefined,
        shuffle: 'tests',
        schemaPath: undefined,
        dbEnv: undefined,
        tmpdir: undefined,
        leaks: parseLeakPolicies('report').policies,
        dbReset: 'auto',
        env: 'touched',
        rejections: 'fail',
        modules: 'worker',
        keepModules: [],
        runDir: undefined,
        durations: '.mocha-isolation/durations.json',
        report: '.mocha-isolation/report.html',
        shard: undefined,
        workerId: undefined,
        workerEvents: undefined,
        workerStream: 'packed',
      },
      problems: [],
    });
  });

  it('reports every bad value at once, naming each', () => {
    const { problems } = parseConfig({
      ISOLATION_SEED: '-1',
      ISOLATION_SHUFFLE: 'sometimes',
      ISOLATION_DB_ENV: 'not a name',
      ISOLATION_LEAKS: 'loud',
      ISOLATION_SEDE: '1',
      ISOLATION_ENV: 'paranoid',
      ISOLATION_REJECTIONS: 'ignore',
    });
    expect(problems).to.have.length(7);
    expect(problems.join('\n')).to.contain('"ISOLATION_REJECTIONS" (isolation.rejections) must be fail or report, got "ignore".');
    expect(problems.join('\n'))
      .to.contain('got "-1"')
      .and.contain('got "sometimes"')
      .and.contain('got "not a name"')
      .and.contain('got "loud"')
      .and.contain('"ISOLATION_SEDE"')
      .and.contain('"ISOLATION_ENV" (isolation.env) must be strict or touched, got "paranoid".');
  });

  it('accepts the largest seed and refuses one above it', () => {
    expect(parseConfig({ ISOLATION_SEED: '4294967295' }).config.seed).to.equal(4294967295);
    expect(parseConfig({ ISOLATION_SEED: '4294967296' }).problems).to.have.length(1);
  });
});

describe('leak policies (ISOLATION_LEAKS)', () => {
  it('takes a policy for every category, then exceptions by category', () => {
    const { policies, problem } = parseLeakPolicies('fail, rows=off ,tempFiles=report');
    expect(problem).to.equal(undefined);
    expect(policies).to.include({ env: 'fail', globals: 'fail', rows: 'off', tempFiles: 'report' });
    expect(parseLeakPolicies('warn').policies.handles).to.equal('report');
    expect(Object.values(parseLeakPolicies('off').policies)).to.deep.equal(Array(9).fill('off'));
  });

  it('names every item it does not understand, with the categories', () => {
    const { problem } = parseLeakPolicies('report,cookies=off,env=sometimes');
    expect(problem).to.contain('not understood: "cookies=off", "env=sometimes"').and.contain('Categories: env, fakes, rows, tempFiles');
  });
});

describe('the name watch of the leak report', () => {
  it('names what a test added once, skips what hooks added between describes, and names that at the file end', () => {
    const names = new Set(['a']);
    const watch = createNameWatch({ fingerprint: () => names.size, names: () => [...names] });
    watch.fileStarted();
    names.add('by-test');
    expect(watch.added()).to.deep.equal(['by-test']);
    expect(watch.added()).to.deep.equal([]);
    names.add('by-before-hook');
    watch.resync();
    expect(watch.added()).to.deep.equal([]);
    expect(watch.fileEnded()).to.deep.equal(['by-before-hook']);
  });
});

describe('smallestFailingSet (the bisector without the one-polluter assumption)', () => {
  const search = async (size: number, guilty: number[]): Promise<{ found: number[]; runs: number }> => {
    let runs = 0;
    const items = Array.from({ length: size }, (_, i) => i + 1);
    const found = await smallestFailingSet(items, [], async (subset) => {
      runs += 1;
      return guilty.every((item) => subset.includes(item));
    });
    return { found, runs };
  };

  it('finds one culprit in about 2 log2(n) runs, and two that are guilty only together', async () => {
    const one = await search(32, [21]);
    expect(one.found).to.deep.equal([21]);
    expect(one.runs).to.be.at.most(2 * 5);
    const two = await search(32, [3, 28]);
    expect(two.found).to.deep.equal([3, 28]);
    expect(two.runs).to.be.at.most(4 * 5);
    expect((await search(32, [5, 6, 30])).found).to.deep.equal([5, 6, 30]);
  });
});

describe('buildMochaConfig', () => {
  const context = (argv: string[], env: Record<string, string | undefined> = {}) => ({
    argv,
    env,
    cwd: fixtureDir('order'),
    cpus: 6,
    print: () => undefined,
  });

  it('runs in parallel with one worker per CPU and a seeded, published file order', () => {
    const env: Record<string, string | undefined> = { ISOLATION_SEED: '99' };
    const config = buildMochaConfig({ spec: '*.spec.ts', extension: ['ts'] }, context([], env));
    expect(config).to.include({ parallel: true, jobs: 6 });
    expect((config.spec as string[]).slice().sort()).to.deep.equal(['one.spec.ts', 'three.spec.ts', 'two.spec.ts']);
    expect(buildMochaConfig({ spec: '*.spec.ts', extension: ['ts'] }, context([], { ISOLATION_SEED: '99' })).spec).to.deep.equal(
      config.spec,
    );
    expect(env.ISOLATION_SEED).to.equal('99');
  });

  it('leaves spec out when files are named on the command line, so mocha runs only those', () => {
    const config = buildMochaConfig({ spec: '*.spec.ts' }, context(['--grep', 'x', 'two.spec.ts']));
    expect(config).not.to.have.property('spec');
  });

  it('publishes the isolation options as environment variables, which win over the config file', () => {
    const env: Record<string, string | undefined> = { ISOLATION_DB_ENV: 'FROM_ENV' };
    buildMochaConfig({ spec: '*.spec.ts', isolation: { schema: 'schema.sql', dbEnv: 'FROM_CONFIG', dbReset: 'delete' } }, context([], env));
    expect(env.ISOLATION_SCHEMA).to.equal(path.join(fixtureDir('order'), 'schema.sql'));
    expect(env.ISOLATION_DB_ENV).to.equal('FROM_ENV');
    expect(env.ISOLATION_DB_RESET).to.equal('delete');
  });

  it('refuses a database reset mode it does not know, naming the value and both choices', () => {
    expect(() => buildMochaConfig({ spec: '*.spec.ts', isolation: { dbReset: 'truncate' as 'delete' } }, context([], {})))
      .to.throw('"ISOLATION_DB_RESET" (isolation.dbReset) must be auto or delete, got "truncate"')
      .with.property('code', 'ERR_ISOLATION_CONFIG');
  });

  it('refuses unknown isolation options and bad job counts together', () => {
    expect(() =>
      buildMochaConfig({ spec: '*.spec.ts', jobs: 0, isolation: { schema: 'a.sql', dbPath: 'x' } as object }, context(['-j', '1.5'])),
    )
      .to.throw('mocha-isolation found 3 configuration problems')
      .with.property('code', 'ERR_ISOLATION_CONFIG');
  });
});

describe('seed line', () => {
  const typed = (args: string[], env: Record<string, string> = {}) => ({ ISOLATION_COMMAND: JSON.stringify({ args, env }) });

  it('quotes arguments the shell would split', () => {
    expect(
      formatSeedLine(
        5,
        'tests',
        { ISOLATION_COMMAND: JSON.stringify({ args: ['--grep', 'two words'], env: {}, files: 'shuffled' }) },
        ['node', 'cli.js'],
        [],
      ),
    ).to.equal(
      "mocha-isolation: seed 5, files shuffled, suites and tests shuffled. Reproduce: ISOLATION_SEED=5 npx mocha --grep 'two words'",
    );
  });

  it('carries the variables that change how a test ends (leaks, fresh modules, the strict environment), as typed', () => {
    const env = { ISOLATION_LEAKS: 'fail', ISOLATION_MODULES: 'file', ISOLATION_ENV: 'strict', ISOLATION_SCHEMA: 'ignored.sql' };
    expect(formatSeedLine(3, 'tests', env, ['node', 'mocha', 'test/a.spec.ts'], [])).to.equal(
      "mocha-isolation: seed 3, files in mocha's order (no defineConfig), suites and tests shuffled. Reproduce: ISOLATION_LEAKS=fail ISOLATION_MODULES=file ISOLATION_ENV=strict ISOLATION_SEED=3 npx mocha test/a.spec.ts",
    );
  });

  it("prints the command the user typed, not the re-spawned child's, with the variables that change the order", () => {
    const env = {
      ...typed(['--node-option', 'enable-source-maps', '--config', 'ci.mocharc.cjs'], { ISOLATION_SHARD: '2/4', ISOLATION_SHUFFLE: 'off' }),
    };
    expect(
      formatSeedLine(7, 'off', env, ['node', '/p/mocha/lib/cli/cli.js', '--config', 'ci.mocharc.cjs'], ['--enable-source-maps']),
    ).to.equal(
      'mocha-isolation: seed 7, declared order (ISOLATION_SHUFFLE=off). Reproduce: ISOLATION_SHARD=2/4 ISOLATION_SHUFFLE=off ISOLATION_SEED=7 npx mocha --node-option enable-source-maps --config ci.mocharc.cjs',
    );
  });

  it('without the config helper, rebuilds the typed command from a re-spawned child: node flags become --node-option', () => {
    expect(
      formatSeedLine(
        9,
        'tests',
        { ISOLATION_DURATIONS: 'off' },
        ['node', '/p/mocha/lib/cli/cli.js', 'test/a.spec.js'],
        ['--enable-source-maps'],
      ),
    ).to.equal(
      "mocha-isolation: seed 9, files in mocha's order (no defineConfig), suites and tests shuffled. Reproduce: ISOLATION_DURATIONS=off ISOLATION_SEED=9 npx mocha --node-option enable-source-maps test/a.spec.js",
    );
  });

  it('says exactly what each shuffle level shuffles', () => {
    expect(describeOrder('suites', 'shuffled')).to.equal('files shuffled, suites shuffled, tests in declared order');
    expect(describeOrder('files', 'named')).to.equal('files in the order named, suites and tests in declared order');
    expect(describeOrder('off', 'declared')).to.equal('declared order (ISOLATION_SHUFFLE=off)');
  });

  it('records the typed command once, in the first process, before the config publishes its own options', () => {
    const env: Record<string, string | undefined> = { ISOLATION_SHUFFLE: 'off' };
    buildMochaConfig(
      { spec: '*.spec.ts', isolation: { dbReset: 'delete' } },
      { argv: ['--grep', 'x'], env, cwd: fixtureDir('order'), cpus: 2, print: () => undefined },
    );
    expect(JSON.parse(env.ISOLATION_COMMAND as string)).to.deep.equal({
      args: ['--grep', 'x'],
      env: { ISOLATION_SHUFFLE: 'off' },
      files: 'declared',
    });
  });
});

describe('the plugin package', () => {
  it('documents every variable it reads in docs/environment-variables.md', () => {
    const reference = fs.readFileSync(path.join(REPO, 'docs/environment-variables.md'), 'utf8');
    const missing = Object.values(ENV).filter((name) => !new RegExp(`^\\| [^|]*\`${name}\``, 'm').test(reference));
    expect(missing).to.deep.equal([]);
  });

  it('documents every error code in the error table (docs/errors.md)', () => {
    const readme = fs.readFileSync(path.join(REPO, 'docs/errors.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).to.match(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  // The folder says which process the code runs in, and imports go one way only (like Playwright's DEPS.list):
  // main-process code never runs in a worker, worker code never reaches into the main process, the command
  // (cli/) sits on top of the main process's code and nothing imports it. Every import counts, type-only ones too.
  const hookFiles = listHookFiles(path.join(REPO, 'hooks'));

  it('imports nothing from src/ or test/ (it must stay generic)', () => {
    expect(hookFiles.length).to.be.greaterThan(10);
    const outside = hookImports(path.join(REPO, 'hooks'), hookFiles).filter((edge) => edge.to.startsWith('..'));
    expect(outside.map((edge) => `${edge.from} imports ${edge.spec}`)).to.deep.equal([]);
  });

  it('imports in one direction only, between the folders DEPS lists, type imports included', () => {
    expect(wrongWayImports(path.join(REPO, 'hooks'), hookFiles)).to.deep.equal([]);
  });

  it('refuses a planted wrong-way import: a value, a type-only import and an import() type', () => {
    const planted = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    try {
      fs.cpSync(path.join(REPO, 'hooks'), planted, { recursive: true });
      const plant = (file: string, line: string) => fs.appendFileSync(path.join(planted, file), `\n${line}\n`);
      plant('worker/leaks/leak-watch.ts', "import { setUpRun } from '../../main/run-setup';");
      plant('shared/run-layout.ts', "import type { WorkerState } from '../worker/worker-state';");
      plant('main/run-teardown.ts', "type Bisect = typeof import('../cli/bisect');");
      expect(wrongWayImports(planted, listHookFiles(planted))).to.deep.equal([
        'main/run-teardown.ts (main) imports ../cli/bisect (cli)',
        'shared/run-layout.ts (shared) imports ../worker/worker-state (worker)',
        'worker/leaks/leak-watch.ts (worker/leaks) imports ../../main/run-setup (main)',
      ]);
    } finally {
      fs.rmSync(planted, { recursive: true, force: true });
    }
  });

  it('ends a run from what its owner kept: the teardown reads no process.env and parses no config', () => {
    const teardown = fs.readFileSync(path.join(REPO, 'hooks/main/run-teardown.ts'), 'utf8');
    expect(teardown.match(/process\.env|parseConfig\(/g) ?? []).to.deep.equal([]);
  });

  it('has no side effects on import: no env, no files, no listeners', () => {
    const before = { env: { ...process.env }, exit: process.listenerCount('exit'), sigint: process.listenerCount('SIGINT') };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, between the two looks, to see what loading it does
    require('../../hooks');
    expect({ env: { ...process.env }, exit: process.listenerCount('exit'), sigint: process.listenerCount('SIGINT') }).to.deep.equal(before);
  });
});

describe('shellQuote (every printed command)', () => {
  it('gives back each word exactly when a POSIX shell reads it', () => {
    const words = [
      `Handles 'as const' style enums`,
      'costs $5 (or `more`)',
      '^(a|b)$ [x] \\d+ *?',
      'two\nlines',
      '',
      'plain-word_1.ts',
      `it's "quoted"`,
    ];
    const script = `for w in ${words.map(shellQuote).join(' ')}; do printf '%s\\0' "$w"; done`;
    const run = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(run.stdout.split('\0').slice(0, -1)).to.deep.equal(words);
  });

  it('leaves plain words and paths unquoted, so printed commands stay readable', () => {
    expect(shellCommand({ ISOLATION_SEED: '12' }, ['npx', 'mocha', 'test/a.spec.ts', '--grep', 'two words'])).to.equal(
      "ISOLATION_SEED=12 npx mocha test/a.spec.ts --grep 'two words'",
    );
  });
});

describe('how a rejection reason reads (describeReason)', () => {
  it('names an Error by name and message, says when it has none, and says a rejection had no reason', () => {
    expect(describeReason(new TypeError('bad'))).to.equal('TypeError: bad');
    expect(describeReason(new Error())).to.equal('Error (with no message)');
    expect(describeReason(undefined)).to.equal('undefined (rejected with no reason)');
    expect(describeReason('text')).to.equal('text');
  });
});

describe('patches to mocha (shared/mocha-patches.ts)', () => {
  it('says once per process, in one line, which patch cannot apply, why, and what the run does without it', () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    expect(patchMocha('poolExitTime', () => 'its workerpool has no pool()', print)).to.equal(false);
    expect(patchMocha('poolExitTime', () => 'its workerpool has no pool()', print)).to.equal(false);
    expect(
      patchMocha(
        'runnerUncaught',
        () => {
          throw new Error('boom');
        },
        print,
      ),
    ).to.equal(false);
    expect(patchMocha('loadFailures', () => undefined, print)).to.equal(true);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(
      /^mocha-isolation: cannot use workerpool's pool\(\) as mocha requires it on mocha \d+\.\d+\.\d+\S* \(its workerpool has no pool\(\)\), so a worker under coverage gets a minute to write its coverage before it is killed is off: workerpool kills/,
    );
    expect(lines[1]).to.include('cannot use Runner#uncaught').and.to.include('(boom)');
  });

  it('has a purpose and a fallback for every patch', () => {
    for (const [name, patch] of Object.entries(MOCHA_PATCHES)) {
      expect(patch.purpose.length, name).to.be.greaterThan(10);
      expect(patch.without.length, name).to.be.greaterThan(10);
    }
  });
});
