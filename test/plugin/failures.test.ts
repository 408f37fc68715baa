import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeWork, runFixture } from './support/run-fixture';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectStopped(options: Parameters<typeof runFixture>[1], message: string): Promise<void> {
  const result = await runFixture('config-fail', options);
  const ran = fs.existsSync(path.join(result.outDir, 'ran'));
  removeWork(result);
  expect(result.code).not.to.equal(0);
  expect(result.stdout + result.stderr).to.contain(message);
  expect(ran, 'a test ran despite the bad configuration').to.equal(false);
  expect(result.leftovers).to.deep.equal([]);
}

describe('bad configuration stops the run with one clear message (fixtures/config-fail)', () => {
  it('runs its test when the configuration is good', async () => {
    const result = await runFixture('config-fail', { mode: 'parallel' });
    removeWork(result);
    expect(result.passes).to.have.length(1);
  });

  it('refuses a non-numeric seed', () =>
    expectStopped({ mode: 'parallel', env: { ISOLATION_SEED: 'abc' } }, '"ISOLATION_SEED" must be a whole number from 0 to 4294967295, got "abc".'));

  it('refuses a non-numeric job count', () =>
    expectStopped({ mode: 'parallel', args: ['--jobs', 'two'] }, '"--jobs" must be a whole number of workers of at least 1, got "two".'));

  it('refuses an unknown plugin variable, and reports every problem at once', () =>
    expectStopped(
      { mode: 'serial', env: { ISOLATION_SEEED: '1', ISOLATION_SHUFFLE: 'maybe' } },
      'mocha-isolation found 2 configuration problems:\n  - "ISOLATION_SEEED" is not a variable mocha-isolation knows.',
    ));

  it('refuses a schema that fails to apply, before any test', () =>
    expectStopped({ mode: 'parallel', env: { FIXTURE_SCHEMA: 'broken.sql' } }, 'failed to apply: near ",": syntax error. Fix the SQL'));

  it('refuses a database folder that cannot be written', () =>
    expectStopped({ mode: 'parallel', env: { ISOLATION_TMPDIR: '/proc/no-such-folder' } }, 'the run folder could not be created in "/proc/no-such-folder" (ENOENT)'));
});

describe('crashes and interrupts leave nothing behind', () => {
  it('names the file and test a dead worker was running, and cleans up after it (fixtures/crash-fail)', async () => {
    const result = await runFixture('crash-fail', { mode: 'parallel', jobs: 2 });
    removeWork(result);
    expect(result.code).not.to.equal(0);
    expect(result.stderr).to.match(/mocha-isolation: worker \d+ \(pid \d+\) died while running .*crash\.spec\.ts, in test "crash kills its worker"\./);
    expect(result.leftovers).to.deep.equal([]);
  });

  for (const mode of ['serial', 'parallel'] as const) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      it(`${signal} stops the run, its workers and removes the run folder, ending with the signal (${mode}, fixtures/slow)`, async () => {
        const result = await runFixture('slow', { mode, interruptWhen: ['a', 'b'], interruptWith: signal });
        const pids = ['a', 'b'].map((name) => path.join(result.outDir, name)).filter((file) => fs.existsSync(file)).map((file) => Number(fs.readFileSync(file, 'utf8')));
        removeWork(result);
        // Killed by the signal itself (the shell shows 128 + its number), or, for SIGINT, exit 130.
        expect(result.signal ?? result.code).to.be.oneOf([signal, 128 + os.constants.signals[signal]]);
        expect(result.leftovers).to.deep.equal([]);
        expect(pids.filter(isAlive), 'a worker outlived the run').to.deep.equal([]);
      });
    }
  }
});

describe('leaks the plugin cannot roll back are named (fixtures/server-leak-fail)', () => {
  it('fails the test that left a server listening, by name', async () => {
    const result = await runFixture('server-leak-fail', { mode: 'parallel' });
    removeWork(result);
    expect(result.failures.map((f) => f.err.message?.replace(/:\d+\)/, ':PORT)'))).to.deep.equal([
      'test "servers leaves a server listening" (leak.spec.ts) left 1 server(s) listening (127.0.0.1:PORT). The plugin closed it. Close it before the test ends (await app.close() in the test or an afterEach hook), or set ISOLATION_LEAKS=warn.',
    ]);
  });

  it('reports nothing when the check is off', async () => {
    const result = await runFixture('server-leak-fail', { mode: 'parallel', env: { ISOLATION_LEAKS: 'off' } });
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    expect(result.stderr).not.to.contain('listening');
  });
});
