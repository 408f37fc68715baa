import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { type MochaPackage, REPO, removeWork, runFixture } from './support/run-fixture';
import { CASES, outcomes } from './support/fixture-cases';

// Issue 20 §1: the plugin keeps its promises on mocha 10 and 11 as on 12 (installed here as the npm aliases
// mocha-10 and mocha-11). Each fixture runs under the older major and under this repository's mocha 12, with the
// same seed; the outcomes must be the same test for test, serially and in parallel. On main before this, mocha 11
// and 10 failed before the first test (mocha/lib/cli/parse-args.js, reporters/parallel-buffered.cjs).
// The byte-for-byte worker-stream check on each major is in reporters.test.ts.

describe('mocha 10 and 11 (npm aliases mocha-10, mocha-11)', () => {
  it("leave `npx mocha` and `npm test` on this repository's mocha 12 (the aliases ship the same bin name)", () => {
    const bin = path.join(REPO, 'node_modules', '.bin', 'mocha');
    expect(fs.realpathSync(bin), 'scripts/link-mocha-bin.cjs (npm prepare) links it').to.equal(
      fs.realpathSync(path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js')),
    );
  });

  for (const { fixture, what, options, modes, check } of CASES) {
    for (const mode of modes) {
      it(`${what}, as on mocha 12 (fixtures/${fixture}, ${mode})`, async () => {
        const run = (mocha: MochaPackage) => runFixture(fixture, { ...options, mode, jobs: 2, mocha });
        const [reference, eleven, ten] = await Promise.all([run('mocha'), run('mocha-11'), run('mocha-10')]);
        for (const result of [reference, eleven, ten]) removeWork(result);
        for (const [name, result] of [
          ['mocha 11', eleven],
          ['mocha 10', ten],
        ] as const) {
          expect(result.stderr, `${name}: ${result.stderr}`).not.to.match(/Cannot find module|is not a (constructor|function)/);
          check(result);
          expect(outcomes(result), name).to.deep.equal(outcomes(reference));
          expect(result.leftovers, name).to.deep.equal([]);
        }
      });
    }
  }
});
