import { expect } from 'chai';
import { removeWork, runFixture, titles } from './support/run-fixture';

// Every isolation claim, proved both ways: the victim tests fail without the plugin and pass with it.
const VICTIMS = ['cache victim', 'db victim', 'env replace victim', 'env victim', 'settings victim', 'sinon victim', 'temp victim'];
const env = { FIXTURE_KEEP: 'kept', FIXTURE_GONE: 'present', ISOLATION_SHUFFLE: 'off' };

describe('isolation claims (fixtures/pollution)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    describe(mode === 'serial' ? '--no-parallel' : '--parallel --jobs 2', () => {
      it('fails exactly the victim tests without the plugin', async () => {
        const result = await runFixture('pollution', { mode, plugin: false, env });
        removeWork(result);
        expect(titles(result.failures)).to.deep.equal(VICTIMS);
        expect(result.passes).to.have.length(VICTIMS.length);
      });

      // auto rolls the db polluter's write back as a savepoint; delete empties the table after it.
      for (const dbReset of ['auto', 'delete']) {
        it(`passes every test with the plugin and leaves nothing in the temp folder (ISOLATION_DB_RESET=${dbReset})`, async () => {
          const result = await runFixture('pollution', { mode, env: { ...env, ISOLATION_DB_RESET: dbReset } });
          removeWork(result);
          expect(result.failures.map((f) => `${f.title}: ${f.err.message}`)).to.deep.equal([]);
          expect(result.passes).to.have.length(14);
          expect(result.code).to.equal(0);
          expect(result.leftovers).to.deep.equal([]);
        });
      }
    });
  }
});
