import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeWork, runFixture, titles } from './support/run-fixture';

// The leak report names each test once per category (what the plugin rolled back, and what it cannot), with file
// and worker, on stderr and as JSON; a clean test is never named; ISOLATION_LEAKS=fail fails the leaking tests.
const EXPECTED = [
  ['env', 'leaky changes a variable', /^LEAKY_TOKEN$/],
  ['fakes', 'leaky leaves a stub', /^now \(stub\)$/],
  ['fakes', 'leaky leaves fake timers', /^fake timers \(useFakeTimers\)$/],
  ['rows', 'leaky leaves a row', /^notes ×1$/],
  ['tempFiles', 'leaky leaves a temp file', /^left-behind\.txt$/],
  ['tempFiles', '(before/after hooks of the file)', /^made-in-before$/],
  ['servers', 'leaky leaves a server', /^127\.0\.0\.1:\d+$/],
  ['handles', 'leaky leaves a timer', /^Timeout ×1$/],
  ['listeners', 'leaky adds an exit listener', /^process\.on\(exit ×1\)$/],
  ['globals', 'leaky adds a global', /^leakyGlobal$/],
  ['prototypes', 'leaky extends a prototype', /^String\.prototype\.leakyShout$/],
] as const;

describe('the leak report (fixtures/leaks)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    it(`names every leaking test by category, and no clean one (${mode})`, async () => {
      const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leaks-')), 'durations.json');
      const result = await runFixture('leaks', { mode, env: { ISOLATION_DURATIONS: cache } });
      removeWork(result);
      expect(result.failures).to.deep.equal([]);
      expect(result.stderr).to.contain('mocha-isolation: 11 test(s) left something behind');
      expect(result.stderr).not.to.contain('cleans up after itself');
      expect(result.stderr).not.to.contain('is not left behind');
      expect(result.stderr).not.to.contain('secret-value');
      const { leaks } = JSON.parse(fs.readFileSync(path.join(path.dirname(cache), 'leaks.json'), 'utf8')) as {
        leaks: Array<{ category: string; test: string; file: string; detail: string; worker: string }>;
      };
      fs.rmSync(path.dirname(cache), { recursive: true, force: true });
      expect(leaks.map((leak) => `${leak.category}: ${leak.test}`).sort()).to.deep.equal(
        EXPECTED.map(([category, test]) => `${category}: ${test}`).sort(),
      );
      for (const [category, test, detail] of EXPECTED) {
        const leak = leaks.find((l) => l.category === category && l.test === test);
        expect(leak?.detail, `${category}: ${test}`).to.match(detail);
        expect(leak?.file).to.equal('leaky.spec.ts');
        expect(leak?.worker).to.match(mode === 'serial' ? /^serial$/ : /^worker \d+$/);
      }
    });
  }

  it('fails exactly the leaking tests with ISOLATION_LEAKS=fail', async () => {
    const result = await runFixture('leaks', { mode: 'parallel', env: { ISOLATION_LEAKS: 'fail' } });
    removeWork(result);
    expect(titles(result.failures)).to.deep.equal([
      'adds a global',
      'adds an exit listener',
      'changes a variable',
      'extends a prototype',
      'leaves a row',
      'leaves a server',
      'leaves a stub',
      'leaves a temp file',
      'leaves a timer',
      'leaves fake timers',
    ]);
    expect(titles(result.passes)).to.deep.equal(['cleans up after itself', 'is not left behind', 'uses the folder']);
  });

  it('takes a policy per category: ISOLATION_LEAKS=report,rows=off,globals=fail', async () => {
    const result = await runFixture('leaks', { mode: 'serial', env: { ISOLATION_LEAKS: 'report,rows=off,globals=fail' } });
    removeWork(result);
    expect(titles(result.failures)).to.deep.equal(['adds a global']);
    expect(result.stderr).to.contain('9 test(s) left something behind'); // 11 less the row (off) and the global (failed instead)
    expect(result.stderr).not.to.match(/^ {2}rows:/m);
  });

  it('refuses an unknown category or policy, naming it', async () => {
    const result = await runFixture('leaks', { mode: 'serial', env: { ISOLATION_LEAKS: 'report,row=off,env=loud' } });
    removeWork(result);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('not understood: "row=off", "env=loud"');
    expect(result.stderr).to.contain('Example: ISOLATION_LEAKS=report,rows=off');
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

describe('the plugin does not trip its own leak checks (fixtures/own-listeners)', () => {
  for (const mode of ['serial', 'parallel'] as const) {
    it(`passes a test whose tempDir() loads tmp (its 'exit' listener is the plugin's) with ISOLATION_LEAKS=fail (${mode})`, async () => {
      const result = await runFixture('own-listeners', { mode, env: { ISOLATION_LEAKS: 'fail' } });
      removeWork(result);
      expect(result.failures.map((f) => f.err.message)).to.deep.equal([]);
      expect(result.passes).to.have.length(1);
      expect(result.code).to.equal(0);
    });
  }
});
