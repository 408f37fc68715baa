import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { removeWork, runFixture, titles } from './support/run-fixture';

// The leak report names each test once per category (what the plugin rolled back, and what it cannot), with file
// and worker, on stderr and as JSON; a clean test is never named; ISOLATION_LEAKS=fail fails the leaking tests.
const EXPECTED = [
  ['env', 'leaky changes a variable', /^LEAKY_TOKEN$/],
  ['servers', 'leaky leaves a server', /^127\.0\.0\.1:\d+$/],
  ['handles', 'leaky leaves a timer', /^Timeout ×1$/],
  ['listeners', 'leaky adds an exit listener', /^process\.on\(exit ×1\)$/],
] as const;

describe('the leak report (fixtures/leaks)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    it(`names every leaking test by category, and no clean one (${mode})`, async () => {
      const cache = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'leaks-')), 'durations.json');
      const result = await runFixture('leaks', { mode, env: { ISOLATION_DURATIONS: cache } });
      removeWork(result);
      expect(result.failures).to.deep.equal([]);
      expect(result.stderr).to.contain('mocha-isolation: 4 test(s) left something behind');
      expect(result.stderr).not.to.contain('cleans up after itself');
      expect(result.stderr).not.to.contain('secret-value');
      const { leaks } = JSON.parse(fs.readFileSync(path.join(path.dirname(cache), 'leaks.json'), 'utf8')) as {
        leaks: Array<{ category: string; test: string; file: string; detail: string; worker: string }>;
      };
      fs.rmSync(path.dirname(cache), { recursive: true, force: true });
      expect(leaks.map((leak) => leak.category).sort()).to.deep.equal(EXPECTED.map(([category]) => category).sort());
      for (const [category, test, detail] of EXPECTED) {
        const leak = leaks.find((l) => l.category === category);
        expect(leak?.test, category).to.equal(test);
        expect(leak?.detail, category).to.match(detail);
        expect(leak?.file).to.equal('leaky.spec.ts');
        expect(leak?.worker).to.match(mode === 'serial' ? /^serial$/ : /^worker \d+$/);
      }
    });
  }

  it('fails exactly the leaking tests with ISOLATION_LEAKS=fail', async () => {
    const result = await runFixture('leaks', { mode: 'parallel', env: { ISOLATION_LEAKS: 'fail' } });
    removeWork(result);
    expect(titles(result.failures)).to.deep.equal(['adds an exit listener', 'changes a variable', 'leaves a server', 'leaves a timer']);
    expect(titles(result.passes)).to.deep.equal(['cleans up after itself']);
  });

  it('says nothing with ISOLATION_LEAKS=off, and nothing for a clean suite', async () => {
    // Parallel: with the check off nothing closes the leaked server, and serially mocha would wait for it.
    const off = await runFixture('leaks', { mode: 'parallel', env: { ISOLATION_LEAKS: 'off' } });
    removeWork(off);
    expect(off.stderr).not.to.contain('left something behind');
    const clean = await runFixture('order', { mode: 'parallel' });
    removeWork(clean);
    expect(clean.stderr).not.to.contain('left something behind');
  });
});
