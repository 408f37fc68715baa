import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeWork, runFixture, titles, type FixtureOptions, type FixtureResult } from './support/run-fixture';

// Issue 19 §1: whatever happens to a process, the exit status is non-zero when a loaded test did not pass or did
// not run, and the reporters (JSON here, JUnit below) list every loaded test once. Each scenario failed on the
// previous main: exit 0 with no output, an empty JUnit file, or a run aborted at load.

const SEEDS = [1, 2, 3];

async function run(name: string, options: FixtureOptions): Promise<FixtureResult> {
  const result = await runFixture(name, options);
  removeWork(result);
  expect(result.leftovers, 'the run left files in its temp folder').to.deep.equal([]);
  return result;
}

/** The JUnit file mocha's xunit reporter writes for the same run: its counts. */
async function junitCounts(name: string, options: FixtureOptions): Promise<{ tests: number; failed: number; cases: number }> {
  // Outside the fixture's folder: two runs of this suite at once must not share it.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `junit-${name}-`));
  const output = path.join(folder, 'junit.xml');
  const result = await runFixture(name, {
    ...options,
    args: [...(options.args ?? []), '--reporter-option', `output=${output}`],
    reporter: 'xunit',
  });
  removeWork(result);
  const xml = fs.readFileSync(output, 'utf8');
  fs.rmSync(folder, { recursive: true });
  const head = /<testsuite[^>]*>/.exec(xml)?.[0] ?? '';
  const count = (field: string): number => Number(new RegExp(` ${field}="(\\d+)"`).exec(head)?.[1] ?? Number.NaN);
  return { tests: count('tests'), failed: count('failures') + count('errors'), cases: xml.match(/<testcase /g)?.length ?? 0 };
}

describe('a run never goes green while tests did not run (fixtures/queued-fail)', () => {
  for (const [jobs, enders] of [
    [2, 'a,b'],
    [3, 'a,b,c'],
  ] as const) {
    for (const seed of SEEDS) {
      it(`runs the queued files when every worker is killed, and counts the tests each passed first (parallel, -j ${jobs}, seed ${seed})`, async () => {
        const env = { FIXTURE_END: 'kill', FIXTURE_ENDERS: enders, ISOLATION_SHUFFLE: 'files' };
        const result = await run('queued-fail', { mode: 'parallel', jobs, seed, env });
        const killed = enders.split(',').length;
        expect(result.code).to.equal(killed);
        expect(result.tests).to.have.length(7);
        expect(titles(result.passes)).to.deep.equal(
          [...Array<string>(3).fill('passes first'), ...Array<string>(3 - killed).fill('ends its process'), 'runs when queued'].sort(),
        );
        expect(result.failures.map((f) => f.err.message))
          .to.have.length(killed)
          .and.satisfy((messages: string[]) =>
            messages.every((m) =>
              /^worker \d+ \(pid \d+, killed by SIGKILL\) died while running exit-[abc]\.spec\.ts; it had not reported when the worker was killed/.test(
                m,
              ),
            ),
          );
      });
    }
  }

  it('writes every test into the JUnit file when every worker is killed (parallel, -j 2)', async () => {
    const counts = await junitCounts('queued-fail', {
      mode: 'parallel',
      jobs: 2,
      seed: 1,
      env: { FIXTURE_END: 'kill', FIXTURE_ENDERS: 'a,b', ISOLATION_SHUFFLE: 'off' },
    });
    expect(counts).to.deep.equal({ tests: 7, failed: 2, cases: 7 });
  });

  for (const mode of ['serial', 'parallel'] as const) {
    for (const seed of SEEDS) {
      it(`fails a test that calls process.exit(0) and runs every other test (${mode}, seed ${seed})`, async () => {
        const result = await run('queued-fail', { mode, seed, env: { FIXTURE_END: 'exit', FIXTURE_EXIT_CODE: '0', FIXTURE_ENDERS: 'b' } });
        expect(result.code).to.equal(1);
        expect(result.tests).to.have.length(7);
        expect(result.failures.map((f) => f.err.message)).to.deep.equal([
          `"exit b ends its process" (exit-b.spec.ts) called process.exit(0), which would have ended the run with the rest of its tests unrun. mocha-isolation failed it instead. To test code that exits, stub it in the test: sinon.stub(process, 'exit').`,
        ]);
      });

      it(`reports a file that throws while loading as one failure named after it, and runs the others (${mode}, seed ${seed})`, async () => {
        const result = await run('queued-fail', { mode, seed, env: { FIXTURE_LOAD_THROW: 'c' } });
        expect(result.code).to.equal(1);
        expect(result.tests).to.have.length(6);
        expect(result.failures.map((f) => f.title)).to.deep.equal(['exit-c.spec.ts failed to load']);
        expect(result.stderr).not.to.contain('find a test that polluted it');
        const other = mode === 'serial' ? 'in declared order \\(ISOLATION_SHUFFLE=off\\)' : 'serially \\(--no-parallel\\)';
        expect(result.failures[0]?.err.message).to.match(
          new RegExp(
            `^exit-c\\.spec\\.ts failed to load: Error: c broke while loading\nThe other files ran\\. Try it on its own \\(npx mocha exit-c\\.spec\\.ts\\) and ${other}: if it loads in either, it depends on what a file loaded before it`,
          ),
        );
      });
    }

    it(`writes the JUnit file of a run with process.exit(0) in a test and a file that throws while loading (${mode})`, async () => {
      const counts = await junitCounts('queued-fail', {
        mode,
        seed: 1,
        env: { FIXTURE_END: 'exit', FIXTURE_EXIT_CODE: '0', FIXTURE_ENDERS: 'b', FIXTURE_LOAD_THROW: 'a' },
      });
      expect(counts).to.deep.equal({ tests: 6, failed: 2, cases: 6 });
    });
  }

  it('leaves a file that throws while loading to mocha when --grep could select its failure out (serial)', async () => {
    const result = await run('queued-fail', {
      mode: 'serial',
      seed: 1,
      env: { FIXTURE_LOAD_THROW: 'c' },
      args: ['--grep', 'passes first'],
    });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('c broke while loading');
  });
});

describe('a rejection nobody handled fails the test it happened in (fixtures/rejection-fail)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    for (const seed of SEEDS) {
      it(`fails the test, where mocha alone swallows it and passes (${mode}, seed ${seed})`, async () => {
        const result = await run('rejection-fail', { mode, seed });
        expect(result.code).to.equal(1);
        expect(titles(result.passes)).to.deep.equal(['passes after it', 'passes in another file']);
        expect(result.failures.map((f) => f.err.message)).to.deep.equal([
          '"rejects leaves a rejection nobody handles": a promise was rejected and nobody handled it while this test ran, or in a hook just before it: Error: nobody handles this. mocha swallows these; await the promise in the test, or handle its rejection.',
        ]);
        // The test did it itself: no "find a test that polluted it" advice.
        expect(result.stderr)
          .to.contain("(nothing for bisect: each failure is a test's own doing")
          .and.not.contain('find a test that polluted it');
      });
    }

    it(`names the test before as the likely source of a rejection a library reported a moment late (${mode})`, async () => {
      const result = await run('rejection-fail', { mode, seed: 1, env: { FIXTURE_LATE: '1' } });
      expect(result.code).to.equal(2);
      const late = result.failures.find((f) => f.title === 'runs right after it')?.err.message ?? '';
      expect(late).to.match(
        /^"late reporter @ordered runs right after it": a promise was rejected and nobody handled it while this test ran, or in a hook just before it, or in "late reporter @ordered leaves a rejection its promise library reports late", which ended \d+ ms before it was reported \(promise libraries such as bluebird report a rejection a moment late\): Error: reported a moment late\./,
      );
      // Node's own report comes in the turn the promise was rejected: no earlier test is named.
      const own = result.failures.find((f) => f.title === 'leaves a rejection nobody handles')?.err.message ?? '';
      expect(own).to.contain('while this test ran, or in a hook just before it: Error: nobody handles this.');
    });

    it(`names the rejection without failing its test with ISOLATION_REJECTIONS=report (${mode})`, async () => {
      const result = await run('rejection-fail', { mode, seed: 1, env: { ISOLATION_REJECTIONS: 'report' } });
      expect(result.code).to.equal(0);
      expect(result.passes).to.have.length(3);
      expect(result.stderr)
        .to.contain('mocha-isolation: "rejects leaves a rejection nobody handles": a promise was rejected and nobody handled it')
        .and.contain('(ISOLATION_REJECTIONS=report: the test is not failed for it)');
    });

    it(`passes every test without the plugin: mocha swallows the rejection (${mode})`, async () => {
      const result = await run('rejection-fail', { mode, plugin: false });
      expect(result.code).to.equal(0);
      expect(result.passes).to.have.length(3);
    });
  }
});

describe('a rejection after a serial run ended fails the run (fixtures/late-rejection-fail, late.spec.ts alone)', () => {
  it('exits 0 without the plugin: mocha forwards it to the process, where nothing listens', async () => {
    const result = await run('late-rejection-fail', { mode: 'serial', seed: 1, plugin: false, args: ['late.spec.ts'] });
    expect(result.code).to.equal(0);
  });

  for (const seed of SEEDS) {
    it(`names it and exits 1 with the plugin (serial, seed ${seed})`, async () => {
      const result = await run('late-rejection-fail', { mode: 'serial', seed, args: ['late.spec.ts'] });
      expect(result.code).to.equal(1);
      expect(titles(result.passes)).to.deep.equal(['starts work it does not await']);
      expect(result.stderr).to.contain(
        "mocha-isolation: a promise was rejected after the run's last test ended, and nobody handled it: Error: rejected after the file ended. It comes from work a test started and did not await",
      );
    });
  }
});

describe('a worker that dies between files fails the run (fixtures/late-rejection-fail)', () => {
  for (const seed of SEEDS) {
    it(`fails a test of the file whose late rejection killed its idle worker (parallel, seed ${seed})`, async () => {
      const result = await run('late-rejection-fail', { mode: 'parallel', seed });
      expect(result.code).to.equal(1);
      expect(titles(result.passes)).to.deep.equal(['keeps its worker busy', 'starts work it does not await']);
      expect(result.failures).to.have.length(1);
      expect(result.failures[0]?.title).to.match(/^worker \d+ died after this file ended$/);
      expect(result.failures[0]?.file).to.match(/late\.spec\.ts$/);
      expect(result.failures[0]?.err.message).to.match(
        /^worker \d+ \(pid \d+\) died after late\.spec\.ts ended \(exit code 1\): a rejection nobody handled, Error: rejected after the file ended\. A test of late\.spec\.ts most likely started it and did not wait for it/,
      );
    });
  }
});
