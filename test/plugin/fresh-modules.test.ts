import { expect } from 'chai';
import { removeWork, runFixture, titles } from './support/run-fixture';

// A module-level singleton filled by one file, and a support module that registers before/after when imported:
// mocha shares both across the files of a process. With isolation.modules 'file' every file gets fresh copies
// and the support module's hooks, serially and in parallel; without it the plugin names the support module.
describe('fresh modules per file (fixtures/fresh-modules)', () => {
  const WARNING = 'support.ts registers before/after hooks when it is imported';

  it('fails without the option, serially: files 2 to 4 see the registry filled, and the support module is named', async () => {
    const result = await runFixture('fresh-modules', { mode: 'serial' });
    removeWork(result);
    expect(titles(result.failures)).to.deep.equal(Array(3).fill('gets a registry no other file filled'));
    expect(result.stderr).to.contain(WARNING);
  });

  it('fails without the option in parallel: a worker that runs a second file gives it the first one\'s modules, and no support hooks', async () => {
    const result = await runFixture('fresh-modules', { mode: 'parallel', jobs: 2 });
    removeWork(result);
    expect(titles(result.failures)).to.include('gets a registry no other file filled').and.include("runs after the support module's before hook, for this file");
    expect(result.stderr).to.contain(WARNING);
  });

  for (const mode of ['serial', 'parallel'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`gives every file fresh modules and the support module's hooks with ISOLATION_MODULES=file (${mode}, seed ${seed})`, async () => {
        const result = await runFixture('fresh-modules', { mode, jobs: 2, seed, env: { ISOLATION_MODULES: 'file' } });
        removeWork(result);
        expect(result.failures.map((test) => `${test.fullTitle}: ${test.err.message}`)).to.deep.equal([]);
        expect(result.passes).to.have.length(8);
        expect(result.stderr).not.to.contain(WARNING);
      });
    }
  }
});
