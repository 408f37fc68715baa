// What each process of a run loads of the plugin: a parallel worker runs tests and nothing else, so the main
// process's code (hooks/main/) and the command's (hooks/cli/) must never reach its module cache, where they
// would cost start-up time and could run in the wrong process.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { removeWork, runFixture } from './support/run-fixture';

function loadedModules(outDir: string): Map<string, string[]> {
  const lists = fs.readdirSync(outDir).filter((name) => name.startsWith('loaded-'));
  return new Map(lists.map((name) => [name, JSON.parse(fs.readFileSync(path.join(outDir, name), 'utf8')) as string[]]));
}
const outsideWorker = (files: readonly string[]) => files.filter((file) => file.startsWith('main/') || file.startsWith('cli/'));

describe('the processes of a run', () => {
  it('a parallel worker loads the worker code and no main-process or command code', async () => {
    const result = await runFixture('worker-modules', { mode: 'parallel', jobs: 2, seed: 1 });
    try {
      expect(result.failures).to.deep.equal([]);
      const lists = loadedModules(result.outDir);
      expect([...lists.keys()].filter((name) => name.startsWith('loaded-main'))).to.deep.equal([]);
      expect(lists.size).to.equal(2);
      for (const [name, files] of lists) {
        expect(files, name).to.include('worker/worker-state.ts');
        expect(outsideWorker(files), name).to.deep.equal([]);
      }
    } finally {
      removeWork(result);
    }
  });

  it('serially, the one process runs the tests and the run set-up, so the same check finds main-process code', async () => {
    const result = await runFixture('worker-modules', { mode: 'serial', seed: 1 });
    try {
      const lists = [...loadedModules(result.outDir).values()];
      expect(lists).to.have.length(2);
      expect(outsideWorker(lists[0] as string[])).to.include('main/run-setup.ts');
    } finally {
      removeWork(result);
    }
  });
});
