import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { removeWork, runFixture } from './support/run-fixture';

function evidence(outDir: string, name: string): { db: string; worker: string; pid: number } {
  return JSON.parse(fs.readFileSync(path.join(outDir, `${name}.json`), 'utf8'));
}

describe('parallel workers (fixtures/concurrency, fixtures/serial)', () => {
  it('runs two files at the same time in two workers, each on its own database file', async () => {
    const result = await runFixture('concurrency', { mode: 'parallel', jobs: 2 });
    const [a, b] = [evidence(result.outDir, 'a'), evidence(result.outDir, 'b')];
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    expect(result.passes).to.have.length(2);
    expect(a.pid).not.to.equal(b.pid);
    expect(a.db).not.to.equal(b.db);
    expect(path.dirname(a.db)).to.equal(path.dirname(b.db));
    expect(path.basename(a.db)).to.equal(`worker-${a.worker}.sqlite`);
    expect(path.basename(path.dirname(a.db))).to.match(/^mocha-isolation-\d+-/);
    expect(result.leftovers).to.deep.equal([]);
  });

  it('names the serial database "worker-serial" when there are no workers', async () => {
    const result = await runFixture('concurrency', {
      mode: 'serial',
      args: ['a.spec.ts'],
      env: { ISOLATION_SHUFFLE: 'off', FIXTURE_MEET_MS: '500' },
    });
    // Alone, "a" waits for "b" in vain: the rendezvous itself proves serial mode runs one test at a time.
    removeWork(result);
    expect(result.failures.map((f) => f.err.message)).to.deep.equal(['b never ran while a was running']);
  });

  it('never overlaps @serial tests, while the other tests of those files run in parallel', async () => {
    const result = await runFixture('serial', { mode: 'parallel', jobs: 2 });
    const read = (name: string): [number, number] => JSON.parse(fs.readFileSync(path.join(result.outDir, `${name}.interval`), 'utf8'));
    const [a, b] = [read('a'), read('b')];
    removeWork(result);
    expect(result.failures.map((f) => f.err.message)).to.deep.equal([]);
    expect(result.passes).to.have.length(4);
    expect(a[1] <= b[0] || b[1] <= a[0], `intervals overlap: ${a} ${b}`).to.equal(true);
  });
});
