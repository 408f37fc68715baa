import { expect } from 'chai';
import { removeWork, runFixture, titles } from './support/run-fixture';

// A problem the plugin finds after a test (a server left listening, a registered reset that throws) fails that
// test, once, and every other test still runs and is counted; a test that drops or adds tables, through any
// connection, leaves the next test the template's schema with empty tables. The run ends on its own.
describe('problems found after a test fail that test only (fixtures/teardown-fail)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${mode}, seed ${seed}: two failures named, nine passes, every test counted once`, async () => {
        const result = await runFixture('teardown-fail', { mode, seed });
        removeWork(result);
        expect(titles(result.failures)).to.deep.equal(['leaves a server listening', 'makes a registered reset throw']);
        const messages = result.failures.map((f) => f.err.message).sort();
        expect(messages[0]).to.match(/^teardown of test "leaky makes a registered reset throw" failed: the cache would not clear$/);
        expect(messages[1]).to.match(/^test "leaky leaves a server listening" \(leak\.spec\.ts\) left 1 server\(s\) listening \(127\.0\.0\.1:\d+\)\. The plugin closed it\./);
        expect(result.passes).to.have.length(9);
        expect(result.tests).to.have.length(11);
        expect(result.code).to.equal(2);
        expect(result.leftovers).to.deep.equal([]);
      });
    }
  }
});

describe('a run says when tests were loaded but never reported (fixtures/dropped-fail)', () => {
  it('names the file and how many tests a failing hook dropped (parallel)', async () => {
    const result = await runFixture('dropped-fail', { mode: 'parallel', env: { ISOLATION_SHUFFLE: 'off' } });
    removeWork(result);
    expect(titles(result.passes)).to.deep.equal(['step 1']);
    expect(result.code).not.to.equal(0);
    expect(result.stderr).to.contain('mocha-isolation: the run reported fewer tests than its files loaded:\n  - dropped.spec.ts: 2 of 3 tests were never reported');
  });
});
