import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, fixtureDir } from './support/run-fixture';
import { shellQuote } from '../../hooks/shared/shell-quote';

// The run record, replay and the pollution bisector on thirty generated files, one of which holds a test that
// leaves a global feature flag on; the victim passes alone and fails after it.
describe('replay and bisect (fixtures/bisect-fail)', () => {
  const cwd = fixtureDir('bisect-fail');
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixture's generator, by its path
    (require(path.join(cwd, 'generate.cjs')) as () => string)();
  });
  after(() => fs.rmSync(path.join(cwd, 'generated'), { recursive: true, force: true }));
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bisect-'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_)/.test(key)));
    env = { ...clean, FIXTURE_PLUGIN: 'on', ISOLATION_DURATIONS: path.join(work, 'durations.json'), TMPDIR: work };
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const mocha = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), ...args, '--reporter', 'dot'], {
      cwd,
      env: { ...env, ...extra },
      encoding: 'utf8',
    });
  const command = (args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli/cli.ts'), ...args], { cwd, env, encoding: 'utf8' });
  const record = () =>
    JSON.parse(fs.readFileSync(path.join(work, 'last-run.json'), 'utf8')) as {
      seed: number;
      workers: Array<{ files: Array<{ file: string; tests: Array<[string, string]> }> }>;
    };

  it('finds the polluter among the files run before the victim, naming both, in a logarithmic number of runs', () => {
    // A seed whose serial order puts the victim after at least 20 of the 30 files, the polluter among them.
    let before = 0;
    for (let seed = 1; seed <= 60 && before < 20; seed++) {
      const run = mocha(['--no-parallel'], { ISOLATION_SEED: String(seed) });
      const files = record().workers[0]?.files.map((f) => f.file) ?? [];
      before = run.status === 0 ? 0 : files.indexOf('generated/victim.spec.ts');
    }
    expect(before, 'no seed put the victim late enough').to.be.at.least(20);
    const failing = mocha(['--no-parallel'], { ISOLATION_SEED: String(record().seed) });
    const victim = `checkout uses the "old" checkout by default (it's $0.00?)`;
    const polluter = `f17 f17 test 2 turns the 'new' checkout on ($5 off, [beta])`;
    const advice = /find a test that polluted it: (npx mocha-isolation bisect .*)$/m.exec(failing.stderr)?.[1];
    expect(failing.stderr).to.contain('mocha-isolation: 1 test failed (seed');
    expect(advice).to.equal(
      `npx mocha-isolation bisect --record ${shellQuote(path.join(work, 'last-run.json'))} --test 'checkout uses the "old" checkout by default (it'\\''s $0.00?)'`,
    );

    // Run as printed, through a shell (the plugin's own command stands in for `npx mocha-isolation`).
    const cli = `${shellQuote(process.execPath)} -r ts-node/register ${shellQuote(path.join(REPO, 'hooks/cli/cli.ts'))}`;
    const bisect = spawnSync('sh', ['-c', (advice as string).replace('npx mocha-isolation', cli)], { cwd, env, encoding: 'utf8' });
    const lines = bisect.stderr.trim().split('\n');
    expect(bisect.status, bisect.stderr).to.equal(0);
    expect(lines).to.include(`  polluter: "${polluter}" (generated/f17.spec.ts)`);
    expect(lines).to.include(`  victim:   "${victim}" (generated/victim.spec.ts)`);
    // The leak report of the confirming run says what the polluter left.
    expect(lines).to.include('  it left: globals (newCheckout)');
    const runs = Number(/found in (\d+) runs/.exec(bisect.stderr)?.[1]);
    // Alone, own file, all candidates, log2(files) halvings, log2(3 tests) halvings, confirmation.
    expect(runs).to.be.at.most(3 + Math.ceil(Math.log2(before)) + 2 + 1);

    // The command it prints shows the pollution in two files, run as printed through a shell.
    const shown = /shows it: (.*)$/m.exec(bisect.stderr)?.[1];
    expect(shown)
      .to.match(/^(\w+=\S+ )+npx mocha --no-parallel (\S+ )*generated\/f17\.spec\.ts generated\/victim\.spec\.ts --grep '/)
      .and.contain('ISOLATION_DURATIONS=off');
    const proof = spawnSync('sh', ['-c', `${shown as string} --reporter dot`], { cwd, env, encoding: 'utf8' });
    expect(proof.stdout, proof.stderr).to.contain('1 passing').and.contain('1 failing');
  });

  it('finds two polluters that are only guilty together', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixture's generator, by its path
    (require(path.join(cwd, 'generate.cjs')) as (kind: string) => string)('pair');
    try {
      const ranBefore = (file: string): boolean => {
        const files = record().workers[0]?.files.map((f) => f.file) ?? [];
        return files.indexOf(file) < files.indexOf('generated/victim.spec.ts');
      };
      let failed = false;
      for (let seed = 1; seed <= 60 && !failed; seed++) {
        failed = mocha(['--no-parallel'], { ISOLATION_SEED: String(seed) }).status !== 0;
        if (failed) expect(ranBefore('generated/f05.spec.ts') && ranBefore('generated/f23.spec.ts')).to.equal(true);
      }
      expect(failed, 'no seed put both polluters before the victim').to.equal(true);
      const bisect = command(['bisect']);
      const lines = bisect.stderr.trim().split('\n');
      expect(bisect.status, bisect.stderr).to.equal(0);
      expect(lines.find((line) => line.includes('found in'))).to.match(/found in \d+ runs: the victim fails only after all 2 of these\./);
      expect(lines).to.include('  polluter: "f05 f05 test 1 switches to gross prices" (generated/f05.spec.ts)');
      expect(lines).to.include('  polluter: "f23 f23 test 3 switches to cent rounding" (generated/f23.spec.ts)');
      expect(lines.filter((line) => line.startsWith('  it left: globals'))).to.have.length(2);
    } finally {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixture's generator, by its path
      (require(path.join(cwd, 'generate.cjs')) as () => string)();
    }
  });

  it('refuses a test that did not fail in the recorded run, naming it', () => {
    mocha(['--no-parallel'], { ISOLATION_SEED: '2' });
    const refused = command(['bisect', '--test', 'no such test']);
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.contain('"no such test" did not fail in the recorded run.');
  });

  it('replays each worker of a parallel run serially, in the recorded order', () => {
    mocha(['--parallel', '--jobs', '2'], { ISOLATION_SEED: '3' });
    const recorded = record();
    expect(recorded.workers.length).to.be.at.least(1);
    expect(recorded.workers.flatMap((w) => w.files).length).to.equal(31);
    const replay = command(['replay', 'last']);
    const headers = replay.stderr.split('\n').filter((line) => line.startsWith('mocha-isolation replay: worker'));
    expect(headers).to.have.length(recorded.workers.length);
    for (const [index, worker] of recorded.workers.entries()) {
      expect(headers[index]).to.contain(worker.files.map((f) => f.file).join(' '));
    }
    expect(replay.stderr).to.match(/mocha-isolation replay: (every test passed|\d+ failed) \(the recorded run: \d+ failed\)\./);
  });

  it('refuses a missing record with the fix', () => {
    const missing = command(['replay', path.join(work, 'none.json')]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.contain('could not be read (ENOENT). Run the suite once (npx mocha) to write one, or name a record file.');
  });
});
