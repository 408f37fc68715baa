import { expect } from 'chai';
import { type FixtureOptions, type FixtureResult, type MochaPackage, removeWork, runFixture, titles } from './support/run-fixture';

// Issue 20 §1: the plugin keeps its promises on mocha 10 and 11 as on 12 (installed here as the npm aliases
// mocha-10 and mocha-11). Each fixture runs under the older major and under this repository's mocha 12, with the
// same seed; the outcomes must be the same test for test, serially and in parallel. On main before this, mocha 11
// and 10 failed before the first test (mocha/lib/cli/parse-args.js, reporters/parallel-buffered.cjs).
// The byte-for-byte worker-stream check on each major is in reporters.test.ts.

interface Case {
  fixture: string;
  what: string;
  options: Omit<FixtureOptions, 'mode'>;
  modes: ReadonlyArray<FixtureOptions['mode']>;
  /** What the run must show on every major, beyond agreeing with mocha 12. */
  check: (result: FixtureResult) => void;
}

const CASES: Case[] = [
  {
    fixture: 'pollution',
    what: 'every isolation claim holds (settings, env, sinon, temp files, the worker database)',
    options: { seed: 1, env: { FIXTURE_KEEP: 'kept', FIXTURE_GONE: 'present', ISOLATION_SHUFFLE: 'off' } },
    modes: ['serial', 'parallel'],
    check: (result) => {
      expect(result.failures.map((f) => `${f.title}: ${f.err.message}`)).to.deep.equal([]);
      expect(result.passes).to.have.length(14);
    },
  },
  {
    fixture: 'flaky-fail',
    what: 'a failing run says its seed and next steps',
    options: { seed: 2 },
    modes: ['serial', 'parallel'],
    check: (result) => {
      expect(result.code).not.to.equal(0);
      expect(result.stderr).to.match(/mocha-isolation: \d+ tests? failed \(seed 2\)\. Next steps:/);
    },
  },
  {
    fixture: 'rejection-fail',
    what: 'a rejection nobody handled fails its test',
    options: { seed: 1 },
    modes: ['serial', 'parallel'],
    check: (result) => expect(titles(result.failures)).to.deep.equal(['leaves a rejection nobody handles']),
  },
  {
    fixture: 'crash-fail',
    what: 'a killed worker loses no test',
    options: { seed: 1, env: { FIXTURE_CRASH: 'kill', ISOLATION_SHUFFLE: 'off' } },
    modes: ['parallel'],
    check: (result) => {
      expect(result.code).not.to.equal(0);
      expect(result.failures.map((f) => f.err.message).join('\n')).to.match(/killed by SIGKILL\) died while running crash\.spec\.ts/);
    },
  },
  {
    fixture: 'fresh-lazy',
    what: 'fresh modules keep one identity within a file',
    options: { seed: 1 },
    modes: ['serial', 'parallel'],
    check: (result) => {
      expect(result.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]);
      expect(result.passes).to.have.length(9);
    },
  },
  {
    fixture: 'cold-loads',
    what: "a module's first load is not its hook's time",
    options: { seed: 1 },
    modes: ['serial', 'parallel'],
    check: (result) => expect(result.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]),
  },
];

const outcomes = (result: FixtureResult): string[] => [...result.passes.map((t) => `passed: ${t.fullTitle}`), ...result.failures.map((t) => `failed: ${t.fullTitle}`)].sort();

describe('mocha 10 and 11 (npm aliases mocha-10, mocha-11)', () => {
  for (const { fixture, what, options, modes, check } of CASES) {
    for (const mode of modes) {
      it(`${what}, as on mocha 12 (fixtures/${fixture}, ${mode})`, async () => {
        const run = (mocha: MochaPackage) => runFixture(fixture, { ...options, mode, jobs: 2, mocha });
        const [reference, eleven, ten] = await Promise.all([run('mocha'), run('mocha-11'), run('mocha-10')]);
        for (const result of [reference, eleven, ten]) removeWork(result);
        for (const [name, result] of [['mocha 11', eleven], ['mocha 10', ten]] as const) {
          expect(result.stderr, `${name}: ${result.stderr}`).not.to.match(/Cannot find module|is not a (constructor|function)/);
          check(result);
          expect(outcomes(result), name).to.deep.equal(outcomes(reference));
          expect(result.leftovers, name).to.deep.equal([]);
        }
      });
    }
  }
});
