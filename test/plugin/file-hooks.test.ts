import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, fixtureDir, removeWork, runFixture } from './support/run-fixture';

describe('what users reach for works where they reach for it', () => {
  describe('a project on an older sinon major (fixtures/old-sinon)', () => {
    before(() => {
      // The fixture's own node_modules/sinon is sinon 9 (installed here as the sinon-9 alias).
      const link = path.join(fixtureDir('old-sinon'), 'node_modules', 'sinon');
      fs.mkdirSync(path.dirname(link), { recursive: true });
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO, 'node_modules', 'sinon-9'), link, 'dir');
    });

    it('fails without the plugin: its stubs and fake timers outlive the test', async () => {
      const result = await runFixture('old-sinon', { mode: 'serial', plugin: false, env: { ISOLATION_SHUFFLE: 'off' } });
      removeWork(result);
      expect(result.failures.map((f) => f.err.message))
        .to.have.length(2)
        .and.satisfy((messages: string[]) => messages.every((m) => /already wrapped|twice/.test(m)));
    });

    for (const mode of ['serial', 'parallel'] as const) {
      it(`restores the project's own sinon 9 fakes after every test (${mode})`, async () => {
        const result = await runFixture('old-sinon', { mode, seed: 5 });
        removeWork(result);
        expect(result.failures.map((f) => `${f.title}: ${f.err.message}`)).to.deep.equal([]);
        expect(result.passes).to.have.length(4);
      });
    }
  });

  describe('@serial describes and helpers in before() (fixtures/file-hooks)', () => {
    for (const mode of ['serial', 'parallel'] as const) {
      for (const seed of [1, 2, 3]) {
        it(`holds the lock from a describe's before() to its after(), and tempDir/setEnv/sandbox work in before() (${mode}, seed ${seed})`, async () => {
          const result = await runFixture('file-hooks', { mode, seed });
          const visits = fs.readFileSync(path.join(result.outDir, 'visits'), 'utf8').trim().split('\n');
          removeWork(result);
          expect(result.failures.map((f) => `${f.title}: ${f.err.message}`)).to.deep.equal([]);
          expect(result.passes).to.have.length(5);
          // One describe's before, tests and after, then the other's: never interleaved.
          const steps = visits.map((line) => line.split(' ').slice(1).join(' '));
          const first = steps[0]?.split(' ')[0];
          const firstBlock = steps.slice(0, 3);
          expect(
            firstBlock.every((step) => step.startsWith(`${first} `)),
            visits.join('\n'),
          ).to.equal(true);
          expect(result.leftovers, 'the folder made in before() is removed').to.deep.equal([]);
        });
      }
    }
  });
});
