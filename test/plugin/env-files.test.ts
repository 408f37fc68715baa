import { expect } from 'chai';
import { removeWork, runFixture, titles, type FixtureOptions } from './support/run-fixture';

// process.env stays Node's object (references taken at import, TZ, worker threads) and file boundaries hold in
// every mode: a file's top-level and before() writes, and a stub made in before(), last exactly until it ends.
// In parallel mode a slow file keeps one worker busy, so a.spec.ts and b.spec.ts share the other worker.
const FILES = ['slow.spec.ts', 'a.spec.ts', 'b.spec.ts'];
const B_VICTIMS = [
  'runs in the starting time zone',
  "sees no other file's top-level or before() writes",
  'sees no stub another file made in before()',
  'sees no variable a test set, through any reference',
];

function options(mode: 'serial' | 'parallel', extra: Partial<FixtureOptions> = {}): FixtureOptions {
  return { mode, args: FILES, env: { FIXTURE_SLOW_MS: mode === 'parallel' ? '1500' : '0', ISOLATION_DURATIONS: 'off' }, ...extra };
}

describe('the real process.env and file boundaries (fixtures/env-files)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    describe(mode === 'serial' ? '--no-parallel' : '--parallel --jobs 2', () => {
      it("lets another file see a file's writes and stub without the plugin", async () => {
        const result = await runFixture('env-files', options(mode, { plugin: false }));
        removeWork(result);
        expect(titles(result.failures)).to.deep.equal(B_VICTIMS);
      });

      for (const seed of [1, 2, 3]) {
        it(`passes every test with the plugin, seed ${seed}`, async () => {
          const result = await runFixture('env-files', options(mode, { seed }));
          removeWork(result);
          expect(result.failures.map((f) => `${f.title}: ${f.err.message}`)).to.deep.equal([]);
          expect(result.passes).to.have.length(11);
          expect(result.leftovers).to.deep.equal([]);
        });
      }
    });
  }
});

// Issue 19 §8: by default a write through a reference taken at import, by a test that never touches process.env,
// is undone at its file's end; ISOLATION_ENV=strict compares after every test and undoes it after that test.
describe('ISOLATION_ENV=strict (fixtures/env-strict)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    it(`leaves a write through an import-time reference to the file's end by default (${mode})`, async () => {
      const result = await runFixture('env-strict', { mode, env: { ISOLATION_SHUFFLE: 'off' } });
      removeWork(result);
      expect(titles(result.failures)).to.deep.equal(["shows the next test no earlier test's write"]);
    });

    for (const how of ['ISOLATION_ENV', 'isolation.env'] as const) {
      it(`undoes it after the test that made it, and names the test, with ${how}=strict (${mode})`, async () => {
        const env: Record<string, string> = how === 'ISOLATION_ENV' ? { ISOLATION_ENV: 'strict' } : { FIXTURE_ENV_OPTION: 'strict' };
        const result = await runFixture('env-strict', { mode, env: { ISOLATION_SHUFFLE: 'off', ...env } });
        removeWork(result);
        expect(result.failures.map((f) => f.err.message)).to.deep.equal([]);
        expect(result.passes).to.have.length(2);
        expect(result.stderr).to.match(
          /"a reference to process\.env taken at import is written through by a test that never touches process\.env" \(reference\.spec\.ts, [^)]+\): WRITTEN_THROUGH_REFERENCE/,
        );
      });
    }
  }
});
