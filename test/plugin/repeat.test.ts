import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, fixtureDir } from './support/run-fixture';

// The flake hunter on a fixture with one real flake (fails for some seeds whatever runs before it) and one
// victim of pollution (fails only when the polluter's file runs before it in the same process).
describe('mocha-isolation repeat (fixtures/flaky-fail)', () => {
  function hunt(args: string[]): { code: number | null; lines: string[] } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'repeat-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_)/.test(key)));
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'hooks/cli.ts'), 'repeat', ...args], {
      cwd: fixtureDir('flaky-fail'),
      env: { ...env, FIXTURE_PLUGIN: 'on', ISOLATION_DURATIONS: 'off', TMPDIR: tmp },
      encoding: 'utf8',
    });
    const leftovers = fs.readdirSync(tmp).filter((name) => !name.startsWith('v8-compile-cache'));
    fs.rmSync(tmp, { recursive: true, force: true });
    expect(leftovers).to.deep.equal([]);
    return { code: run.status, lines: run.stderr.trim().split('\n') };
  }

  it('tells the flake from the polluted test, with the seeds that show each', () => {
    const { code, lines } = hunt(['--seeds', '1,2,3,4,5,6', '--no-parallel']);
    expect(code).to.equal(1);
    expect(lines.filter((line) => line.includes('mocha-isolation repeat: run'))).to.have.length(6);
    expect(lines).to.include('mocha-isolation repeat: 2 tests failed in some of 6 runs:');
    expect(lines).to.include(
      `  "victim starts with an empty cache" (b-victim.spec.ts): failed 4 of 6 runs (seeds 1, 3, 4, 6); it passes alone, so another test pollutes it. Reproduce: ISOLATION_SEED=1 ISOLATION_DURATIONS=off npx mocha --no-parallel, then find the polluter: npx mocha-isolation bisect --test 'victim starts with an empty cache'`,
    );
    expect(lines).to.include(
      "  \"flaky depends on the luck of the run\" (c-flaky.spec.ts): failed 3 of 6 runs (seeds 2, 4, 6); it fails alone too: a flake of its own. Alone: ISOLATION_SEED=2 npx mocha --no-parallel c-flaky.spec.ts --grep '^flaky depends on the luck of the run$'",
    );
  });

  it('tells them apart in parallel runs too (two workers: the victim fails only when its worker ran the polluter first)', () => {
    const { code, lines } = hunt(['--seeds', '1,2,3,4,5,6', '--parallel', '--jobs', '2']);
    expect(code).to.equal(1);
    expect(lines.filter((line) => line.includes('mocha-isolation repeat: run'))).to.have.length(6);
    expect(lines.find((line) => line.includes('"flaky depends on the luck of the run"'))).to.match(/failed 3 of 6 runs \(seeds 2, 4, 6\); it fails alone too: a flake of its own\./);
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
