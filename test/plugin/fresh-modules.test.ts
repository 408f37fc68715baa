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

  it("fails without the option in parallel: a worker that runs a second file gives it the first one's modules, and no support hooks", async () => {
    const result = await runFixture('fresh-modules', { mode: 'parallel', jobs: 2 });
    removeWork(result);
    expect(titles(result.failures))
      .to.include('gets a registry no other file filled')
      .and.include("runs after the support module's before hook, for this file");
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

// A library that loads a dialect lazily, while a test runs (fixtures/fresh-lazy): within a file every module has
// one copy, whenever it was first loaded. Before, the file's modules left the cache when its load ended, and the
// dialect came back built on a second copy of the client (the patch missing, instanceof against another class).
// A project module that the --require'd setup loads lazily is kept for the process, and named once.
describe('fresh modules keep one identity within a file (fixtures/fresh-lazy)', () => {
  const ADOPTED = 'mocha-isolation: lib/helper.ts was first loaded while a test ran, by setup.ts, which every spec file shares';
  for (const mode of ['serial', 'parallel'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`gives a lazily loaded module the file's own copies, and the setup's lazy load one copy (${mode}, seed ${seed})`, async () => {
        const result = await runFixture('fresh-lazy', { mode, jobs: 2, seed });
        removeWork(result);
        expect(result.failures.map((test) => `${test.fullTitle}: ${test.err.message}`)).to.deep.equal([]);
        expect(result.passes).to.have.length(9);
        expect(result.stderr.split(ADOPTED).length - 1, result.stderr).to.equal(1);
      });
    }
  }
});
