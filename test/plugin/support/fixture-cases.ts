// The fixture runs that every supported mocha and Node must agree on, test for test (majors.test.ts compares mocha
// 10 and 11 with 12; node-matrix.test.ts each Node major with this one).

import { expect } from 'chai';
import { type FixtureOptions, type FixtureResult, titles } from './run-fixture';

export interface Case {
  fixture: string;
  what: string;
  options: Omit<FixtureOptions, 'mode'>;
  modes: ReadonlyArray<FixtureOptions['mode']>;
  /** It opens the worker database: better-sqlite3's native build must match the node that runs it. */
  sqlite?: boolean;
  /** What the run must show on every major, beyond agreeing with mocha 12. */
  check: (result: FixtureResult) => void;
}

export const CASES: Case[] = [
  {
    fixture: 'pollution',
    sqlite: true,
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
    sqlite: true,
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

export const outcomes = (result: FixtureResult): string[] =>
  [...result.passes.map((t) => `passed: ${t.fullTitle}`), ...result.failures.map((t) => `failed: ${t.fullTitle}`)].sort();
