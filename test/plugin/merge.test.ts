import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, renderedDom } from './support/chromium';
import { REPO, fixtureDir } from './support/run-fixture';

// Issue 21 §1-2: a fixture run as 3 CI shards (separate processes in separate copies of the project, as jobs on
// separate machines), then `mocha-isolation merge`, against one unsharded run of the same seed.

const FIXTURE = fixtureDir('shards-fail');
const SPECS = fs.readdirSync(FIXTURE).filter((name) => name.endsWith('.spec.ts'));
const CLI = path.join(REPO, 'hooks/cli/cli.ts');
const REGISTER_TS = path.join(REPO, 'test/plugin/fixtures/register-ts.cjs');
const MOCHA = path.join(REPO, 'node_modules/mocha/bin/mocha.js');
const SEED = '7';

const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_|GITHUB_|CI_|CIRCLE|BUILDKITE)/.test(key)));

/** A copy of the project as a CI job checks it out: the specs (linked, so their imports resolve) and the config. */
function copyProject(root: string, name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const spec of SPECS) fs.symlinkSync(path.join(FIXTURE, spec), path.join(dir, spec));
  fs.writeFileSync(path.join(dir, '.mocharc.cjs'), `module.exports = require(${JSON.stringify(path.join(FIXTURE, '.mocharc.cjs'))});\n`);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mocha(cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MOCHA, '--parallel', '--jobs', '2', '--reporter', 'json'], {
      cwd,
      env: { ...cleanEnv(), TMPDIR: cwd, ISOLATION_SEED: SEED, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function command(cwd: string, args: string[]): Run {
  const run = spawnSync(process.execPath, ['-r', REGISTER_TS, CLI, ...args], { cwd, env: cleanEnv(), encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const leakTitles = (file: string): string[] =>
  (JSON.parse(fs.readFileSync(file, 'utf8')) as { leaks: Array<{ test: string; category: string }> }).leaks
    .map((leak) => `${leak.category}: ${leak.test}`)
    .sort();

describe('mocha-isolation merge: a run as 3 CI shards joined into one (fixtures/shards-fail)', function () {
  this.timeout(180_000);
  let root: string;
  let whole: { passes: number; failures: string[]; pending: number; leaks: string[] };
  let shards: string[];
  let merger: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
    // Each copy finds mocha, chai and the rest where a checkout would: in node_modules above it.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
    const wholeDir = copyProject(root, 'whole');
    shards = [1, 2, 3].map((index) => copyProject(root, `shard-${index}`));
    merger = copyProject(root, 'merge-job');
    const [wholeRun, ...shardRuns] = await Promise.all([
      mocha(wholeDir, {}),
      ...shards.map((dir, i) => mocha(dir, { ISOLATION_SHARD: `${i + 1}/3` })),
    ]);
    const report = JSON.parse((wholeRun as Run).stdout) as {
      stats: { passes: number; pending: number };
      failures: Array<{ fullTitle: string }>;
    };
    whole = {
      passes: report.stats.passes,
      pending: report.stats.pending,
      failures: report.failures.map((f) => f.fullTitle).sort(),
      leaks: leakTitles(path.join(wholeDir, '.mocha-isolation/leaks.json')),
    };
    expect(whole).to.deep.include({ passes: 10, pending: 1, failures: ['c c rounds the total to the cent'] });
    for (const [i, run] of shardRuns.entries()) expect(run.stderr, `shard ${i + 1}`).to.contain(`shard ${i + 1}/3: 2 of 6 files`);
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("gives the unsharded run's totals, failure and leaks, in one JUnit file, one leak file and one record", () => {
    const run = command(merger, ['merge', ...shards.map((dir) => path.join(dir, '.mocha-isolation')), '--out', 'merged']);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.contain(
      `mocha-isolation merge: 3 shard records, seed ${SEED}: ${whole.passes} passed, 1 failed, ${whole.pending} pending.`,
    );
    expect(run.stderr).to.match(/shard balance: the slowest job took \d+\.\d\d× the mean/);
    const out = path.join(merger, 'merged');
    expect(fs.readdirSync(out).sort()).to.deep.equal(['durations.json', 'junit.xml', 'last-run.json', 'leaks.json', 'report.html']);
    expect(leakTitles(path.join(out, 'leaks.json')))
      .to.deep.equal(whole.leaks)
      .and.have.length(1);

    const junit = fs.readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(/<testsuites [^>]*tests="12" failures="1" errors="0" skipped="1"/.test(junit), junit.slice(0, 300)).to.equal(true);
    const cases = [...junit.matchAll(/<testcase classname="[^"]*" name="([^"]*)" file="([^"]*)" time="\d+\.\d{3}"/g)].map(
      ([, name, file]) => `${file}: ${name}`,
    );
    expect(cases).to.have.length(12);
    expect(new Set(cases).size).to.equal(12);
    expect(junit).to.contain('<failure message="expected { total: 3.499 } to deeply equal { total: 3.5 }">');
    expect(junit).to.contain('+ expected - actual');

    const durations = JSON.parse(fs.readFileSync(path.join(out, 'durations.json'), 'utf8')) as { files: Record<string, number> };
    expect(Object.keys(durations.files).sort()).to.deep.equal(SPECS.sort());
  });

  it('replays and bisects from the merged record', () => {
    const replay = command(merger, ['replay', 'merged/last-run.json']);
    expect(replay.code, replay.stderr).to.equal(1);
    expect(replay.stderr).to.match(/mocha-isolation replay: shard \d worker \d \(\d\/\d\), 1 file: /);
    expect(replay.stderr).to.contain('failed: "c c rounds the total to the cent" (c.spec.ts)');
    expect(replay.stderr).to.contain('mocha-isolation replay: 1 failed (the recorded run: 1 failed).');
    const bisect = command(merger, ['bisect', '--record', 'merged/last-run.json', '--test', 'c c rounds the total to the cent']);
    expect(bisect.stderr).to.contain('"c c rounds the total to the cent" fails alone, so no other test is to blame');
  });

  it('fails naming the files of a shard that never reported', () => {
    const run = command(merger, [
      'merge',
      path.join(shards[0] as string, '.mocha-isolation'),
      path.join(shards[2] as string, '.mocha-isolation'),
      '--out',
      'partial',
    ]);
    expect(run.code).to.equal(1);
    const plan = (
      JSON.parse(fs.readFileSync(path.join(shards[1] as string, '.mocha-isolation/last-run.json'), 'utf8')) as {
        outcome: { shard: { plan: string[][] } };
      }
    ).outcome.shard.plan[1] as string[];
    expect(run.stderr).to.contain(
      `shard 2 never reported (its job was cancelled or crashed, or its record was not uploaded); its 2 files did not run: ${plan.join(', ')}`,
    );
    const junit = fs.readFileSync(path.join(merger, 'partial', 'junit.xml'), 'utf8');
    expect(junit.match(/<error message="did not run: shard 2 never reported/g)).to.have.length(2);
  });

  it('refuses shards of another seed, or the same shard twice, naming them', () => {
    const shard = (i: number) => path.join(shards[i] as string, '.mocha-isolation');
    const twice = command(merger, ['merge', shard(0), shard(0), shard(1)]);
    // The same folder twice is one input; a copy of a record is two.
    fs.cpSync(shard(0), path.join(root, 'copy-of-1'), { recursive: true });
    const copied = command(merger, ['merge', shard(0), path.join(root, 'copy-of-1'), shard(1), shard(2)]);
    expect(twice.code).to.equal(1);
    expect(copied.code).to.equal(2);
    expect(copied.stderr).to.match(
      /mocha-isolation merge: shard 1 is given twice \(.*shard-1\/\.mocha-isolation\/last-run\.json and .*copy-of-1\/last-run\.json\)/,
    );
    const record = path.join(root, 'copy-of-1', 'last-run.json');
    fs.writeFileSync(record, fs.readFileSync(record, 'utf8').replace(`"seed":${SEED}`, '"seed":8'));
    const other = command(merger, ['merge', path.join(root, 'copy-of-1'), shard(1), shard(2)]);
    expect(other.code).to.equal(2);
    expect(other.stderr).to.contain(`ran with seed ${SEED},`).and.contain('with 8: the shards of one run share a seed');
  });

  it('opens its report in headless Chromium: a lane per job and worker, the balance, the failure first', function () {
    if (CHROMIUM === undefined) this.skip();
    const page = path.join(merger, 'merged', 'report.html');
    if (!fs.existsSync(page)) command(merger, ['merge', ...shards.map((dir) => path.join(dir, '.mocha-isolation')), '--out', 'merged']);
    const dom = renderedDom(page);
    expect(dom.indexOf('Failures (1)')).to.be.above(0).and.below(dom.indexOf('Schedule'));
    expect(dom)
      .to.contain('c rounds the total to the cent')
      .and.contain('3 jobs merged.')
      .and.match(/shard 1 worker \d/);
    const bars = /data-bars-drawn="(\d+)"/.exec(dom)?.[1];
    expect(bars).to.equal('6');
  });
});
