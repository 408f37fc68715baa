import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectLauncher, type LaunchFacts, shellSplit } from '../../hooks/main/launcher';
import { REPO, fixtureDir } from './support/run-fixture';

// Issue 19 §4: every printed command, and every run replay and bisect make, starts mocha as the user did.
const MOCHA = path.join(REPO, 'node_modules/mocha/bin/mocha.js');
const facts = (overrides: Partial<LaunchFacts>): LaunchFacts => ({ env: {}, argv: ['/usr/bin/node', MOCHA], execArgv: [], cwd: REPO, parentArgv: ['-bash'], ...overrides });

describe('the launcher (unit)', () => {
  it('is none for plain `npx mocha`', () => {
    expect(detectLauncher(facts({}), ['--grep', 'x'])).to.equal(undefined);
  });

  it('is the process that started mocha with its flags, named as npx finds it (tsx)', () => {
    const parentArgv = ['/usr/bin/node', path.join(REPO, 'node_modules/.bin/tsx'), '--tsconfig=.config/tsconfig.mocha.json', 'node_modules/mocha/bin/mocha.js', '--config', 'x.json'];
    expect(detectLauncher(facts({ parentArgv, execArgv: ['--require', '/p/tsx/preflight.cjs'] }), ['--config', 'x.json'])).to.deep.equal({
      launcher: ['npx', 'tsx', '--tsconfig=.config/tsconfig.mocha.json', 'node_modules/mocha/bin/mocha.js'],
      args: ['--config', 'x.json'],
    });
  });

  it("is node with its flags when nothing else started mocha (node -r ts-node/register …)", () => {
    expect(detectLauncher(facts({ execArgv: ['-r', 'ts-node/register'] }), [])?.launcher).to.deep.equal(['node', '-r', 'ts-node/register', 'node_modules/mocha/bin/mocha.js']);
  });

  it("is the npm script's command that ran mocha, as a shell outside npm would run it", () => {
    const script = 'tsc -p . && FORCE_COLOR=1 mocha --config .mocharc.yml test/';
    const env = { npm_lifecycle_event: 'test:unit', npm_lifecycle_script: script };
    const parentArgv = ['sh', '-c', `${script} --grep 'a b'`];
    const args = ['--config', '.mocharc.yml', 'test/', '--grep', 'a b'];
    expect(detectLauncher(facts({ env, parentArgv }), args)).to.deep.equal({ launcher: ['npx', 'mocha'], args, env: { FORCE_COLOR: '1' } });
    const tsx = 'tsx --tsconfig=t.json node_modules/mocha/bin/mocha.js';
    expect(detectLauncher(facts({ env: { npm_lifecycle_event: 'test', npm_lifecycle_script: tsx }, parentArgv: ['/bin/sh', '-c', tsx] }), [])).to.deep.equal({
      launcher: ['npx', 'tsx', '--tsconfig=t.json', 'node_modules/mocha/bin/mocha.js'],
      args: [],
      env: {},
    });
  });

  it("is not npm's for a mocha that npx started, or that a test started with npm's variables in its environment", () => {
    expect(detectLauncher(facts({ env: { npm_lifecycle_event: 'npx', npm_lifecycle_script: 'mocha' }, parentArgv: ['sh', '-c', 'mocha'] }), [])).to.equal(undefined);
    expect(detectLauncher(facts({ env: { npm_lifecycle_event: 'test', npm_lifecycle_script: 'mocha' }, parentArgv: ['node', '/p/node_modules/mocha/lib/nodejs/worker.cjs'] }), [])).to.equal(undefined);
    expect(detectLauncher(facts({ env: { npm_lifecycle_event: 'lint', npm_lifecycle_script: 'eslint .' }, parentArgv: ['sh', '-c', 'eslint .'] }), [])).to.equal(undefined);
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
    const replay = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli.ts'), 'replay', path.join(work, 'last-run.json')], { cwd, env, encoding: 'utf8' });
    expect(replay.stderr).to.contain('npx tsx ../../../../node_modules/mocha/bin/mocha.js --no-parallel').and.contain('mocha-isolation replay: every test passed (the recorded run: 0 failed).');
    expect(replay.status).to.equal(0);
  });
});
