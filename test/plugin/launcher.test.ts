import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectLauncher, type LaunchFacts, shellSplit } from '../../hooks/main/invocation/launcher';
import { commandVariables } from '../../hooks/main/invocation/command-variables';
import { shellCommand } from '../../hooks/shared/shell-quote';
import { REPO, fixtureDir } from './support/run-fixture';

// Issue 19 §4: every printed command, and every run replay and bisect make, starts mocha as the user did.
const MOCHA = path.join(REPO, 'node_modules/mocha/bin/mocha.js');
const facts = (overrides: Partial<LaunchFacts>): LaunchFacts => ({
  env: {},
  argv: ['/usr/bin/node', MOCHA],
  execArgv: [],
  cwd: REPO,
  parentArgv: ['-bash'],
  ...overrides,
});

describe('the launcher (unit)', () => {
  it('is none for plain `npx mocha`', () => {
    expect(detectLauncher(facts({}), ['--grep', 'x'])).to.equal(undefined);
  });

  it('is the process that started mocha with its flags, named as npx finds it (tsx)', () => {
    const parentArgv = [
      '/usr/bin/node',
      path.join(REPO, 'node_modules/.bin/tsx'),
      '--tsconfig=.config/tsconfig.mocha.json',
      'node_modules/mocha/bin/mocha.js',
      '--config',
      'x.json',
    ];
    expect(detectLauncher(facts({ parentArgv, execArgv: ['--require', '/p/tsx/preflight.cjs'] }), ['--config', 'x.json'])).to.deep.equal({
      launcher: ['npx', 'tsx', '--tsconfig=.config/tsconfig.mocha.json', 'node_modules/mocha/bin/mocha.js'],
      args: ['--config', 'x.json'],
    });
  });

  it('is node with its flags when nothing else started mocha (node -r ts-node/register …)', () => {
    expect(detectLauncher(facts({ execArgv: ['-r', 'ts-node/register'] }), [])?.launcher).to.deep.equal([
      'node',
      '-r',
      'ts-node/register',
      'node_modules/mocha/bin/mocha.js',
    ]);
  });

  it("is the npm script's command that ran mocha, as a shell outside npm would run it", () => {
    const script = 'tsc -p . && FORCE_COLOR=1 mocha --config .mocharc.yml test/';
    const env = { npm_lifecycle_event: 'test:unit', npm_lifecycle_script: script };
    const parentArgv = ['sh', '-c', `${script} --grep 'a b'`];
    const args = ['--config', '.mocharc.yml', 'test/', '--grep', 'a b'];
    expect(detectLauncher(facts({ env, parentArgv }), args)).to.deep.equal({ launcher: ['npx', 'mocha'], args, env: { FORCE_COLOR: '1' } });
    const tsx = 'tsx --tsconfig=t.json node_modules/mocha/bin/mocha.js';
    expect(
      detectLauncher(facts({ env: { npm_lifecycle_event: 'test', npm_lifecycle_script: tsx }, parentArgv: ['/bin/sh', '-c', tsx] }), []),
    ).to.deep.equal({
      launcher: ['npx', 'tsx', '--tsconfig=t.json', 'node_modules/mocha/bin/mocha.js'],
      args: [],
      env: {},
    });
  });

  it("is not npm's for a mocha that npx started, or that a test started with npm's variables in its environment", () => {
    expect(
      detectLauncher(facts({ env: { npm_lifecycle_event: 'npx', npm_lifecycle_script: 'mocha' }, parentArgv: ['sh', '-c', 'mocha'] }), []),
    ).to.equal(undefined);
    expect(
      detectLauncher(
        facts({
          env: { npm_lifecycle_event: 'test', npm_lifecycle_script: 'mocha' },
          parentArgv: ['node', '/p/node_modules/mocha/lib/nodejs/worker.cjs'],
        }),
        [],
      ),
    ).to.equal(undefined);
    expect(
      detectLauncher(
        facts({ env: { npm_lifecycle_event: 'lint', npm_lifecycle_script: 'eslint .' }, parentArgv: ['sh', '-c', 'eslint .'] }),
        [],
      ),
    ).to.equal(undefined);
  });

  it("is the config's isolation.launcher when it is given", () => {
    expect(detectLauncher(facts({}), ['-t', '5'], "npx tsx --tsconfig='my config.json' node_modules/mocha/bin/mocha.js")).to.deep.equal({
      launcher: ['npx', 'tsx', '--tsconfig=my config.json', 'node_modules/mocha/bin/mocha.js'],
      args: ['-t', '5'],
    });
  });

  it('splits a command line as the shell does', () => {
    expect(shellSplit(`a 'b c' "d \\"e\\"" f\\ g ''`)).to.deep.equal(['a', 'b c', 'd "e"', 'f g', '']);
  });
});

describe('a suite started by tsx (fixtures/launcher)', () => {
  const cwd = fixtureDir('launcher');
  let work: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_)/.test(key)));
    env = { ...clean, ISOLATION_DURATIONS: path.join(work, 'durations.json'), TMPDIR: work };
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
  const sh = (command: string) => spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8' });

  for (const mode of ['--no-parallel', '--parallel --jobs 2']) {
    it(`prints a reproduce line that starts with the launcher, and works as printed (${mode})`, () => {
      const run = sh(`npx tsx ../../../../node_modules/mocha/bin/mocha.js ${mode} --reporter dot`);
      expect(run.status, run.stderr).to.equal(0);
      const reproduce = /Reproduce: (.*)$/m.exec(run.stderr)?.[1] as string;
      expect(reproduce).to.match(/ISOLATION_SEED=\d+ npx tsx \.\.\/\.\.\/\.\.\/\.\.\/node_modules\/mocha\/bin\/mocha\.js /);
      const again = sh(reproduce);
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('1 passing');
    });
  }

  it('replays with the launcher (without it, the suite fails)', () => {
    const run = sh('npx tsx ../../../../node_modules/mocha/bin/mocha.js --no-parallel --reporter dot');
    expect(run.status, run.stderr).to.equal(0);
    const replay = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'replay', path.join(work, 'last-run.json')],
      { cwd, env, encoding: 'utf8' },
    );
    expect(replay.stderr)
      .to.contain('npx tsx ../../../../node_modules/mocha/bin/mocha.js --no-parallel')
      .and.contain('mocha-isolation replay: every test passed (the recorded run: 0 failed).');
    expect(replay.status).to.equal(0);
  });
});

describe('the variables set for the command (unit)', () => {
  it("are those the command's first process had beyond the typing shell's, less what the shell and the terminal set", () => {
    const shell = { HOME: '/root', PATH: '/usr/bin', KEEP: 'same' };
    const command = {
      ...shell,
      PATH: '/x/node_modules/.bin:/usr/bin',
      SHLVL: '2',
      _: '/usr/bin/npx',
      OLDPWD: '/',
      ISOLATION_SEED: '4',
      DB: 'sqlite3 better-sqlite3',
      NODE_ENV: 'test',
    };
    expect(commandVariables({ shell, command })).to.deep.equal({ values: { DB: 'sqlite3 better-sqlite3', NODE_ENV: 'test' }, secrets: [] });
  });

  it('keep a secret by name only: a name that says token, secret, password or key, or a URL with a password', () => {
    const env = {
      API_TOKEN: 'abc',
      GITHUB_TOKEN: 'abc',
      DB_PASSWORD: 'abc',
      AWS_SECRET_ACCESS_KEY: 'abc',
      STRIPE_KEY: 'abc',
      DATABASE_URL: 'postgres://app:hunter2@db/app',
      MONKEY: 'banana',
      KEYBOARD: 'us',
      PLAIN_URL: 'postgres://db/app',
    };
    const found = commandVariables({ shell: {}, command: env });
    expect(found.secrets).to.deep.equal([
      'API_TOKEN',
      'GITHUB_TOKEN',
      'DB_PASSWORD',
      'AWS_SECRET_ACCESS_KEY',
      'STRIPE_KEY',
      'DATABASE_URL',
    ]);
    expect(found.values).to.deep.equal({ MONKEY: 'banana', KEYBOARD: 'us', PLAIN_URL: 'postgres://db/app' });
  });

  it('are none where the typing shell cannot be read', () => {
    expect(commandVariables(undefined)).to.deep.equal({ values: {}, secrets: [] });
  });

  it('are printed with their values, and a secret as a word that asks the shell for it', () => {
    const line = shellCommand({ DB: 'sqlite3 better-sqlite3' }, ['npx', 'mocha'], ['API_TOKEN']);
    expect(line).to.equal(`DB='sqlite3 better-sqlite3' API_TOKEN="\${API_TOKEN:?is not stored: set it as for the recorded run}" npx mocha`);
    const without = spawnSync('sh', ['-c', `${line.replace('npx mocha', 'true')} && echo ran`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(without.stdout).to.equal('');
    expect(without.stderr).to.contain('API_TOKEN').and.contain('is not stored');
    const given = spawnSync('sh', ['-c', `${line.replace('npx mocha', 'sh -c \'echo "$DB/$API_TOKEN"\'')}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, API_TOKEN: 't' },
    });
    expect(given.stdout).to.equal('sqlite3 better-sqlite3/t\n');
  });
});

describe('a suite run with variables set for the command (fixtures/command-env, fixtures/leaks)', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'command-env-'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_|DB$|API_TOKEN$)/.test(key)));
    env = { ...clean, ISOLATION_DURATIONS: path.join(work, 'durations.json'), TMPDIR: work };
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
  // The test's `sh -c` is the shell the command is typed in: what it sets before `node` is set for the command.
  const sh = (cwd: string, command: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnSync('sh', ['-c', command], { cwd, env: { ...env, ...extra }, encoding: 'utf8' });
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));

  for (const mode of ['--no-parallel', '--parallel --jobs 2']) {
    it(`prints them in the reproduce line, the secret asked for, never stored, and the line works as printed (${mode})`, () => {
      const cwd = fixtureDir('command-env');
      const run = sh(cwd, `DB="sqlite3 better-sqlite3" API_TOKEN=s3cret-token node ${MOCHA} ${mode} --reporter dot`);
      expect(run.status, run.stderr).to.equal(0);
      const reproduce = /Reproduce: (.*)$/m.exec(run.stderr)?.[1] as string;
      expect(reproduce).to.match(
        /^DB='sqlite3 better-sqlite3' (\S+=\S+ )*ISOLATION_SEED=\d+ API_TOKEN="\$\{API_TOKEN:\?is not stored: set it as for the recorded run\}" npx mocha /,
      );
      for (const file of files(work)) expect(fs.readFileSync(file, 'latin1'), file).not.to.contain('s3cret-token');
      const asked = sh(cwd, reproduce);
      expect(asked.status).not.to.equal(0);
      expect(asked.stderr).to.contain('API_TOKEN');
      const again = sh(cwd, reproduce, { API_TOKEN: 's3cret-token' });
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('2 passing');
    });
  }

  it('replays with them, and refuses to replay without the secret, naming it', () => {
    const cwd = fixtureDir('command-env');
    const run = sh(cwd, `DB="sqlite3 better-sqlite3" API_TOKEN=s3cret-token node ${MOCHA} --no-parallel --reporter dot`);
    expect(run.status, run.stderr).to.equal(0);
    const replay = (extra: NodeJS.ProcessEnv) =>
      spawnSync(
        process.execPath,
        ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'replay', path.join(work, 'last-run.json')],
        { cwd, env: { ...env, ...extra }, encoding: 'utf8' },
      );
    const refused = replay({});
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.contain(
      'mocha-isolation replay: the recorded run was started with API_TOKEN set for its command, and its value is not stored (a secret). Set it for this command too',
    );
    const replayed = replay({ API_TOKEN: 's3cret-token' });
    expect(replayed.stderr)
      .to.contain("DB='sqlite3 better-sqlite3'")
      .and.contain('mocha-isolation replay: every test passed (the recorded run: 0 failed).');
    expect(replayed.status).to.equal(0);
  });

  it('carries ISOLATION_LEAKS=fail into the reproduce line and into replay, which fails as the run did', () => {
    const cwd = fixtureDir('leaks');
    const run = sh(cwd, `ISOLATION_LEAKS=fail ISOLATION_SEED=1 node ${MOCHA} --no-parallel --reporter dot`);
    const failing = Number(/(\d+) failing/.exec(run.stdout)?.[1]);
    expect(failing, run.stdout).to.be.above(0);
    expect(/Reproduce: (.*)$/m.exec(run.stderr)?.[1]).to.match(/^(\S+=\S+ )*ISOLATION_LEAKS=fail (\S+=\S+ )*ISOLATION_SEED=1 npx mocha /);
    const replay = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'replay', path.join(work, 'last-run.json')],
      { cwd, env, encoding: 'utf8' },
    );
    expect(replay.status).to.equal(1);
    expect(replay.stderr).to.contain(`mocha-isolation replay: ${failing} failed (the recorded run: ${failing} failed).`);
  });
});
