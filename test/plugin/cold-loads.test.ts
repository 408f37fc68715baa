import { expect } from 'chai';
import { removeWork, runFixture, titles } from './support/run-fixture';

// Issue 19 §6: a schedule never fails a passing suite through cold first loads. hexo's "before all" hooks load
// (ts-node compiles) half the project the first time in a process; whichever file ran first in a worker paid for
// it, and on a loaded machine its hook timed out. With the plugin a module's first load does not count against
// the timeout of the hook or test that triggered it (worker/modules/first-loads.ts); a hang still times out.
// The test after a beforeEach (d-test.spec.ts, as hexo's "categories" test that awaits hexo.init()): its loads were
// counted against it once the beforeEach had ended (a hook's end cleared what was watched): hexo timed out there.
describe('cold first loads and timeouts (fixtures/cold-loads, timeout 1000 ms, 1.2 s of first loads per hook or test)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    it(`time the hooks and the test out without the plugin (${mode})`, async () => {
      const result = await runFixture('cold-loads', { mode, seed: 1, plugin: false });
      removeWork(result);
      expect(result.failures.map((f) => f.err.message))
        .to.have.length(3)
        .and.satisfy((messages: string[]) => messages.every((m) => m.startsWith('Timeout of 1000ms exceeded')));
    });

    it(`pass with the plugin: first loads are not the hooks' or the test's time (${mode})`, async () => {
      const result = await runFixture('cold-loads', { mode, seed: 1 });
      removeWork(result);
      expect(result.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]);
      expect(titles(result.passes)).to.deep.equal([
        'loads its modules between awaits',
        'loads one more module itself',
        'runs after the hook',
      ]);
    });

    it(`still time out a hook that hangs after its loads, naming its own timeout (${mode})`, async () => {
      const result = await runFixture('cold-loads', { mode, seed: 1, env: { FIXTURE_HANG: '1' } });
      removeWork(result);
      const hook = result.failures.find((f) => f.fullTitle.includes('"before all" hook'));
      expect(hook?.err.message).to.match(/^Timeout of 1000ms exceeded/);
      expect(titles(result.passes)).to.deep.equal([
        'loads its modules between awaits',
        'loads one more module itself',
        'runs after the hook',
      ]);
    });
  }
});
