import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, fixtureDir } from './support/run-fixture';

// The flake hunter on a fixture with one real flake (fails for some seeds whatever runs before it) and one
// victim of pollution (fails only when the polluter's file runs before it in the same process).
/** This process's environment less the outer run's (this suite runs under the plugin too). */
const outerFree = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_)/.test(key)));

function hunt(args: string[], fixture = 'flaky-fail', extra: NodeJS.ProcessEnv = {}): { code: number | null; lines: string[] } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'repeat-'));
  const env = outerFree();
  // Typed in a shell as `FIXTURE_PLUGIN=on npx mocha-isolation repeat …`: the variable is set for the command.
  const run = spawnSync(
    'sh',
    [
      '-c',
      'FIXTURE_PLUGIN=on "$0" "$@"',
      process.execPath,
      '-r',
      'ts-node/register',
      path.join(REPO, 'hooks/cli/cli.ts'),
      'repeat',
      ...args,
    ],
    {
      cwd: fixtureDir(fixture),
      env: { ...env, ISOLATION_DURATIONS: 'off', TMPDIR: tmp, ...extra },
      encoding: 'utf8',
    },
  );
  const leftovers = fs.readdirSync(tmp).filter((name) => !name.startsWith('v8-compile-cache'));
  fs.rmSync(tmp, { recursive: true, force: true });
  expect(leftovers).to.deep.equal([]);
  return { code: run.status, lines: run.stderr.trim().split('\n') };
}

describe('mocha-isolation repeat (fixtures/flaky-fail)', () => {
  it('tells the flake from the polluted test, with the seeds that show each', () => {
    const { code, lines } = hunt(['--seeds', '1,2,3,4,5,6', '--no-parallel']);
    expect(code).to.equal(1);
    expect(lines.filter((line) => line.includes('mocha-isolation repeat: run'))).to.have.length(6);
    expect(lines).to.include('mocha-isolation repeat: 2 tests failed in some of 6 runs:');
    // The variable set for the command (FIXTURE_PLUGIN) comes first in every printed command.
    expect(lines.find((line) => line.includes('"victim starts with an empty cache"'))).to.match(
      /^ {2}"victim starts with an empty cache" \(b-victim\.spec\.ts\): failed 4 of 6 runs \(seeds 1, 3, 4, 6\); it passes alone, so another test pollutes it\. Reproduce: (\S+=\S+ )*ISOLATION_SEED=1 ISOLATION_DURATIONS=off npx mocha --no-parallel, then find the polluter: npx mocha-isolation bisect --test 'victim starts with an empty cache'$/,
    );
    for (const line of lines.filter((text) => text.startsWith('  "'))) expect(line).to.match(/(Reproduce|Alone): FIXTURE_PLUGIN=on /);
    // Alone with a seed it failed with, then two it passed with: it fails alone for one of the three.
    expect(lines.find((line) => line.includes('"flaky depends on the luck of the run"'))).to.match(
      /^ {2}"flaky depends on the luck of the run" \(c-flaky\.spec\.ts\): failed 3 of 6 runs \(seeds 2, 4, 6\); it fails alone too \(1 of 3 runs alone\): a flake of its own\. Alone: (\S+=\S+ )*ISOLATION_SEED=2 npx mocha --no-parallel c-flaky\.spec\.ts --grep '\^flaky depends on the luck of the run\$'$/,
    );
  });

  it('tells them apart in parallel runs too (two workers: the victim fails only when its worker ran the polluter first)', () => {
    const { code, lines } = hunt(['--seeds', '1,2,3,4,5,6', '--parallel', '--jobs', '2']);
    expect(code).to.equal(1);
    expect(lines.filter((line) => line.includes('mocha-isolation repeat: run'))).to.have.length(6);
    expect(lines.find((line) => line.includes('"flaky depends on the luck of the run"'))).to.match(
      /failed 3 of 6 runs \(seeds 2, 4, 6\); it fails alone too \(1 of 3 runs alone\): a flake of its own\./,
    );
    // Which worker gets which file depends on timing; when the victim failed, it must be called polluted.
    const victim = lines.find((line) => line.includes('"victim starts with an empty cache"'));
    if (victim !== undefined) expect(victim).to.contain('it passes alone, so another test pollutes it');
  });

  it('exits 0 and says so when every run passed', () => {
    const { code, lines } = hunt(['--seeds', '5', '--no-parallel']);
    expect(code).to.equal(0);
    expect(lines.at(-1)).to.equal('mocha-isolation repeat: the run passed.');
  });

  it('refuses a bad run count, naming it', () => {
    const { code, lines } = hunt(['--runs', 'ten']);
    expect(code).to.equal(2);
    expect(lines).to.deep.equal(['mocha-isolation repeat: "--runs" must be a whole number of at least 1, got "ten".']);
  });
});

// A test that needs another to run first (a GET that expects an earlier DELETE of its file): it fails alone every
// time and passes whenever the shuffle puts the DELETE first. Repeat names the DELETE, with commands that show both.
describe('mocha-isolation repeat (fixtures/needs-predecessor)', () => {
  const cwd = fixtureDir('needs-predecessor');
  const sh = (command: string) =>
    spawnSync('sh', ['-c', `${command} --reporter dot`], {
      cwd,
      env: { ...outerFree(), ISOLATION_DURATIONS: 'off', FIXTURE_BROKEN: '1' },
      encoding: 'utf8',
    });

  // In parallel: repeat's runs, and the passing run's record bisect reads, come from two workers (serially, one).
  for (const mode of [['--parallel', '--jobs', '2']]) {
    it(`names the test it needs to run first, and tells a broken test from a flake (${mode.join(' ')})`, () => {
      const { code, lines } = hunt(['--seeds', '1,2,3,4', ...mode], 'needs-predecessor', { FIXTURE_BROKEN: '1' });
      expect(code).to.equal(1);
      expect(lines).to.include('mocha-isolation repeat: 2 tests failed in some of 4 runs:');
      const needs = lines.find((line) => line.startsWith(`  "users GET /users/1 is gone (after 'DELETE')"`)) as string;
      expect(needs).to.match(
        /failed 2 of 4 runs \(seeds 2, 4\); it fails alone every time \(3 of 3 runs alone\) and passed in the other runs, after other tests: it depends on "users DELETE \/users\/1 removes tobi" \(users\.spec\.ts\) having run first \(found in \d+ runs\)\./,
      );
      // Both printed commands run as printed: the pair passes, the test alone fails.
      const pair = sh(/Passes after it: (.*)\. Alone: /.exec(needs)?.[1] as string);
      expect(pair.stdout, pair.stderr).to.contain('2 passing').and.not.contain('failing');
      const alone = sh(/ Alone: (.*)$/.exec(needs)?.[1] as string);
      expect(alone.stdout, alone.stderr).to.contain('1 failing');
      const broken = lines.find((line) => line.startsWith('  "users, broken GET /users/3 is found"')) as string;
      expect(broken).to.match(
        /failed 4 of 4 runs \(seeds 1, 2, 3, 4\); it fails alone too \(3 of 3 runs alone\): not a flake, it fails every time\. Alone: /,
      );
      fs.rmSync(path.join(cwd, '.mocha-isolation'), { recursive: true, force: true });
    });
  }
});
