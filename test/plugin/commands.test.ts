import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMochaReport } from '../../hooks/cli/mocha-process';
import { REPO, fixtureDir } from './support/run-fixture';

// The runs that replay, bisect and repeat make (issue 19 §4): each has a time limit, and an interrupted command
// leaves none of its folders behind.
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_)/.test(key)));

describe('the runs the plugin commands make', () => {
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'commands-'));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stops a run that a forgotten timer keeps alive at its time limit, and uses what it reported (fixtures/open-handle-fail)', async () => {
    const started = Date.now();
    const report = await runMochaReport(
      fixtureDir('open-handle-fail'),
      ['--no-parallel'],
      { FIXTURE_TIMER_MS: '600000', FIXTURE_PLUGIN: 'off' },
      false,
      4_000,
    );
    expect(report.stopped).to.equal(true);
    expect(report.reported).to.equal(true);
    expect(report.passes).to.have.length(2);
    expect(Date.now() - started).to.be.below(60_000);
    expect(fs.readdirSync(tmp).filter((name) => name.startsWith('isolation-command-'))).to.deep.equal([]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`leaves no isolation-command folder behind when the command gets ${signal} mid-run, and ends with it`, async () => {
      const script = `require(${JSON.stringify(path.join(REPO, 'hooks/cli/mocha-process.ts'))}).runMochaReport(${JSON.stringify(fixtureDir('open-handle-fail'))}, ['--no-parallel'], { FIXTURE_TIMER_MS: '600000', FIXTURE_PLUGIN: 'off' });`;
      const child = spawn(process.execPath, ['-r', 'ts-node/register', '-e', script], {
        cwd: REPO,
        env: { ...process.env, TMPDIR: tmp },
        stdio: 'ignore',
      });
      const folder = (): string[] => fs.readdirSync(tmp).filter((name) => name.startsWith('isolation-command-'));
      for (let waited = 0; folder().length === 0 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(folder(), 'the run never started').to.have.length(1);
      child.kill(signal);
      const [code, ended] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on('close', (c, s) => resolve([c, s])),
      );
      expect(ended ?? code).to.be.oneOf([signal, 128 + os.constants.signals[signal]]);
      expect(folder()).to.deep.equal([]);
    });
  }

  it('replay names each failing test with its error, and names no file of its own removed folders (fixtures/rejection-fail)', () => {
    const cwd = fixtureDir('rejection-fail');
    const env = { ...cleanEnv(), TMPDIR: tmp, ISOLATION_DURATIONS: path.join(tmp, 'durations.json'), ISOLATION_SEED: '1' };
    spawnSync(process.execPath, [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), '--no-parallel', '--reporter', 'dot'], {
      cwd,
      env,
      encoding: 'utf8',
    });
    const record = path.join(tmp, 'last-run.json');
    const replay = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'replay', record], {
      cwd,
      env,
      encoding: 'utf8',
    });
    expect(replay.status, replay.stderr).to.equal(1);
    expect(replay.stderr, replay.stderr).to.contain(
      '  failed: "rejects leaves a rejection nobody handles" (rejects.spec.ts): "rejects leaves a rejection nobody handles": a promise was rejected',
    );
    expect(replay.stderr).to.contain('mocha-isolation replay: 1 failed (the recorded run: 1 failed).');
    expect(replay.stderr).to.contain(
      `  find a test that polluted it: npx mocha-isolation bisect --record ${record} --test 'rejects leaves a rejection nobody handles'`,
    );
    expect(replay.stderr).not.to.contain('isolation-command-');
  });

  it('replay counts a failed hook as mocha does, and says which failures are hooks (fixtures/dropped-fail)', () => {
    const cwd = fixtureDir('dropped-fail');
    const env = {
      ...cleanEnv(),
      TMPDIR: tmp,
      ISOLATION_DURATIONS: path.join(tmp, 'durations.json'),
      ISOLATION_SEED: '1',
      ISOLATION_SHUFFLE: 'off',
    };
    const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), '--no-parallel', '--reporter', 'dot'], {
      cwd,
      env,
      encoding: 'utf8',
    });
    expect(run.stdout).to.contain('3 failing');
    const replay = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), 'replay', path.join(tmp, 'last-run.json')],
      { cwd, env, encoding: 'utf8' },
    );
    expect(replay.stderr, replay.stderr).to.contain(
      'mocha-isolation replay: 3 failed: 2 tests, 1 hook (the recorded run: 2 tests failed).',
    );
    expect(replay.stderr).not.to.contain('find a test that polluted it');
  });
});
