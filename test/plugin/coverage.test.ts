import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, removeWork, runFixture } from './support/run-fixture';

// Issue 20 §5: under coverage a worker writes its coverage as it exits, and workerpool kills a worker that has not
// exited one second after mocha told it to (mocha issue 6219): that worker's coverage was lost. fixtures/
// coverage-exit has a worker whose exit takes 1.5 s (a large payload); NODE_V8_COVERAGE is what c8 sets.
describe('coverage in parallel (fixtures/coverage-exit, NODE_V8_COVERAGE)', () => {
  async function run(plugin: boolean): Promise<{ exited: number; coverageFiles: number }> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'coverage-'));
    const v8 = path.join(folder, 'v8');
    const result = await runFixture('coverage-exit', { mode: 'parallel', jobs: 2, seed: 1, plugin, env: { NODE_V8_COVERAGE: v8 } });
    const exited = fs.readdirSync(result.outDir).filter((name) => name.startsWith('exited-')).length;
    removeWork(result);
    const coverageFiles = fs.existsSync(v8) ? fs.readdirSync(v8).length : 0;
    fs.rmSync(folder, { recursive: true, force: true });
    expect(result.code, result.stderr).to.equal(0);
    return { exited, coverageFiles };
  }

  it("loses the slow worker's coverage without the plugin: killed a second after it was told to exit", async () => {
    expect(await run(false)).to.deep.equal({ exited: 0, coverageFiles: 2 });
  });

  it("keeps every process's coverage with the plugin: the main process and both workers", async () => {
    expect(await run(true)).to.deep.equal({ exited: 1, coverageFiles: 3 });
  });
});

// nyc writes each process's coverage from an exit listener (the fixture's slow one runs first). Measured: under
// nyc, mocha's pool let the slow worker finish its exit without the plugin too (3 files either way, the worker's
// "exited" mark written); what is checked here is that with the plugin nyc sees every process of a parallel run.
describe('coverage in parallel under nyc (fixtures/coverage-exit)', () => {
  it("keeps every process's coverage: the main process's and both workers'", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nyc-'));
    const nyc = [path.join(REPO, 'node_modules/nyc/bin/nyc.js'), '--silent', '--temp-dir', folder, process.execPath];
    const result = await runFixture('coverage-exit', { mode: 'parallel', jobs: 2, seed: 1, wrap: nyc });
    const exited = fs.readdirSync(result.outDir).filter((name) => name.startsWith('exited-')).length;
    removeWork(result);
    const files = fs.readdirSync(folder).filter((name) => name.endsWith('.json'));
    fs.rmSync(folder, { recursive: true, force: true });
    expect(result.code, result.stderr).to.equal(0);
    expect({ exited, files: files.length }).to.deep.equal({ exited: 1, files: 3 });
  });
});
